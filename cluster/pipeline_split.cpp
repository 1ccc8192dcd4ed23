#include "cluster/pipeline_split.h"

#include "dsl/loader.h"

namespace sluice::cluster {
namespace {

// Byte offset of the start of 1-based `line`.
size_t line_start(const std::string& text, int line) {
  size_t off = 0;
  for (int l = 1; l < line && off < text.size(); ++l) {
    auto nl = text.find('\n', off);
    if (nl == std::string::npos) return text.size();
    off = nl + 1;
  }
  return off;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> split_pipelines(const ast::File& file,
                                                                 const dsl::SpecRegistry& specs) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto& ps = file.pipelines;
  bool ok = true;
  for (size_t i = 0; i < ps.size() && ok; ++i) {
    size_t from = i == 0 ? 0 : line_start(file.text, ps[i].loc.line);
    size_t to = i + 1 < ps.size() ? line_start(file.text, ps[i + 1].loc.line) : file.text.size();
    if (i + 1 < ps.size() && ps[i + 1].loc.line <= ps[i].loc.line) ok = false;
    if (!ok || to < from) break;
    std::string piece = file.text.substr(from, to - from);
    auto loaded = dsl::load_text(file.path, piece, specs);
    if (!loaded.ok() || loaded.file.pipelines.size() != 1 ||
        loaded.file.pipelines[0].name != ps[i].name) {
      ok = false;
      break;
    }
    out.emplace_back(ps[i].name, std::move(piece));
  }
  if (!ok) {
    out.clear();
    for (const auto& p : ps) out.emplace_back(p.name, file.text);
  }
  return out;
}

}  // namespace sluice::cluster
