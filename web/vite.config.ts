/// <reference types="vitest/config" />
// Builds the front end into dist/ (static files that `ecrn serve --web-root`
// serves) and configures the Vitest unit tests (jsdom, fetch mocked per test).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The CSP is default-src 'self': no inlined data: URLs for assets.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2020',
  },
  esbuild: {
    jsx: 'automatic',
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    unstubGlobals: true,
    // The machine is shared: generous limits so a slow run is not a failure.
    testTimeout: 30_000,
  },
});
