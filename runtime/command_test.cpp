// sluice test FILE...: runs the pipeline unit tests of each file (docs/testing.md).
#include <cstdio>
#include <sstream>

#include "dsl/loader.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/pipeline_test_runner.h"

namespace sluice::runtime {
namespace {
const char* kTestHelp =
    "usage: sluice test FILE...\n\n"
    "Runs every `test \"name\" of PIPELINE { ... }` block of each file in this process:\n"
    "sources and sinks are not opened; `input STAGE = [...]` gives the records a stage emits,\n"
    "`expect STAGE = [...]` the records that must leave it, in order, and\n"
    "`expect_dead_letters STAGE = N` how many it rejects. A failing test prints a diff.\n"
    "See docs/testing.md.\n"
    "Exit codes: 0 every test passed, 1 a test failed, a file is invalid or has no tests,\n"
    "2 usage.\n";

struct Tally {
  size_t passed = 0, failed = 0, invalid = 0;
};

void run_file(const std::string& path, Tally& tally) {
  auto loaded = dsl::load_file(path, operators::registry().specs());
  std::string report = dsl::format(loaded);
  if (!report.empty()) std::fputs(report.c_str(), stderr);
  if (!loaded.ok()) {
    ++tally.invalid;
    return;
  }
  if (loaded.file.tests.empty()) return;
  std::printf("%s\n", path.c_str());
  for (const auto& r : run_tests(path, loaded.file.text)) {
    if (r.passed) {
      ++tally.passed;
      std::printf("  ok    %s\n", r.name.c_str());
    } else {
      ++tally.failed;
      std::printf("  FAIL  %s (%s:%d)\n", r.name.c_str(), path.c_str(), r.loc.line);
      std::istringstream lines(r.report);
      for (std::string line; std::getline(lines, line);) std::printf("        %s\n", line.c_str());
    }
  }
  std::fflush(stdout);
}

}  // namespace

int command_test(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("test", argv, {}, {}, kTestHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.empty()) {
    std::fprintf(stderr, "sluice test: no FILE given\n\n%s", kTestHelp);
    return kExitUsage;
  }
  Tally tally;
  for (const auto& path : args->positional) run_file(path, tally);
  size_t total = tally.passed + tally.failed;
  if (total == 0 && tally.invalid == 0) {
    std::fprintf(stderr,
                 "sluice test: no tests in %s: add a block `test \"what it shows\" of PIPELINE { "
                 "input STAGE = [...] expect STAGE = [...] }` (docs/testing.md)\n",
                 args->positional.size() == 1 ? args->positional[0].c_str() : "these files");
    return kExitInvalid;
  }
  std::printf("%zu test%s: %zu passed, %zu failed", total, total == 1 ? "" : "s", tally.passed,
              tally.failed);
  if (tally.invalid > 0)
    std::printf(", %zu invalid file%s", tally.invalid, tally.invalid == 1 ? "" : "s");
  std::printf("\n");
  return tally.failed == 0 && tally.invalid == 0 ? kExitOk : kExitInvalid;
}

}  // namespace sluice::runtime
