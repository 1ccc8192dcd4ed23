// sluice: the command line (DSL.md §11). The commands are in runtime/command_table.cpp.
#include <string>
#include <vector>

#include "runtime/cli_main.h"

int main(int argc, char** argv) {
  return sluice::runtime::cli_main(std::vector<std::string>(argv + 1, argv + argc));
}
