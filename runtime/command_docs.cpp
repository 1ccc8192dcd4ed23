#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/editor_syntax.h"
#include "runtime/language_docs.h"
#include "runtime/man_page.h"
#include "runtime/operator_docs.h"

namespace sluice::runtime {
namespace {
namespace fs = std::filesystem;
using Files = std::vector<std::pair<fs::path, std::string>>;

const char* kDocsHelp =
    "usage: sluice docs [--root DIR] [--out DIR] [--language FILE] [--check]\n\n"
    "Writes the files generated from the code, under the repository root (--root, default .):\n"
    "  docs/operators/*.md  the operator reference, from the option specs (--out DIR)\n"
    "  docs/language.md     its generated regions (settings, functions); the hand-written rest\n"
    "                       of the page is kept (--language FILE)\n"
    "  docs/sluice.1        the man page, from the command table\n"
    "  editors/vscode/, editors/vim/  syntax files, from the grammar's keywords and the\n"
    "                       function table\n"
    "  --check  write nothing; exit 1 when a file differs from what would be generated\n"
    "           (CI drift check)\n";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every generated file but the language reference (its regions are filled in the page).
Files generated_files(const fs::path& root, const fs::path& operators_dir) {
  Files files;
  for (auto& [name, text] : render_operator_docs(operators::registry())) {
    files.emplace_back(operators_dir / name, std::move(text));
  }
  files.emplace_back(root / "docs" / "sluice.1", render_man_page());
  for (auto& [path, text] : render_editor_files()) files.emplace_back(root / path, std::move(text));
  return files;
}

int check(const Files& files) {
  int stale = 0;
  for (const auto& [path, text] : files) {
    if (slurp(path) != text) {
      std::fprintf(stderr, "%s is out of date: run `sluice docs`\n", path.c_str());
      ++stale;
    }
  }
  return stale ? kExitInvalid : kExitOk;
}

int write(const Files& files) {
  int written = 0;
  for (const auto& [path, text] : files) {
    if (slurp(path) == text) continue;
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    ++written;
  }
  std::printf("sluice docs: %zu generated files, %d written\n", files.size(), written);
  return kExitOk;
}
}  // namespace

int command_docs(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("docs", argv, {"--root", "--out", "--language"}, {"--check"},
                                 kDocsHelp, exit_code, false);
  if (!args) return exit_code;
  const fs::path root = args->get("--root").value_or(".");
  const fs::path language = args->get("--language").value_or((root / "docs/language.md").string());
  if (!fs::exists(language)) {
    std::fprintf(stderr,
                 "%s does not exist: the language reference is written by hand around "
                 "its generated regions\n",
                 language.c_str());
    return kExitInvalid;
  }
  auto filled = fill_language_regions(slurp(language));
  if (!filled.ok()) {
    std::fprintf(stderr, "%s: %s\n", language.c_str(), filled.err().message.c_str());
    return kExitInvalid;
  }
  Files files =
      generated_files(root, args->get("--out").value_or((root / "docs/operators").string()));
  files.emplace_back(language, std::move(filled.value()));
  return args->has("--check") ? check(files) : write(files);
}

}  // namespace sluice::runtime
