#include "engine/actors/graph_builder.h"

#include <caf/actor_cast.hpp>

#include "engine/actors/coordinator_actor.h"
#include "engine/actors/messages.h"
#include "engine/actors/processor_actor.h"
#include "engine/actors/sink_actor.h"
#include "engine/actors/source_actor.h"
#include "engine/core/errc.h"

namespace sluice::engine {

struct InEdge {
  int from = 0;         // upstream stage index
  int32_t port = 0;     // kMainPort / kDeadPort
  int input_index = 0;  // -1 for dead letters
};

struct StagePlan {
  const ast::Stage* st = nullptr;
  const OperatorKind* op = nullptr;
  bool kept = false;
  std::string layout;
  dsl::Role role = dsl::Role::Source;
  StageConfig cfg;
  StageOptions opts;
  int parallelism = 1;
  int dead = -1;  // stage index of the dead-letter sink
  std::vector<InEdge> in;
  std::vector<int> in_base;  // first channel of each in-edge
  int channels = 0;
  int64_t bound = 0;  // per-channel credit
  std::vector<std::shared_ptr<Source>> sources;
  std::vector<std::shared_ptr<Processor>> processors;
  std::vector<std::shared_ptr<Sink>> sinks;
  std::vector<std::string> states;  // per instance, from the checkpoint
  std::vector<int32_t> actor_index;
  std::vector<caf::actor> actors;
  std::shared_ptr<StageCounters> counters;
};

struct GraphPlan {
  std::vector<StagePlan> stages;
  std::vector<int> topo;  // upstream first
  Checkpoint from;
  std::shared_ptr<std::atomic<int64_t>> activity;
  int32_t actor_count = 0;
};

GraphBuilder::GraphBuilder(const ast::Pipeline& p, const OperatorRegistry& reg,
                           PipelineSettings settings)
    : p_(p), reg_(reg), settings_(std::move(settings)) {}

GraphBuilder::~GraphBuilder() = default;

namespace {

// The edges of every stage (main inputs, dead letters), then its channels and credit.
result<void> connect(std::vector<StagePlan>& stages, const std::map<std::string, int>& by_name,
                     const std::string& where) {
  for (auto& sp : stages) {
    for (size_t k = 0; k < sp.st->from.size(); ++k) {
      auto it = by_name.find(sp.st->from[k].name);
      if (it == by_name.end()) {
        return error::permanent(errc::invalid_pipeline, where + "stage '" + sp.st->name +
                                                            "' reads from unknown stage '" +
                                                            sp.st->from[k].name + "'");
      }
      if (stages[it->second].role == dsl::Role::Sink) {
        return error::permanent(errc::invalid_pipeline, where + "stage '" + sp.st->name +
                                                            "' cannot read from sink '" +
                                                            sp.st->from[k].name + "'");
      }
      sp.in.push_back(InEdge{it->second, kMainPort, static_cast<int>(k)});
    }
    if (!sp.opts.dead_letter.empty()) {
      auto it = by_name.find(sp.opts.dead_letter);
      if (it == by_name.end() || stages[it->second].role != dsl::Role::Sink) {
        return error::permanent(errc::dead_letter_unrouted,
                                where + "stage '" + sp.st->name + "': dead_letter '" +
                                    sp.opts.dead_letter + "' is not a sink of this pipeline");
      }
      sp.dead = it->second;
    }
  }
  for (size_t x = 0; x < stages.size(); ++x) {
    if (stages[x].dead >= 0) {
      stages[stages[x].dead].in.push_back(InEdge{static_cast<int>(x), kDeadPort, -1});
    }
  }
  for (auto& sp : stages) {
    int base = 0;
    for (const auto& e : sp.in) {
      sp.in_base.push_back(base);
      base += stages[e.from].parallelism;
    }
    sp.channels = base;
    sp.bound = std::max<int64_t>(1, sp.opts.buffer / std::max(1, base));
    if (sp.role != dsl::Role::Source && base == 0) {
      return error::permanent(errc::invalid_pipeline,
                              where + "stage '" + sp.st->name + "' has no input");
    }
  }
  return {};
}

// A source whose spec says it emits inserts only, always or with its option's value.
bool source_inserts_only(const StagePlan& sp) {
  const dsl::KindSpec& k = sp.op->spec;
  if (k.inserts_only) return true;
  const auto& [name, value] = k.inserts_only_when;
  return !name.empty() && sp.cfg.option_string(name) == value;
}

bool emits_inserts_only(const std::vector<StagePlan>& stages, int s, std::vector<int8_t>& memo);

// Whether every main input of `sp` emits inserts only (false without inputs).
bool inputs_inserts_only(const std::vector<StagePlan>& stages, const StagePlan& sp,
                         std::vector<int8_t>& memo) {
  bool all = !sp.in.empty();
  for (const auto& e : sp.in) {
    if (all && e.port == kMainPort) all = emits_inserts_only(stages, e.from, memo);
  }
  return all;
}

// Whether stage `s` emits inserts only (creates and snapshot reads): a source whose spec says
// so, or a processor that emits no changelog of its own and reads only such stages.
bool emits_inserts_only(const std::vector<StagePlan>& stages, int s, std::vector<int8_t>& memo) {
  int8_t& m = memo[static_cast<size_t>(s)];
  if (m != 0) return m > 0;  // (-1 also while visiting: a cycle, reported by order())
  m = -1;
  const StagePlan& sp = stages[static_cast<size_t>(s)];
  const bool yes = sp.role == dsl::Role::Source
                       ? source_inserts_only(sp)
                       : !sp.op->spec.shape.changelog && inputs_inserts_only(stages, sp, memo);
  m = yes ? 1 : -1;
  return yes;
}

// StageConfig::inserts_only_input of every processor.
void mark_inserts_only(std::vector<StagePlan>& stages) {
  std::vector<int8_t> memo(stages.size(), 0);
  for (auto& sp : stages) {
    if (sp.role == dsl::Role::Processor)
      sp.cfg.inserts_only_input = inputs_inserts_only(stages, sp, memo);
  }
}

// The stage's input layout (upstream stages, ports, parallelism; "|inserts" when its inputs
// carry inserts only: a stage kept by a hot reload must not see that change).
std::string layout_of(const StagePlan& sp, const std::vector<StagePlan>& stages) {
  std::string lay = "p" + std::to_string(sp.parallelism);
  if (sp.cfg.inserts_only_input) lay += "|inserts";
  for (const auto& e : sp.in) {
    lay += "|" + stages[e.from].st->name + ":" + std::to_string(e.port) + ":" +
           std::to_string(e.input_index) + ":" + std::to_string(stages[e.from].parallelism);
  }
  return lay;
}

// A factory's failure as the plan's: its code (else invalid_pipeline), `fail` before it.
error factory_error(const error& e, const std::string& fail) {
  return error::permanent(e.code ? e.code : errc::invalid_pipeline, fail + e.message);
}

// The operator instances of a stage (one per parallel instance) and their states.
result<void> make_instances(StagePlan& sp, const Checkpoint& from, const std::string& where) {
  const ast::Stage& st = *sp.st;
  const OperatorKind* op = sp.op;
  sp.cfg.shared = std::make_shared<StageShared>(from.states_of(st.name));
  const std::string fail = where + "stage '" + st.name + "': ";
  for (int i = 0; i < sp.parallelism; ++i) {
    StageConfig c = sp.cfg;
    c.instance = i;
    if (sp.role == dsl::Role::Source) {
      if (!op->source)
        return error::permanent(errc::invalid_pipeline, fail + "kind has no source factory");
      auto r = op->source(c);
      if (!r.ok()) return factory_error(r.err(), fail);
      sp.sources.emplace_back(std::move(r).value());
    } else if (sp.role == dsl::Role::Sink) {
      if (!op->sink)
        return error::permanent(errc::invalid_pipeline, fail + "kind has no sink factory");
      auto r = op->sink(c);
      if (!r.ok()) return factory_error(r.err(), fail);
      sp.sinks.emplace_back(std::move(r).value());
    } else {
      if (!op->processor) {
        return error::permanent(errc::invalid_pipeline, fail + "kind has no processor factory");
      }
      auto r = op->processor(c);
      if (!r.ok()) return factory_error(r.err(), fail);
      sp.processors.emplace_back(std::move(r).value());
    }
    sp.states.push_back(from.state_of(st.name, i));
  }
  return {};
}

// Topological order (Kahn) over main and dead-letter edges, then the actor indices (sources
// first).
result<void> order(GraphPlan& gp, const std::string& where) {
  auto& stages = gp.stages;
  std::vector<int> indeg(stages.size(), 0);
  std::vector<std::vector<int>> outs(stages.size());
  for (size_t d = 0; d < stages.size(); ++d) {
    for (const auto& e : stages[d].in) {
      outs[e.from].push_back(static_cast<int>(d));
      ++indeg[d];
    }
  }
  std::vector<int> ready;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (indeg[i] == 0) ready.push_back(static_cast<int>(i));
  }
  while (!ready.empty()) {
    int s = ready.back();
    ready.pop_back();
    gp.topo.push_back(s);
    for (int d : outs[s]) {
      if (--indeg[d] == 0) ready.push_back(d);
    }
  }
  if (gp.topo.size() != stages.size()) {
    return error::permanent(errc::invalid_pipeline, where + "the stage graph has a cycle");
  }
  int32_t idx = 0;
  for (bool sources : {true, false}) {
    for (auto& sp : stages) {
      if ((sp.role == dsl::Role::Source) != sources) continue;
      for (int i = 0; i < sp.parallelism; ++i) sp.actor_index.push_back(idx++);
    }
  }
  gp.actor_count = idx;
  return {};
}

}  // namespace

result<void> GraphBuilder::plan(
    const Checkpoint& from, const std::map<std::string, std::shared_ptr<StageCounters>>& counters,
    std::shared_ptr<std::atomic<int64_t>> activity, const KeepFn& keep) {
  auto gp = std::make_unique<GraphPlan>();
  gp->from = from;
  gp->activity = std::move(activity);
  auto& stages = gp->stages;
  std::map<std::string, int> by_name;
  const std::string where = "pipeline '" + p_.name + "': ";
  for (const auto& st : p_.stages) {
    if (by_name.count(st.name))
      return error::permanent(errc::invalid_pipeline, where + "duplicate stage '" + st.name + "'");
    auto sp = stage_plan(st, where);
    if (!sp.ok()) return sp.err();
    auto cit = counters.find(st.name);
    sp->counters = cit != counters.end() ? cit->second : std::make_shared<StageCounters>();
    by_name[st.name] = static_cast<int>(stages.size());
    stages.push_back(std::move(sp).value());
  }
  if (auto r = connect(stages, by_name, where); !r.ok()) return r;
  mark_inserts_only(stages);
  // input layouts, then the operator instances (none for stages kept by a hot reload)
  for (auto& sp : stages) {
    sp.layout = layout_of(sp, stages);
    sp.kept = keep && keep(sp.st->name, sp.layout);
    if (sp.kept) continue;
    if (auto r = make_instances(sp, from, where); !r.ok()) return r;
  }
  if (auto r = order(*gp, where); !r.ok()) return r;
  plan_ = std::move(gp);
  return {};
}

result<StagePlan> GraphBuilder::stage_plan(const ast::Stage& st, const std::string& where) const {
  StagePlan sp;
  sp.st = &st;
  sp.role = st.type;
  const OperatorKind* op = reg_.find(sp.role, st.kind);
  if (op == nullptr) {
    return error::permanent(errc::invalid_pipeline, where + "stage '" + st.name + "': unknown " +
                                                        dsl::role_name(sp.role) + " kind '" +
                                                        st.kind + "'");
  }
  auto cfg = ConfigBuilder::stage(p_.name, st, &op->spec, settings_.state_dir);
  if (!cfg.ok()) return error::permanent(errc::invalid_pipeline, where + cfg.err().message);
  sp.cfg = std::move(cfg).value();
  sp.cfg.epoch = settings_.epoch;
  sp.cfg.state = settings_.state;
  sp.opts = StageOptions::from(sp.cfg);
  // A source kind has `parallelism` only where its instances can share the input (kafka).
  sp.parallelism = std::max(1, sp.cfg.parallelism);
  sp.cfg.parallelism = sp.parallelism;
  sp.op = op;
  return sp;
}

std::map<std::string, std::string> GraphBuilder::layouts() const {
  std::map<std::string, std::string> out;
  if (plan_) {
    for (const auto& sp : plan_->stages) out[sp.st->name] = sp.layout;
  }
  return out;
}

std::vector<std::string> GraphBuilder::kept() const {
  std::vector<std::string> out;
  if (plan_) {
    for (const auto& sp : plan_->stages) {
      if (sp.kept) out.push_back(sp.st->name);
    }
  }
  return out;
}

SpawnedGraph GraphBuilder::spawn(caf::event_based_actor* self,
                                 const std::map<std::string, std::vector<caf::actor>>& kept) {
  SpawnedGraph g;
  auto& gp = *plan_;
  auto& stages = gp.stages;
  CoordinatorSetup cs;
  cs.pipeline = p_.name;
  cs.state_dir = settings_.state_dir;
  cs.interval_us = settings_.checkpoint_interval_us;
  cs.supervisor = caf::actor_cast<caf::actor>(self);
  cs.last = gp.from;
  cs.activity = gp.activity;
  cs.members.resize(gp.actor_count);
  for (auto& sp : stages) {
    for (int i = 0; i < sp.parallelism; ++i) {
      cs.members[sp.actor_index[i]] = {sp.st->name, i, sp.role == dsl::Role::Source};
    }
  }
  g.coordinator = self->spawn<CoordinatorActor>(std::move(cs));
  g.stage_of[g.coordinator.address()] = "";
  std::vector<caf::actor> sources(static_cast<size_t>(gp.actor_count));
  size_t nsources = 0;
  for (auto it = gp.topo.rbegin(); it != gp.topo.rend(); ++it) {
    const int u = *it;
    StagePlan& sp = stages[u];
    sp.actors.resize(sp.parallelism);
    const std::vector<caf::actor>* reuse = nullptr;
    if (sp.kept) {
      auto kit = kept.find(sp.st->name);
      if (kit != kept.end() && kit->second.size() == static_cast<size_t>(sp.parallelism)) {
        reuse = &kit->second;
      }
    }
    for (int i = 0; i < sp.parallelism; ++i) {
      ActorSetup as;
      as.cfg = sp.cfg;
      as.cfg.instance = i;
      as.opts = sp.opts;
      as.settings = settings_;
      as.actor_index = sp.actor_index[i];
      as.coordinator = g.coordinator;
      as.supervisor = caf::actor_cast<caf::actor>(self);
      if (!sp.kept) as.state = sp.states[i];
      as.counters = sp.counters;
      as.activity = gp.activity;
      for (const auto& e : sp.in) {
        for (int k = 0; k < stages[e.from].parallelism; ++k) {
          as.channels.push_back(ChannelSpec{e.input_index, e.port, 0});
        }
      }
      // outputs: every consumer stage of u (already spawned)
      for (size_t d = 0; d < stages.size(); ++d) {
        const StagePlan& dp = stages[d];
        for (size_t e = 0; e < dp.in.size(); ++e) {
          if (dp.in[e].from != u) continue;
          std::vector<TargetSpec> group;
          for (int j = 0; j < dp.parallelism; ++j) {
            group.push_back(TargetSpec{dp.actors[j], dp.in_base[e] + i, dp.bound});
          }
          (dp.in[e].port == kMainPort ? as.out : as.dead).groups.push_back(std::move(group));
        }
      }
      caf::actor a;
      const int32_t index = as.actor_index;
      if (reuse != nullptr) {  // hot reload: the running actor gets its new wiring
        a = (*reuse)[i];
        auto w = std::make_shared<Rewiring>();
        w->coordinator = g.coordinator;
        w->actor_index = index;
        w->out = std::move(as.out);
        w->dead = std::move(as.dead);
        self->send(a, rewire_atom::value, std::move(w));
        if (sp.role == dsl::Role::Source) {
          sources[index] = a;
          ++nsources;
        }
      } else if (sp.role == dsl::Role::Source) {
        a = self->spawn<SourceActor>(std::move(as), sp.sources[i]);
        sources[index] = a;
        ++nsources;
      } else if (sp.role == dsl::Role::Sink) {
        a = self->spawn<SinkActor>(std::move(as), sp.sinks[i]);
      } else {
        a = self->spawn<ProcessorActor>(std::move(as), sp.processors[i]);
      }
      sp.actors[i] = a;
      g.stage_of[a.address()] = sp.st->name;
      g.actors.push_back(a);
    }
    g.by_stage[sp.st->name] = sp.actors;
  }
  sources.resize(nsources);
  self->send(g.coordinator, start_atom::value, std::move(sources));
  return g;
}

}  // namespace sluice::engine
