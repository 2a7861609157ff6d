// Composition root of the `ecrn` binary: everything is wired in cli::Main.
#include "ecrn/cli/cli.hpp"

int main(int argc, char** argv) { return ecrn::cli::Main(argc, argv); }
