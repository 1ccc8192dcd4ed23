#include <cstdio>

#include "dsl/loader.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
const char* kCheckHelp =
    "usage: sluice check FILE...\n\n"
    "Validates pipeline files: syntax, stage kinds, options against each operator's spec,\n"
    "names, `from` references and cycles, functions and the types known before running,\n"
    "and the file's `test` blocks (the stages they name, their records).\n"
    "Every error is printed as FILE:LINE:COL: error: message, with the line and a caret.\n"
    "Exit codes: 0 all files valid, 1 errors found, 2 usage.\n";
}

int command_check(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("check", argv, {}, {}, kCheckHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.empty()) {
    std::fprintf(stderr, "sluice check: no FILE given\n\n%s", kCheckHelp);
    return kExitUsage;
  }
  auto specs = operators::registry().specs();
  int rc = kExitOk;
  for (const auto& path : args->positional) {
    auto loaded = dsl::load_file(path, specs);
    std::string report = dsl::format(loaded);
    if (!report.empty()) std::fputs(report.c_str(), stderr);
    if (!loaded.ok()) {
      rc = kExitInvalid;
    } else {
      size_t pipes = loaded.file.pipelines.size();
      size_t tests = loaded.file.tests.size();
      std::string tail = tests == 0
                             ? std::string()
                             : ", " + std::to_string(tests) + " test" + (tests == 1 ? "" : "s");
      std::printf("%s: ok (%zu pipeline%s%s)\n", path.c_str(), pipes, pipes == 1 ? "" : "s",
                  tail.c_str());
    }
  }
  return rc;
}

}  // namespace sluice::runtime
