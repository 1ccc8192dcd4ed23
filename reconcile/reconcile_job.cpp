#include "reconcile/reconcile_job.h"

#include <map>
#include <pqxx/pqxx>
#include <vector>

#include "engine/actors/config_builder.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"
#include "operators/registry.h"
#include "reconcile/pair_discovery.h"
#include "reconcile/repair_events.h"
#include "reconcile/repair_run.h"

namespace sluice::reconcile {
namespace {

namespace my = operators::mysql;

// One `source mysql` stage: its pairs compared, repaired and compared again.
class SourceJob {
 public:
  SourceJob(ast::File& file, ast::Pipeline& p, const ast::Stage& st, const ReconcileOptions& o,
            const ReconcileObserver& obs)
      : file_(file), p_(p), st_(st), o_(o), obs_(obs) {}

  ReconcileOutcome run(bool& any, bool& differs) {
    const auto* kind = operators::registry().find(dsl::Role::Source, "mysql");
    auto sc = engine::ConfigBuilder::stage(p_.name, st_, kind ? &kind->spec : nullptr, "");
    if (!sc.ok()) return {ReconcileStatus::Invalid, sc.err().message};
    auto cfg = my::read_config(*sc);
    if (!cfg.ok()) return {ReconcileStatus::Invalid, cfg.err().message};
    auto c = conn_.connect(cfg->conn);
    if (!c.ok()) return failed("source '" + st_.name + "': " + c.err().message);
    std::vector<std::string> skipped;
    auto pairs = discover_pairs(p_, conn_, *cfg, st_.name, skipped);
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
      return failed(std::string("PostgreSQL: ") + e.what());
    }
    return {};
  }

 private:
  static ReconcileOutcome failed(std::string m) { return {ReconcileStatus::Failed, std::move(m)}; }

  result<TableDiff> diff_of(const TablePair& pr) {
    pqxx::connection pgc(pr.url);
    TableReconciler rec(conn_, pgc, o_.chunk_rows);
    return rec.compare(pr.db, pr.table, pr.schema, pr.target.schema, pr.target.name);
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
    auto ev = repair_events(conn_, pr, *diff);
    if (!ev.ok()) return failed(ev.err().message);
    auto& v = repairs_[pr.sink_stage];
    for (auto& e : *ev) v.push_back(std::move(e));
    urls_[pr.sink_stage] = pr.url;
    to_check_.push_back(&pr);
    return {};
  }

  ReconcileOutcome repair() {
    for (auto& [sink, events] : repairs_) {
      obs_.repairing(st_.name, sink, events.size());
      auto r = run_repair(file_, p_, st_.name, {sink}, std::move(events), urls_[sink]);
      if (!r.ok()) return failed(r.err().message);
    }
    return {};
  }

  ast::File& file_;
  ast::Pipeline& p_;
  const ast::Stage& st_;
  const ReconcileOptions& o_;
  const ReconcileObserver& obs_;
  my::Connection conn_;
  std::map<std::string, std::vector<Event>> repairs_;  // sink -> events
  std::map<std::string, std::string> urls_;
  std::vector<const TablePair*> to_check_;
};

}  // namespace

ReconcileOutcome reconcile_file(ast::File& file, const ReconcileOptions& options,
                                const ReconcileObserver& observer) {
  bool any = false, differs = false;
  for (auto& p : file.pipelines) {
    if (!options.pipeline.empty() && p.name != options.pipeline) continue;
    for (const auto& st : p.stages) {
      if (st.type != ast::StageType::Source || st.kind != "mysql") continue;
      SourceJob job(file, p, st, options, observer);
      auto r = job.run(any, differs);
      if (r.status != ReconcileStatus::InSync) return r;
    }
  }
  if (!any) return {ReconcileStatus::NothingToCompare, {}};
  return {differs ? ReconcileStatus::Differs : ReconcileStatus::InSync, {}};
}

}  // namespace sluice::reconcile
