#include "runtime/graph_render.h"

#include <cstdio>
#include <sstream>
#include <vector>

#include "base/secrets.h"
#include "runtime/status_view.h"

namespace sluice::runtime {
namespace {

int parallelism_of(const ast::Stage& s) {
  return static_cast<int>(ast::literal_int(ast::find_option(s.options, "parallelism")).value_or(1));
}

// dead_letter = name (an identifier parses as a field path) or "name".
std::string dead_letter_of(const ast::Stage& s) {
  const ast::Option* o = ast::find_option(s.options, "dead_letter");
  if (!o || !o->value) return {};
  const ast::Expr& e = *o->value;
  if (e.kind == ast::ExprKind::Field && e.path.size() == 1) return e.path[0];
  if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String)
    return e.literal.as_string();
  return {};
}

std::string label_of(const ast::Stage& s) {
  std::string label = s.name + "\\n" + ast::stage_label(s);
  if (s.type != ast::StageType::Processor) label += " " + s.kind;
  int p = parallelism_of(s);
  if (p > 1) label += " x" + std::to_string(p);
  return label;
}

const StageLive* live_of(const GraphLive* live, const ast::Pipeline& p, const std::string& stage) {
  if (!live) return nullptr;
  auto it = live->find(p.name + "/" + stage);
  return it == live->end() ? nullptr : &it->second;
}

std::string live_label(const StageLive* l, bool source) {
  if (!l) return "";
  std::string t = "\\n" + human_count(l->out_per_second) + "/s, " +
                  human_count(static_cast<double>(l->out)) + " out";
  if (source && l->lag_seconds >= 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fs", l->lag_seconds);
    t += "\\nlag " + std::string(buf);
  }
  if (l->in_flight > 0) t += "\\n" + human_count(static_cast<double>(l->in_flight)) + " in flight";
  return t;
}

std::string edge_label(const StageLive* up) {
  if (!up) return "";
  return human_count(up->out_per_second) + "/s";
}

std::string id_of(const ast::Pipeline& p, const std::string& stage) {
  return p.name + "__" + stage;
}

std::string dot_shape(ast::StageType t) {
  switch (t) {
    case ast::StageType::Source:
      return "invhouse";
    case ast::StageType::Sink:
      return "house";
    default:
      return "box";
  }
}

}  // namespace

std::string render_graph(const ast::File& file, GraphFormat format, const GraphLive* live) {
  std::ostringstream out;
  if (format == GraphFormat::Dot) {
    out << "digraph sluice {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    for (const auto& p : file.pipelines) {
      std::string state;
      if (live && !p.stages.empty()) {
        if (const StageLive* l = live_of(live, p, p.stages.front().name))
          state = " (" + l->state + ")";
      }
      out << "  subgraph \"cluster_" << p.name << "\" {\n    label=\"pipeline " << p.name << state
          << "\";\n";
      for (const auto& s : p.stages) {
        const StageLive* l = live_of(live, p, s.name);
        out << "    \"" << id_of(p, s.name) << "\" [label=\"" << label_of(s)
            << live_label(l, s.type == ast::StageType::Source) << "\", shape=" << dot_shape(s.type)
            << "];\n";
      }
      for (const auto& s : p.stages) {
        for (const auto& f : s.from) {
          out << "    \"" << id_of(p, f.name) << "\" -> \"" << id_of(p, s.name) << "\"";
          std::string el = edge_label(live_of(live, p, f.name));
          if (!el.empty()) out << " [label=\"" << el << "\"]";
          out << ";\n";
        }
        std::string dl = dead_letter_of(s);
        if (!dl.empty()) {
          std::string label = "dead letters";
          if (const StageLive* l = live_of(live, p, s.name))
            label += ": " + human_count(static_cast<double>(l->dead));
          out << "    \"" << id_of(p, s.name) << "\" -> \"" << id_of(p, dl)
              << "\" [style=dashed, color=red, label=\"" << label << "\"];\n";
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
        std::string label =
            label_of(s) + live_label(live_of(live, p, s.name), s.type == ast::StageType::Source);
        for (size_t i; (i = label.find("\\n")) != std::string::npos;) label.replace(i, 2, "<br/>");
        const char* open = s.type == ast::StageType::Source ? "[/"
                           : s.type == ast::StageType::Sink ? "[\\"
                                                            : "[";
        const char* close = s.type == ast::StageType::Source ? "/]"
                            : s.type == ast::StageType::Sink ? "\\]"
                                                             : "]";
        out << "    " << id_of(p, s.name) << open << "\"" << label << "\"" << close << "\n";
      }
      for (const auto& s : p.stages) {
        for (const auto& f : s.from) {
          std::string el = edge_label(live_of(live, p, f.name));
          out << "    " << id_of(p, f.name) << (el.empty() ? " --> " : " -- \"" + el + "\" --> ")
              << id_of(p, s.name) << "\n";
        }
        std::string dl = dead_letter_of(s);
        if (!dl.empty())
          out << "    " << id_of(p, s.name) << " -. dead letters .-> " << id_of(p, dl) << "\n";
      }
      out << "  end\n";
    }
  }
  return secrets::redact(out.str());
}

}  // namespace sluice::runtime
