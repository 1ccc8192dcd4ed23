#include "dsl/graph_checker.h"

#include <algorithm>
#include <map>
#include <set>

#include "dsl/suggest.h"

namespace sluice::dsl {

namespace {

std::string line_of(ast::Loc loc) { return "line " + std::to_string(loc.line); }

// True for `mode = append` (a postgres or mongodb sink option).
bool is_append(const ast::Stage& s) {
  const ast::Option* o = ast::find_option(s.options, "mode");
  if (o == nullptr || !o->value) return false;
  const ast::Expr& e = *o->value;
  if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
    return e.literal.as_string() == "append";
  }
  return e.path.size() == 1 && e.path[0] == "append";
}

using Inputs =
    std::map<const ast::Stage*, std::vector<std::pair<const ast::Stage*, const ast::NameRef*>>>;

// The first changelog processor (aggregate, join) upstream of `s`; nullptr when none.
const ast::Stage* derived_upstream(const ast::Stage* s, Inputs& inputs,
                                   const SpecRegistry& registry) {
  std::set<const ast::Stage*> seen;
  std::vector<const ast::Stage*> todo = {s};
  while (!todo.empty()) {
    const ast::Stage* at = todo.back();
    todo.pop_back();
    for (const auto& [in, ref] : inputs[at]) {
      if (!seen.insert(in).second) continue;
      const KindSpec* k = registry.find(Role::Processor, in->kind);
      if (in->type == ast::StageType::Processor && k != nullptr && k->shape.changelog) return in;
      todo.push_back(in);
    }
  }
  return nullptr;
}

// The checks of one pipeline's graph, in the order they report.
class GraphChecker {
 public:
  GraphChecker(const ast::Pipeline& p, const SpecRegistry& registry, Diagnostics& diags)
      : p_(p), registry_(registry), diags_(diags) {}

  void run(const std::vector<DeadLetterRef>& dead_letters) {
    index_names();
    link_inputs();
    find_cycles();
    check_reach(dead_letters);
    check_dead_letters(dead_letters);
    check_append_sinks();
    check_has_source();
  }

 private:
  // Stage names are unique.
  void index_names() {
    for (const auto& s : p_.stages) {
      auto [it, fresh] = by_name_.emplace(s.name, &s);
      if (!fresh) {
        diags_.error(s.name_loc, "duplicate stage name '" + s.name + "' (first defined at " +
                                     line_of(it->second->name_loc) +
                                     "); stage names must be "
                                     "unique in a pipeline");
      } else {
        names_.push_back(s.name);
      }
    }
  }

  // Edges (stage -> its valid inputs), with bad references reported.
  void link_inputs() {
    for (const auto& s : p_.stages) {
      std::set<std::string> seen;
      for (const auto& f : s.from) {
        if (!seen.insert(f.name).second) {
          diags_.error(f.loc, "'" + f.name + "' is listed twice in from");
          continue;
        }
        auto it = by_name_.find(f.name);
        if (it == by_name_.end()) {
          diags_.error(f.loc, "'" + f.name + "' in from of " + ast::describe(s) +
                                  " is not a stage of pipeline '" + p_.name + "'" +
                                  did_you_mean(f.name, names_));
          broken_.insert(&s);
          continue;
        }
        if (it->second->type == ast::StageType::Sink) {
          diags_.error(f.loc, "'" + f.name + "' is a sink: it has no output to read from");
          broken_.insert(&s);
          continue;
        }
        inputs_[&s].push_back({it->second, &f});
      }
    }
  }

  // Cycles: depth-first search; report each cycle once at the reference that closes it.
  void find_cycles() {
    for (const auto& s : p_.stages) {
      if (color_[&s] == 0) visit(&s);
    }
  }

  void visit(const ast::Stage* s) {
    color_[s] = 1;
    stack_.push_back(s);
    for (const auto& [in, ref] : inputs_[s]) {
      if (color_[in] == 1) {
        report_cycle(in, *ref);
      } else if (color_[in] == 0) {
        visit(in);
      }
    }
    stack_.pop_back();
    color_[s] = 2;
  }

  void report_cycle(const ast::Stage* in, const ast::NameRef& ref) {
    std::string path;
    auto start = std::find(stack_.begin(), stack_.end(), in);
    for (auto it = start; it != stack_.end(); ++it) {
      path += (*it)->name + " -> ";
      in_cycle_.insert(*it);
    }
    path += in->name;
    diags_.error(ref.loc, "cycle in from: " + path +
                              " (reading in from goes upstream; the graph must be acyclic "
                              "and reach a source)");
  }

  // Every stage reaches a source through from; a sink with no from is fed dead letters.
  void check_reach(const std::vector<DeadLetterRef>& dead_letters) {
    std::set<std::string> dl_targets;
    for (const auto& d : dead_letters) dl_targets.insert(d.target);
    for (const auto& s : p_.stages) {
      if (s.type == ast::StageType::Source) continue;
      if (s.type == ast::StageType::Sink && s.from.empty()) {
        if (dl_targets.count(s.name) == 0) {
          diags_.warning(s.name_loc, "sink '" + s.name +
                                         "' has no from and no stage names it as "
                                         "dead_letter: it will never receive records");
        }
        continue;
      }
      if (!reaches(&s) && broken_.count(&s) == 0 && in_cycle_.count(&s) == 0) {
        diags_.error(s.name_loc, ast::describe(s) + " does not reach any source through from");
      }
    }
  }

  bool reaches(const ast::Stage* s) {
    if (s->type == ast::StageType::Source) return true;
    // Stages with a reported from error count as reaching: no follow-on errors downstream.
    if (broken_.count(s) != 0 || in_cycle_.count(s) != 0) return true;
    int& r = reach_[s];
    if (r == 1) return false;
    if (r >= 2) return r == 2;
    r = 1;
    bool ok = false;
    for (const auto& [in, ref] : inputs_[s]) ok = reaches(in) || ok;
    reach_[s] = ok ? 2 : 3;
    return ok;
  }

  // Dead letters go to a sink of the pipeline other than the stage itself.
  void check_dead_letters(const std::vector<DeadLetterRef>& dead_letters) {
    for (const auto& d : dead_letters) {
      auto it = by_name_.find(d.target);
      if (it == by_name_.end()) {
        std::vector<std::string> sinks;
        for (const auto& s : p_.stages) {
          if (s.type == ast::StageType::Sink) sinks.push_back(s.name);
        }
        diags_.error(d.loc, "dead_letter '" + d.target + "' is not a stage of pipeline '" +
                                p_.name + "'" + did_you_mean(d.target, sinks) +
                                "; declare it, e.g. sink file " + d.target +
                                " { path = \"dlq.jsonl\" }");
      } else if (it->second->type != ast::StageType::Sink) {
        diags_.error(d.loc, "dead_letter '" + d.target + "' is a " + ast::stage_label(*it->second) +
                                "; dead letters go to a sink");
      } else if (it->second == d.stage) {
        diags_.error(d.loc, "a sink cannot be its own dead_letter");
      }
    }
  }

  // An append-mode sink behind an aggregate or a join: their output depends on how the input
  // was batched and carries no source position, so after a crash the replay cannot be matched
  // with what the target holds (docs/ods.md "Exactly once").
  void check_append_sinks() {
    for (const auto& s : p_.stages) {
      if (s.type != ast::StageType::Sink || !is_append(s)) continue;
      if (const ast::Stage* d = derived_upstream(&s, inputs_, registry_)) {
        diags_.warning(s.name_loc, "sink '" + s.name + "' appends the output of " +
                                       ast::describe(*d) +
                                       ": after a crash its replay is not the same events, so "
                                       "the append table may get rows twice; use mode = upsert "
                                       "(with the group key) for exactly once");
      }
    }
  }

  void check_has_source() {
    bool has_source = false;
    for (const auto& s : p_.stages) has_source = has_source || s.type == ast::StageType::Source;
    if (!has_source) {
      diags_.warning(p_.loc, "pipeline '" + p_.name + "' has no source; it does nothing");
    }
  }

  const ast::Pipeline& p_;
  const SpecRegistry& registry_;
  Diagnostics& diags_;
  std::map<std::string, const ast::Stage*> by_name_;
  std::vector<std::string> names_;
  Inputs inputs_;
  std::set<const ast::Stage*> broken_;      // a from error was reported
  std::map<const ast::Stage*, int> color_;  // 0 new, 1 on stack, 2 done
  std::vector<const ast::Stage*> stack_;
  std::set<const ast::Stage*> in_cycle_;
  std::map<const ast::Stage*, int> reach_;  // 0 unknown, 1 visiting, 2 yes, 3 no
};

}  // namespace

void check_graph(const ast::Pipeline& p, const std::vector<DeadLetterRef>& dead_letters,
                 const SpecRegistry& registry, Diagnostics& diags) {
  GraphChecker(p, registry, diags).run(dead_letters);
}

}  // namespace sluice::dsl
