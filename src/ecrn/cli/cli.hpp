// The `ecrn` command line: parses arguments (CLI11) and runs a subcommand.
// Only cli/ writes to stdout. Not thread-safe (runs on the main thread).
#pragma once

namespace ecrn::cli {

// Runs the command line; returns the process exit code. Never throws.
int Main(int argc, char** argv);

}  // namespace ecrn::cli
