// sluice: the command line (DSL.md §11).
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/commands.h"

namespace {
const char* kUsage =
    "usage: sluice COMMAND [ARGS]\n\n"
    "commands:\n"
    "  check FILE...                       validate pipeline files\n"
    "  graph FILE [--format dot|mermaid]   print the compiled actor graph\n"
    "  run FILE [--exit-when-idle D] [--state-dir DIR]\n"
    "                                      run every pipeline in FILE\n"
    "  list                                list the registered operator kinds\n"
    "  docs [--out DIR] [--check]          write the operator reference (docs/operators)\n"
    "  help                                this text\n\n"
    "`sluice COMMAND --help` describes each command.\n"
    "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.\n";
}

int main(int argc, char** argv) {
  using namespace sluice::runtime;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  std::string cmd = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  if (cmd == "check") return command_check(rest);
  if (cmd == "graph") return command_graph(rest);
  if (cmd == "run") return command_run(rest);
  if (cmd == "list") return command_list(rest);
  if (cmd == "docs") return command_docs(rest);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (cmd == "--version") {
    std::puts("sluice 0.1.0");
    return kExitOk;
  }
  std::fprintf(stderr, "sluice: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return kExitUsage;
}
