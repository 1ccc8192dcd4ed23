#include "operators/postgres/checkpoint_table.h"

#include <pqxx/pqxx>

#include "base/temporal.h"
#include "operators/postgres/sink_table_ddl.h"
#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {
namespace {

std::string ts_literal(int64_t us) {
  return quote_literal(temporal::format_datetime(us) + "Z") + "::timestamptz";
}

// The `tables` and `shared_tables` columns: one name a line.
std::string join_lines(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& t : names) list += (list.empty() ? "" : "\n") + t;
  return list;
}

void split_lines(const pqxx::field& f, std::vector<std::string>& out) {
  if (f.is_null()) return;
  const std::string list = f.as<std::string>();
  size_t at = 0;
  while (at < list.size()) {
    size_t nl = list.find('\n', at);
    if (nl == std::string::npos) nl = list.size();
    if (nl > at) out.push_back(list.substr(at, nl - at));
    at = nl + 1;
  }
}

}  // namespace

Fenced::Fenced(const std::string& row, int64_t stored_epoch, int64_t my_epoch)
    : std::runtime_error("fenced: " + std::string(CheckpointTable::kTable) + " row " + row +
                         " holds epoch " + std::to_string(stored_epoch) +
                         ", newer than this owner's epoch " + std::to_string(my_epoch) +
                         ": another owner took this pipeline over"),
      stored(stored_epoch),
      mine(my_epoch) {}

std::string CheckpointTable::where() const {
  return " WHERE pipeline = " + quote_literal(pipeline_) + " AND stage = " + quote_literal(stage_);
}

std::string CheckpointTable::where_others() const {
  return " WHERE NOT (pipeline = " + quote_literal(pipeline_) +
         " AND (stage = " + quote_literal(stage_) + " OR starts_with(stage, " +
         quote_literal(stage_ + "~") + ")))";
}

void CheckpointTable::ensure(pqxx::connection_base& c) {
  // Tables created by an older sink lack seq / event_id / tables / acked / epoch /
  // shared_tables.
  static const SinkTableSpec spec{
      kTable,
      "pipeline text NOT NULL, stage text NOT NULL, position text, updated_at timestamptz NOT "
      "NULL, seq bigint, event_id text, tables text, acked boolean, epoch bigint, shared_tables "
      "text, PRIMARY KEY (pipeline, stage)",
      {{"seq", "bigint"},
       {"event_id", "text"},
       {"tables", "text"},
       {"acked", "boolean"},
       {"epoch", "bigint"},
       {"shared_tables", "text"}},
      {}};
  ensure_sink_table(c, spec);
}

std::optional<CheckpointTable::Stored> CheckpointTable::read_row(pqxx::connection_base& c) {
  pqxx::nontransaction tx(c);
  pqxx::result r =
      tx.exec(std::string("SELECT position, seq, event_id, tables, acked, shared_tables FROM ") +
              kTable + where());
  if (r.empty()) return std::nullopt;
  Stored s;
  if (!r[0][0].is_null()) s.position = r[0][0].as<std::string>();
  if (!r[0][1].is_null()) s.seq = r[0][1].as<int64_t>();
  if (!r[0][2].is_null()) s.event_id = r[0][2].as<std::string>();
  split_lines(r[0][3], s.tables.all);
  s.acked = !r[0][4].is_null() && r[0][4].as<bool>();
  split_lines(r[0][5], s.tables.shared);
  return s;
}

std::vector<std::string> CheckpointTable::tables_of_others(pqxx::connection_base& c) {
  pqxx::nontransaction tx(c);
  std::vector<std::string> tables;
  for (const auto& row : tx.exec(std::string("SELECT tables FROM ") + kTable + where_others())) {
    split_lines(row[0], tables);
  }
  return tables;
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
                            const WrittenTables* tables, bool acked) {
  const bool fence = epoch_ > 0;
  // Fenced: the upsert changes the row only while its epoch is not newer than ours (the row
  // lock makes a concurrent claim wait for this transaction, or this one for the claim).
  pqxx::result r = tx.exec(
      std::string("INSERT INTO ") + kTable +
      " AS cp (pipeline, stage, position, updated_at, seq, event_id, tables, shared_tables, acked" +
      (fence ? ", epoch" : "") + ") VALUES (" + quote_literal(pipeline_) + ", " +
      quote_literal(stage_) + ", " +
      (position.empty() ? std::string("NULL") : quote_literal(position)) + ", " +
      ts_literal(updated_at_us) + ", " + (seq > 0 ? std::to_string(seq) : "NULL") + ", " +
      (event_id.empty() ? std::string("NULL") : quote_literal(event_id)) + ", " +
      (tables != nullptr ? quote_literal(join_lines(tables->all)) + ", " +
                               quote_literal(join_lines(tables->shared))
                         : std::string("NULL, NULL")) +
      ", " + (acked ? "true" : "false") + (fence ? ", " + std::to_string(epoch_) : "") +
      ") ON CONFLICT (pipeline, stage) DO UPDATE SET position = EXCLUDED.position, "
      "updated_at = EXCLUDED.updated_at, seq = EXCLUDED.seq, event_id = EXCLUDED.event_id, "
      "acked = EXCLUDED.acked" +
      (tables != nullptr ? ", tables = EXCLUDED.tables, shared_tables = EXCLUDED.shared_tables"
                         : "") +
      (fence ? ", epoch = EXCLUDED.epoch WHERE coalesce(cp.epoch, 0) <= EXCLUDED.epoch RETURNING 1"
             : ""));
  if (fence && r.empty()) fenced(tx);
}

void CheckpointTable::fenced(pqxx::transaction_base& tx) {
  pqxx::result r = tx.exec(std::string("SELECT coalesce(epoch, 0) FROM ") + kTable + where());
  throw Fenced(pipeline_ + "/" + stage_, r.empty() ? 0 : r[0][0].as<int64_t>(), epoch_);
}

void CheckpointTable::claim(pqxx::transaction_base& tx) {
  if (epoch_ <= 0) return;
  pqxx::result r =
      tx.exec(std::string("INSERT INTO ") + kTable +
              " AS cp (pipeline, stage, updated_at, epoch) VALUES (" + quote_literal(pipeline_) +
              ", " + quote_literal(stage_) + ", clock_timestamp(), " + std::to_string(epoch_) +
              ") ON CONFLICT (pipeline, stage) DO UPDATE SET epoch = EXCLUDED.epoch WHERE "
              "coalesce(cp.epoch, 0) <= EXCLUDED.epoch RETURNING 1");
  if (r.empty()) fenced(tx);
}

void CheckpointTable::check(pqxx::transaction_base& tx) {
  if (epoch_ <= 0) return;
  pqxx::result r =
      tx.exec(std::string("SELECT coalesce(epoch, 0) FROM ") + kTable + where() + " FOR UPDATE");
  if (!r.empty() && r[0][0].as<int64_t>() > epoch_) {
    throw Fenced(pipeline_ + "/" + stage_, r[0][0].as<int64_t>(), epoch_);
  }
}

int64_t CheckpointTable::stored_epoch(pqxx::connection_base& c) {
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(std::string("SELECT coalesce(epoch, 0) FROM ") + kTable + where());
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

void CheckpointTable::mark_acked(pqxx::connection_base& c, const std::string& lineage) {
  pqxx::nontransaction tx(c);
  tx.exec(std::string("UPDATE ") + kTable + " SET acked = true" + where() +
          " AND NOT coalesce(acked, false) AND starts_with(event_id, " +
          quote_literal(lineage + "|") + ")" +
          (epoch_ > 0 ? " AND coalesce(epoch, 0) <= " + std::to_string(epoch_) : ""));
}

}  // namespace sluice::operators::postgres
