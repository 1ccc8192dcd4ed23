#include "reconcile/pair_discovery.h"

#include <functional>
#include <memory>
#include <optional>

#include "engine/actors/config_builder.h"
#include "operators/delta/delta_options.h"
#include "operators/delta/sink_tables.h"
#include "operators/delta/table_location.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/target_table.h"
#include "operators/registry.h"
#include "reconcile/errc.h"

namespace sluice::reconcile {
namespace {

namespace pg = operators::postgres;
namespace dl = operators::delta;

// Sets a source table's target in its pair (kind and the target's fields).
using TargetNamer = std::function<result<void>(TablePair&)>;
// nullopt: the sink is not in upsert mode.
using MaybeNamer = std::optional<TargetNamer>;

// An event of the pair's source table: what a sink's per-table expression is evaluated on.
Event event_of(const TablePair& pr) {
  Event e;
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = pr.connector;
  meta->name = pr.source_stage;
  meta->db = pr.db;
  meta->table = pr.table;
  e.source = meta;
  return e;
}

// The target table of one source table: the sink's constant table, or its table expression
// evaluated on an event of that source table.
result<std::string> target_of(const pg::SinkOptions& opts, const TablePair& pr,
                              const std::string& sink) {
  auto target = pg::target_table(opts, event_of(pr));
  if (!target.ok())
    return error::permanent(errc::discovery, "sink '" + sink + "': " + target.err().message);
  return target;
}

// The Delta table of one source table: where the sink writes an event of that source table.
result<std::string> location_of(const dl::DeltaOptions& opts, const TablePair& pr,
                                const std::string& sink) {
  auto location = dl::table_location(opts, event_of(pr));
  if (!location.ok()) {
    return error::permanent(errc::discovery, "sink '" + sink + "': " + location.err().message);
  }
  return location;
}

result<StageConfig> config_of(const ast::Pipeline& p, const ast::Stage& st) {
  const auto* kind = operators::registry().find(dsl::Role::Sink, st.kind);
  return engine::ConfigBuilder::stage(p.name, st, kind ? &kind->spec : nullptr, "");
}

result<MaybeNamer> postgres_namer(const StageConfig& sc, const std::string& sink) {
  auto opts = pg::SinkOptions::from_config(sc);
  if (!opts.ok()) return opts.err();
  if (opts->mode != pg::Mode::Upsert) return MaybeNamer();
  auto o = std::make_shared<pg::SinkOptions>(std::move(opts).value());
  return MaybeNamer([o, sink](TablePair& pr) -> result<void> {
    auto target = target_of(*o, pr, sink);
    if (!target.ok()) return target.err();
    pr.kind = TargetKind::Postgres;
    pr.target = pg::parse_table_name(*target);
    pr.url = o->url;
    return {};
  });
}

result<MaybeNamer> delta_namer(const StageConfig& sc, const std::string& sink) {
  auto opts = dl::DeltaOptions::from_config(sc);
  if (!opts.ok()) return opts.err();
  if (opts->mode != dl::Mode::Upsert) return MaybeNamer();
  auto o = std::make_shared<dl::DeltaOptions>(std::move(opts).value());
  return MaybeNamer([o, sink](TablePair& pr) -> result<void> {
    auto location = location_of(*o, pr, sink);
    if (!location.ok()) return location.err();
    auto store = dl::open_table_store(*o, *location);
    if (!store.ok())
      return error::permanent(errc::discovery, "sink '" + sink + "': " + store.err().message);
    pr.kind = TargetKind::Delta;
    pr.location = std::move(location).value();
    pr.store = std::move(store).value();
    return {};
  });
}

// A sink that can be compared (postgres, delta) fed directly by `source_stage`.
bool candidate(const ast::Stage& st, const std::string& source_stage) {
  if (st.type != ast::StageType::Sink || (st.kind != "postgres" && st.kind != "delta"))
    return false;
  for (const auto& f : st.from) {
    if (f.name == source_stage) return true;
  }
  return false;
}

// How a candidate sink names each source table's target.
result<MaybeNamer> namer_of(const ast::Pipeline& p, const ast::Stage& st) {
  auto sc = config_of(p, st);
  if (!sc.ok()) return sc.err();
  return st.kind == "postgres" ? postgres_namer(*sc, st.name) : delta_namer(*sc, st.name);
}

}  // namespace

result<std::vector<TablePair>> discover_pairs(const ast::Pipeline& p,
                                              const std::string& source_stage,
                                              const std::string& connector,
                                              const std::vector<SourceTable>& tables,
                                              std::vector<std::string>& skipped) {
  std::vector<TablePair> pairs;
  for (const auto& st : p.stages) {
    if (!candidate(st, source_stage)) continue;
    auto namer = namer_of(p, st);
    if (!namer.ok()) return namer.err();
    if (!namer->has_value()) {
      skipped.push_back(st.name);
      continue;
    }
    for (const auto& t : tables) {
      TablePair pr;
      pr.source_stage = source_stage;
      pr.sink_stage = st.name;
      pr.connector = connector;
      pr.db = t.db;
      pr.table = t.table;
      pr.schema = t.schema;
      if (auto named = (**namer)(pr); !named) return named.err();
      pairs.push_back(std::move(pr));
    }
  }
  return pairs;
}

}  // namespace sluice::reconcile
