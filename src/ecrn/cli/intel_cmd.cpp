#include "ecrn/cli/command.hpp"

namespace ecrn::cli {
void AddIntelCommands(CLI::App&, Context&) {}
}  // namespace ecrn::cli
