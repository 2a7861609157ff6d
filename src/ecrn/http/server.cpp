// Minimal HTTP server for /healthz (filled in with the serve command).
