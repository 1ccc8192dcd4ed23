#include "reconcile/pair_discovery.h"

#include <memory>

#include "dsl/eval/expr.h"
#include "engine/actors/config_builder.h"
#include "operators/postgres/sink_options.h"
#include "operators/registry.h"
#include "reconcile/errc.h"

namespace sluice::reconcile {
namespace {

namespace my = operators::mysql;
namespace pg = operators::postgres;

// The target table of one source table: the sink's constant table, or its table expression
// evaluated on an event of that source table.
result<std::string> target_of(const pg::SinkOptions& opts, const TablePair& pr,
                              const std::string& sink) {
  if (!opts.table) return opts.table_constant;
  Event e;
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = pr.source_stage;
  meta->db = pr.db;
  meta->table = pr.table;
  e.source = meta;
  eval::Context ctx;
  ctx.event = &e;
  ctx.row = &e.row;
  Value v = opts.table->eval(ctx);
  if (v.type() != Type::String)
    return error::permanent(errc::discovery, "sink '" + sink + "': table is not a string");
  return v.as_string();
}

bool fed_by(const ast::Stage& st, const std::string& source_stage) {
  for (const auto& f : st.from) {
    if (f.name == source_stage) return true;
  }
  return false;
}

}  // namespace

result<std::vector<TablePair>> discover_pairs(const ast::Pipeline& p, my::Connection& conn,
                                              const my::MySqlConfig& cfg,
                                              const std::string& source_stage,
                                              std::vector<std::string>& skipped) {
  std::vector<TablePair> pairs;
  const auto* pg_kind = operators::registry().find(dsl::Role::Sink, "postgres");
  auto tables = conn.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = "
      "'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!tables.ok()) return tables.err();
  my::SchemaLoader loader(&conn);
  auto filter = cfg.filter();
  for (const auto& st : p.stages) {
    if (st.type != ast::StageType::Sink || st.kind != "postgres" || !fed_by(st, source_stage))
      continue;
    auto sc = engine::ConfigBuilder::stage(p.name, st, pg_kind ? &pg_kind->spec : nullptr, "");
    if (!sc.ok()) return sc.err();
    auto opts = pg::SinkOptions::from_config(*sc);
    if (!opts.ok()) return opts.err();
    if (opts->mode != pg::Mode::Upsert) {
      skipped.push_back(st.name);
      continue;
    }
    for (const auto& row : *tables) {
      if (!row[0] || !row[1] || !filter.matches(*row[0], *row[1])) continue;
      auto schema = loader.get(*row[0], *row[1]);
      if (!schema.ok()) return schema.err();
      TablePair pr;
      pr.source_stage = source_stage;
      pr.sink_stage = st.name;
      pr.db = *row[0];
      pr.table = *row[1];
      pr.schema = **schema;
      pr.url = opts->url;
      auto target = target_of(*opts, pr, st.name);
      if (!target.ok()) return target.err();
      pr.target = pg::parse_table_name(*target);
      pairs.push_back(std::move(pr));
    }
  }
  return pairs;
}

}  // namespace sluice::reconcile
