#include "ecrn/cli/command.hpp"

namespace ecrn::cli {
void AddStixCommands(CLI::App&, Context&) {}
}  // namespace ecrn::cli
