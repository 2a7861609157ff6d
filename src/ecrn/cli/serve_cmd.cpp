#include "ecrn/cli/command.hpp"

namespace ecrn::cli {
void AddServeCommand(CLI::App&, Context&) {}
}  // namespace ecrn::cli
