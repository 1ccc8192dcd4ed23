// The `sluice` entry point: global options (--log-level, $SLUICE_LOG_LEVEL, --version), then
// the command found in the command table (runtime/command_table.h).
#pragma once
#include <string>
#include <vector>

namespace sluice::runtime {

// args = argv without the program name; returns the exit code.
int cli_main(std::vector<std::string> args);

}  // namespace sluice::runtime
