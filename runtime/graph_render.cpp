#include "runtime/graph_render.h"

#include <sstream>
#include <vector>

#include "engine/common/secrets.h"

namespace sluice::runtime {
namespace {

const ast::Option* find_option(const ast::Stage& s, const std::string& name) {
  for (const auto& o : s.options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

int parallelism_of(const ast::Stage& s) {
  const ast::Option* o = find_option(s, "parallelism");
  if (o && o->value && o->value->kind == ast::ExprKind::Literal && o->value->literal.type() == Type::Int) {
    return static_cast<int>(o->value->literal.as_int());
  }
  return 1;
}

// dead_letter = name (an identifier parses as a field path) or "name".
std::string dead_letter_of(const ast::Stage& s) {
  const ast::Option* o = find_option(s, "dead_letter");
  if (!o || !o->value) return {};
  const ast::Expr& e = *o->value;
  if (e.kind == ast::ExprKind::Field && e.path.size() == 1) return e.path[0];
  if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) return e.literal.as_string();
  return {};
}

std::string label_of(const ast::Stage& s) {
  std::string label = s.name + "\\n" + ast::stage_type_name(s.type);
  if (!s.kind.empty()) label += " " + s.kind;
  int p = parallelism_of(s);
  if (p > 1) label += " x" + std::to_string(p);
  return label;
}

std::string id_of(const ast::Pipeline& p, const std::string& stage) { return p.name + "__" + stage; }

std::string dot_shape(ast::StageType t) {
  switch (t) {
    case ast::StageType::Source: return "invhouse";
    case ast::StageType::Sink: return "house";
    default: return "box";
  }
}

}  // namespace

std::string render_graph(const ast::File& file, GraphFormat format) {
  std::ostringstream out;
  if (format == GraphFormat::Dot) {
    out << "digraph sluice {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    for (const auto& p : file.pipelines) {
      out << "  subgraph \"cluster_" << p.name << "\" {\n    label=\"pipeline " << p.name << "\";\n";
      for (const auto& s : p.stages) {
        out << "    \"" << id_of(p, s.name) << "\" [label=\"" << label_of(s) << "\", shape=" << dot_shape(s.type)
            << "];\n";
      }
      for (const auto& s : p.stages) {
        for (const auto& f : s.from) {
          out << "    \"" << id_of(p, f.name) << "\" -> \"" << id_of(p, s.name) << "\";\n";
        }
        std::string dl = dead_letter_of(s);
        if (!dl.empty()) {
          out << "    \"" << id_of(p, s.name) << "\" -> \"" << id_of(p, dl)
              << "\" [style=dashed, color=red, label=\"dead letters\"];\n";
        }
      }
      out << "  }\n";
    }
    out << "}\n";
  } else {
    out << "flowchart LR\n";
    for (const auto& p : file.pipelines) {
      out << "  subgraph " << p.name << "[\"pipeline " << p.name << "\"]\n";
      for (const auto& s : p.stages) {
        std::string label = label_of(s);
        for (size_t i; (i = label.find("\\n")) != std::string::npos;) label.replace(i, 2, "<br/>");
        const char* open = s.type == ast::StageType::Source ? "[/" : s.type == ast::StageType::Sink ? "[\\" : "[";
        const char* close = s.type == ast::StageType::Source ? "/]" : s.type == ast::StageType::Sink ? "\\]" : "]";
        out << "    " << id_of(p, s.name) << open << "\"" << label << "\"" << close << "\n";
      }
      for (const auto& s : p.stages) {
        for (const auto& f : s.from) out << "    " << id_of(p, f.name) << " --> " << id_of(p, s.name) << "\n";
        std::string dl = dead_letter_of(s);
        if (!dl.empty()) out << "    " << id_of(p, s.name) << " -. dead letters .-> " << id_of(p, dl) << "\n";
      }
      out << "  end\n";
    }
  }
  return secrets::redact(out.str());
}

}  // namespace sluice::runtime
