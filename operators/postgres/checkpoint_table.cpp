#include "operators/postgres/checkpoint_table.h"

#include <pqxx/pqxx>

#include "engine/value/temporal.h"
#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {
namespace {

std::string ts_literal(int64_t us) {
  return quote_literal(temporal::format_datetime(us) + "Z") + "::timestamptz";
}

}  // namespace

std::string CheckpointTable::where() const {
  return " WHERE pipeline = " + quote_literal(pipeline_) + " AND stage = " + quote_literal(stage_);
}

void CheckpointTable::ensure(pqxx::connection_base& c) {
  try {
    pqxx::work tx(c);
    tx.exec(
        std::string("CREATE TABLE IF NOT EXISTS ") + kTable +
        " (pipeline text NOT NULL, stage text NOT NULL, position text, "
        "updated_at timestamptz NOT NULL, seq bigint, event_id text, tables text, acked boolean, "
        "PRIMARY KEY (pipeline, stage))");
    tx.commit();
  } catch (const pqxx::unique_violation&) {
    // created concurrently by another instance
  }
  // Tables created by an older sink lack seq / event_id / tables / acked.
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(
      "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND "
      "table_name = 'sluice_checkpoints' AND column_name IN ('seq', 'event_id', 'tables', "
      "'acked')");
  if (r[0][0].as<int64_t>() < 4) {
    tx.exec(std::string("ALTER TABLE ") + kTable +
            " ADD COLUMN IF NOT EXISTS seq bigint, ADD COLUMN IF NOT EXISTS event_id text, "
            "ADD COLUMN IF NOT EXISTS tables text, ADD COLUMN IF NOT EXISTS acked boolean");
  }
}

std::optional<CheckpointTable::Stored> CheckpointTable::read_row(pqxx::connection_base& c) {
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(std::string("SELECT position, seq, event_id, tables, acked FROM ") +
                           kTable + where());
  if (r.empty()) return std::nullopt;
  Stored s;
  if (!r[0][0].is_null()) s.position = r[0][0].as<std::string>();
  if (!r[0][1].is_null()) s.seq = r[0][1].as<int64_t>();
  if (!r[0][2].is_null()) s.event_id = r[0][2].as<std::string>();
  if (!r[0][3].is_null()) {
    std::string list = r[0][3].as<std::string>();
    size_t at = 0;
    while (at < list.size()) {
      size_t nl = list.find('\n', at);
      if (nl == std::string::npos) nl = list.size();
      if (nl > at) s.tables.push_back(list.substr(at, nl - at));
      at = nl + 1;
    }
  }
  s.acked = !r[0][4].is_null() && r[0][4].as<bool>();
  return s;
}

std::optional<std::string> CheckpointTable::read(pqxx::connection_base& c) {
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(std::string("SELECT position FROM ") + kTable + where());
  if (r.empty() || r[0][0].is_null()) return std::nullopt;
  return r[0][0].as<std::string>();
}

bool CheckpointTable::committed_at(pqxx::connection_base& c, int64_t updated_at_us) {
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(std::string("SELECT count(*) FROM ") + kTable + where() +
                           " AND updated_at = " + ts_literal(updated_at_us));
  return r[0][0].as<int64_t>() > 0;
}

void CheckpointTable::write(pqxx::transaction_base& tx, const std::string& position,
                            int64_t updated_at_us, int64_t seq, const std::string& event_id,
                            const std::vector<std::string>* tables, bool acked) {
  std::string list;
  if (tables != nullptr) {
    for (const auto& t : *tables) list += (list.empty() ? "" : "\n") + t;
  }
  tx.exec(std::string("INSERT INTO ") + kTable +
          " (pipeline, stage, position, updated_at, seq, event_id, tables, acked) VALUES (" +
          quote_literal(pipeline_) + ", " + quote_literal(stage_) + ", " +
          (position.empty() ? std::string("NULL") : quote_literal(position)) + ", " +
          ts_literal(updated_at_us) + ", " + (seq > 0 ? std::to_string(seq) : "NULL") + ", " +
          (event_id.empty() ? std::string("NULL") : quote_literal(event_id)) + ", " +
          (tables != nullptr ? quote_literal(list) : std::string("NULL")) + ", " +
          (acked ? "true" : "false") +
          ") ON CONFLICT (pipeline, stage) DO UPDATE SET position = EXCLUDED.position, "
          "updated_at = EXCLUDED.updated_at, seq = EXCLUDED.seq, event_id = EXCLUDED.event_id, "
          "acked = EXCLUDED.acked" +
          (tables != nullptr ? ", tables = EXCLUDED.tables" : ""));
}

void CheckpointTable::mark_acked(pqxx::connection_base& c, const std::string& lineage) {
  pqxx::nontransaction tx(c);
  tx.exec(std::string("UPDATE ") + kTable + " SET acked = true" + where() +
          " AND NOT coalesce(acked, false) AND starts_with(event_id, " +
          quote_literal(lineage + "|") + ")");
}

}  // namespace sluice::operators::postgres
