// Ingest of STIX objects into channels (filled in with the import command).
