#include "reconcile/reconcile_job.h"

#include <map>
#include <memory>
#include <vector>

#include "base/temporal.h"
#include "engine/actors/config_builder.h"
#include "operators/mongodb/mongodb_source_options.h"
#include "operators/mysql/mysql_config.h"
#include "operators/registry.h"
#include "reconcile/delta_target.h"
#include "reconcile/mysql_source_side.h"
#include "reconcile/pair_discovery.h"
#include "reconcile/postgres_target.h"
#include "reconcile/repair_run.h"

namespace sluice::reconcile {
namespace {

namespace my = operators::mysql;
namespace mg = operators::mongodb;

// The source side of a `source mysql` or `source mongodb` stage.
result<std::unique_ptr<ReconcileSource>> source_side(const StageConfig& sc, const ast::Stage& st,
                                                     const ReconcileOptions& o) {
  if (st.kind == "mysql") {
    auto cfg = my::read_config(sc);
    if (!cfg.ok()) return cfg.err();
    return std::unique_ptr<ReconcileSource>(
        new MySqlSourceSide(std::move(cfg).value(), st.name, o.chunk_rows));
  }
  auto mo = mg::MongoSourceOptions::from_config(sc);
  if (!mo.ok()) return mo.err();
  auto reader = o.mongo_reader ? o.mongo_reader(*mo) : MongoSourceSide::mongoc_reader(*mo);
  if (!reader.ok()) return reader.err();
  return std::unique_ptr<ReconcileSource>(
      new MongoSourceSide(std::move(mo).value(), std::move(reader).value()));
}

// The copy the pair's sink writes, as a target to compare with.
std::unique_ptr<ReconcileTarget> target_for(const TablePair& pr) {
  if (pr.kind == TargetKind::Delta) return std::make_unique<DeltaTarget>(pr.store);
  return std::make_unique<PostgresTarget>(pr.url, pr.target);
}

// One `source mysql` or `source mongodb` stage: its pairs compared, repaired and compared again.
class SourceJob {
 public:
  SourceJob(ast::File& file, ast::Pipeline& p, const ast::Stage& st, const ReconcileOptions& o,
            const ReconcileObserver& obs)
      : file_(file), p_(p), st_(st), o_(o), obs_(obs) {}

  ReconcileOutcome run(bool& any, bool& differs) {
    const auto* kind = operators::registry().find(dsl::Role::Source, st_.kind);
    auto sc = engine::ConfigBuilder::stage(p_.name, st_, kind ? &kind->spec : nullptr, "");
    if (!sc.ok()) return {ReconcileStatus::Invalid, sc.err().message};
    auto side = source_side(*sc, st_, o_);
    if (!side.ok()) return {ReconcileStatus::Invalid, side.err().message};
    source_ = std::move(side).value();
    auto tables = source_->tables();
    if (!tables.ok()) return failed(tables.err().message);
    std::vector<std::string> skipped;
    auto pairs = discover_pairs(p_, st_.name, source_->connector(), *tables, skipped);
    for (const auto& s : skipped) obs_.skipped_sink(s);
    if (!pairs.ok()) return failed(pairs.err().message);
    try {
      for (const auto& pr : *pairs) {
        any = true;
        auto r = compare(pr, differs);
        if (r.status != ReconcileStatus::InSync) return r;
      }
      auto r = repair();
      if (r.status != ReconcileStatus::InSync) return r;
      for (const TablePair* pr : to_check_) {
        auto diff = diff_of(*pr);
        const bool in_sync = diff.ok() && diff->in_sync();
        differs = differs || !in_sync;
        obs_.after_repair(*pr, in_sync);
      }
    } catch (const std::exception& e) {
      return failed(e.what());
    }
    return {};
  }

 private:
  static ReconcileOutcome failed(std::string m) { return {ReconcileStatus::Failed, std::move(m)}; }

  result<TableDiff> diff_of(const TablePair& pr) {
    auto target = target_for(pr);
    return source_->compare(pr, *target);
  }

  ReconcileOutcome compare(const TablePair& pr, bool& differs) {
    auto diff = diff_of(pr);
    if (!diff.ok()) return failed(diff.err().message);
    obs_.compared(pr, *diff);
    if (diff->in_sync()) return {};
    if (!o_.repair) {
      differs = true;
      return {};
    }
    auto ev = source_->repair(pr, *diff);
    if (!ev.ok()) return failed(ev.err().message);
    auto& v = repairs_[pr.sink_stage];
    for (auto& e : *ev) v.push_back(std::move(e));
    repaired_[pr.sink_stage].push_back(&pr);
    to_check_.push_back(&pr);
    return {};
  }

  // What the repair run through `sink` starts from: each repaired target's carry-over.
  result<engine::Checkpoint> carried(const std::string& sink) {
    engine::Checkpoint cp;
    cp.id = 1;
    cp.written_at = temporal::now_micros();
    for (const TablePair* pr : repaired_[sink]) {
      auto c = target_for(*pr)->carry_over(repair_pipeline_name(p_.name), sink, cp);
      if (!c.ok()) return c.err();
    }
    return cp;
  }

  ReconcileOutcome repair() {
    for (auto& [sink, events] : repairs_) {
      auto cp = carried(sink);
      if (!cp.ok()) return failed(cp.err().message);
      obs_.repairing(st_.name, sink, events.size());
      auto r = run_repair(file_, p_, st_.name, {sink}, std::move(events), *cp);
      if (!r.ok()) return failed(r.err().message);
    }
    return {};
  }

  ast::File& file_;
  ast::Pipeline& p_;
  const ast::Stage& st_;
  const ReconcileOptions& o_;
  const ReconcileObserver& obs_;
  std::unique_ptr<ReconcileSource> source_;
  std::map<std::string, std::vector<Event>> repairs_;              // sink -> events
  std::map<std::string, std::vector<const TablePair*>> repaired_;  // sink -> its pairs
  std::vector<const TablePair*> to_check_;
};

}  // namespace

ReconcileOutcome reconcile_file(ast::File& file, const ReconcileOptions& options,
                                const ReconcileObserver& observer) {
  bool any = false, differs = false;
  for (auto& p : file.pipelines) {
    if (!options.pipeline.empty() && p.name != options.pipeline) continue;
    for (const auto& st : p.stages) {
      if (st.type != ast::StageType::Source || (st.kind != "mysql" && st.kind != "mongodb"))
        continue;
      SourceJob job(file, p, st, options, observer);
      auto r = job.run(any, differs);
      if (r.status != ReconcileStatus::InSync) return r;
    }
  }
  if (!any) return {ReconcileStatus::NothingToCompare, {}};
  return {differs ? ReconcileStatus::Differs : ReconcileStatus::InSync, {}};
}

}  // namespace sluice::reconcile
