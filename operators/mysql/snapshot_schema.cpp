// MySqlSource's table model at the initial snapshot and the schema-change events the snapshot
// begins with (docs/mysql.md "Schema-change events"), as Debezium's snapshot writes the
// statements of the captured databases before their rows.
#include "base/temporal.h"
#include "operators/mysql/mysql_source.h"
#include "operators/mysql/schema_change_rows.h"

namespace sluice::operators::mysql {

result<void> MySqlSource::begin_schema(Connection& c, const Value& position,
                                       const std::shared_ptr<const LogOrigin>& origin) {
  schema_events_.clear();
  if (cfg_.schema_changes != SchemaChanges::Follow) return {};
  auto model = seed_schema_model(c, cfg_.filter());
  if (!model.ok()) return model.err();
  state_.schema_model = std::make_shared<const std::string>(model->encode());
  auto rows = snapshot_schema_rows(c, cfg_.filter(), *model);
  if (!rows.ok()) return rows.err();
  const int64_t now = temporal::now_micros();
  for (auto& r : *rows) {
    Event& e = schema_events_.emplace_back();
    e.op = Op::Schema;
    auto meta = std::make_shared<SourceMeta>();
    meta->connector = "mysql";
    meta->name = cfg_.name;
    meta->db = r.db;
    meta->table = r.table;
    e.source = std::move(meta);
    e.row = std::move(r.row);
    e.ts = now;
    e.position = position;
    e.origin = origin;
    e.snapshot_mark = SnapshotMark::Middle;
  }
  return {};
}

bool MySqlSource::give_schema(std::vector<Event>& out) {
  if (schema_events_.empty()) return false;
  for (auto& e : schema_events_) out.push_back(std::move(e));
  schema_events_.clear();
  return true;
}

void MySqlSource::note_model() {
  if (!stream_) return;
  const auto& m = stream_->delivered_model();
  if (m && m != state_.schema_model) state_.schema_model = m;
  const auto& xa = stream_->delivered_xa();
  if (xa && xa != state_.xa_prepared) state_.xa_prepared = xa;
}

}  // namespace sluice::operators::mysql
