#include "dsl/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dsl/checker.h"
#include "dsl/parser.h"

namespace sluice::dsl {
namespace {

bool is_option_of(const KindSpec& spec, const std::string& name) {
  for (const auto& o : spec.options) {
    if (o.name == name) return true;
  }
  return false;
}

// The parser knows no kinds: `name = value` in a processor block is a field to it unless it
// names a common option. The ones naming an option of the stage's kind (a join's `ttl`) are
// options.
void take_kind_options(ast::File& file, const SpecRegistry& registry) {
  for (auto& p : file.pipelines) {
    for (auto& s : p.stages) {
      const KindSpec* spec = registry.find(s.type, s.kind);
      if (s.type != ast::StageType::Processor || spec == nullptr) continue;
      for (auto it = s.statements.begin(); it != s.statements.end();) {
        if (it->kind != ast::StmtKind::AggField || it->paths.empty() || it->exprs.empty() ||
            it->paths[0].segments.size() != 1 || !is_option_of(*spec, it->paths[0].segments[0])) {
          ++it;
          continue;
        }
        ast::Option o;
        o.name = it->paths[0].segments[0];
        o.loc = it->paths[0].loc;
        o.value = std::move(it->exprs[0]);
        s.options.push_back(std::move(o));
        it = s.statements.erase(it);
      }
    }
  }
}

}  // namespace

Loaded load_text(const std::string& path, const std::string& text, const SpecRegistry& registry) {
  Loaded out;
  out.file = parse(path, text, out.diags);
  take_kind_options(out.file, registry);
  if (!out.diags.has_errors()) {
    try {
      check(out.file, registry, out.diags);
    } catch (const std::exception& e) {
      out.diags.error({1, 1}, std::string("internal checker error: ") + e.what());
    }
  }
  out.diags.sort();
  return out;
}

Loaded load_file(const std::string& path, const SpecRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Loaded out;
    out.file.path = path;
    out.diags.error({0, 0}, std::string("cannot read file: ") + std::strerror(errno));
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    Loaded out;
    out.file.path = path;
    out.diags.error({0, 0}, "cannot read file: read error");
    return out;
  }
  return load_text(path, ss.str(), registry);
}

std::string format(const Loaded& loaded) {
  std::string out = loaded.diags.format(loaded.file.path, loaded.file.text);
  size_t errors = loaded.diags.error_count();
  if (errors > 0) {
    out += std::to_string(errors) + (errors == 1 ? " error" : " errors") + " generated.\n";
  }
  return out;
}

}  // namespace sluice::dsl
