#include <cstdio>

#include "operators/registry.h"
#include "runtime/catalog_json.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
const char* kListHelp =
    "usage: sluice list [--json]\n\n"
    "Prints every registered operator kind with its summary.\n"
    "  --json  every operator kind with its option spec, the settings, and every function\n"
    "          (name, signature, description) as one JSON document\n";
}  // namespace

int command_list(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("list", argv, {}, {"--json"}, kListHelp, exit_code, false);
  if (!args) return exit_code;
  if (args->has("--json")) {
    std::fputs(render_catalog_json(operators::registry()).c_str(), stdout);
    return kExitOk;
  }
  for (const auto& k : operators::registry().all()) {
    std::string name = dsl::kind_label(k.spec);
    std::printf("%-22s %s\n", name.c_str(), k.spec.summary.c_str());
  }
  return kExitOk;
}

}  // namespace sluice::runtime
