#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/language_docs.h"
#include "runtime/operator_docs.h"

namespace sluice::runtime {
namespace {
const char* kHelp =
    "usage: sluice docs [--out DIR] [--language FILE] [--check]\n\n"
    "Writes the operator reference generated from the option specs to DIR (default "
    "docs/operators)\n"
    "and the generated regions (settings, functions) of the language reference FILE (default\n"
    "docs/language.md; the hand-written rest of FILE is kept).\n"
    "  --check  write nothing; exit 1 when DIR or FILE differs from what would be generated\n"
    "           (CI drift check)\n";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

int command_docs(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("docs", argv, {"--out", "--language"}, {"--check"}, kHelp,
                                 exit_code, false);
  if (!args) return exit_code;
  std::filesystem::path dir = args->get("--out").value_or("docs/operators");
  std::filesystem::path language = args->get("--language").value_or("docs/language.md");
  auto files = render_operator_docs(operators::registry());
  if (!std::filesystem::exists(language)) {
    std::fprintf(stderr,
                 "%s does not exist: the language reference is written by hand around "
                 "its generated regions\n",
                 language.c_str());
    return kExitInvalid;
  }
  const std::string page = slurp(language);
  auto filled = fill_language_regions(page);
  if (!filled.ok()) {
    std::fprintf(stderr, "%s: %s\n", language.c_str(), filled.err().message.c_str());
    return kExitInvalid;
  }
  if (args->has("--check")) {
    int stale = 0;
    if (filled.value() != page) {
      std::fprintf(stderr, "%s is out of date: run `sluice docs`\n", language.c_str());
      ++stale;
    }
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
  if (filled.value() != page) {
    std::ofstream out(language, std::ios::binary | std::ios::trunc);
    out << filled.value();
  }
  std::printf("wrote %zu files to %s and the generated regions of %s\n", files.size(), dir.c_str(),
              language.c_str());
  return kExitOk;
}

}  // namespace sluice::runtime
