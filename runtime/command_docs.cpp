#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/operator_docs.h"

namespace sluice::runtime {
namespace {
const char* kHelp =
    "usage: sluice docs [--out DIR] [--check]\n\n"
    "Writes the operator reference generated from the option specs to DIR (default docs/operators).\n"
    "  --check  write nothing; exit 1 when DIR differs from what would be generated (CI drift check)\n";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

int command_docs(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("docs", argv, {"--out"}, {"--check"}, kHelp, exit_code, false);
  if (!args) return exit_code;
  std::filesystem::path dir = args->get("--out").value_or("docs/operators");
  auto files = render_operator_docs(operators::registry());
  if (args->has("--check")) {
    int stale = 0;
    for (const auto& [name, text] : files) {
      if (slurp(dir / name) != text) {
        std::fprintf(stderr, "%s is out of date: run `sluice docs`\n", (dir / name).c_str());
        ++stale;
      }
    }
    return stale ? kExitInvalid : kExitOk;
  }
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : files) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::printf("wrote %zu files to %s\n", files.size(), dir.c_str());
  return kExitOk;
}

}  // namespace sluice::runtime
