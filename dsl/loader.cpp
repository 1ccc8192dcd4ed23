#include "dsl/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "dsl/checker.h"
#include "dsl/parser.h"

namespace sluice::dsl {
namespace {

// `name = expr` in a processor body is parsed as a field unless `name` is a shared stage
// option (dsl/ast_builder.cpp); the options of the processor's own kind (aggregate's
// `watermark`, `emit`, ...) are known only from the registry: move them to the options here.
void route_kind_options(ast::File& file, const SpecRegistry& registry) {
  for (auto& p : file.pipelines) {
    for (auto& s : p.stages) {
      const KindSpec* spec =
          s.type == ast::StageType::Processor ? registry.find(s.type, s.kind) : nullptr;
      if (spec == nullptr || spec->options.empty()) continue;
      auto is_option = [&](const ast::Statement& st) {
        if (st.kind != ast::StmtKind::AggField || st.paths.empty() ||
            st.paths[0].segments.size() != 1) {
          return false;
        }
        for (const auto& o : spec->options) {
          if (o.name == st.paths[0].segments[0]) return true;
        }
        return false;
      };
      std::vector<ast::Statement> kept;
      for (auto& st : s.statements) {
        if (!is_option(st)) {
          kept.push_back(std::move(st));
          continue;
        }
        ast::Option o;
        o.name = st.paths[0].segments[0];
        o.loc = st.paths[0].loc;
        if (!st.exprs.empty()) o.value = std::move(st.exprs[0]);
        s.options.push_back(std::move(o));
      }
      s.statements = std::move(kept);
    }
  }
}

}  // namespace

Loaded load_text(const std::string& path, const std::string& text, const SpecRegistry& registry) {
  Loaded out;
  out.file = parse(path, text, out.diags);
  if (!out.diags.has_errors()) {
    try {
      route_kind_options(out.file, registry);
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
