// SnapshotReader's side of the signal-table watermarks (docs/mysql.md "Snapshot", MySQL 8 and
// other servers that do not report a consistent view's binlog position): a chunk is read in a
// view opened after its open row was committed and before its close row is (DBLog; Debezium's
// incremental snapshots with a signal table).
#include "base/temporal.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/snapshot_reader.h"

namespace sluice::operators::mysql {
namespace {

// "db.table" as `db`.`table`.
std::string quoted_signal_table(const std::string& name) {
  const size_t dot = name.find('.');
  return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

}  // namespace

result<void> SnapshotReader::open_window_chunk() {
  auto c = connect();
  if (!c.ok()) return c.err();
  auto e = conn_.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  if (!e.ok()) return e.err();
  return {};
}

result<void> SnapshotReader::write_watermark(const std::string& signal_table,
                                             const std::string& window, bool open,
                                             const std::string& drop) {
  auto c = connect();
  if (!c.ok()) return c.err();
  const char* end = open ? "open" : "close";
  const std::string data = "{\"" + std::string(end) + "WindowTimestamp\": \"" +
                           temporal::format_timestamp(temporal::now_micros()) + "\"}";
  const std::string insert = "INSERT INTO " + quoted_signal_table(signal_table) +
                             " (id, type, data) VALUES (" + conn_.quote(window + "-" + end) + ", " +
                             conn_.quote(std::string("snapshot-window-") + end) + ", " +
                             conn_.quote(data) + ")";
  result<void> r;
  if (drop.empty()) {
    r = conn_.exec(insert);
  } else {
    r = conn_.exec("START TRANSACTION");
    if (r.ok()) r = conn_.exec(delete_statement(signal_table, drop));
    if (r.ok()) r = conn_.exec(insert);
    if (r.ok()) r = conn_.exec("COMMIT");
    if (!r.ok()) (void)conn_.exec("ROLLBACK");
  }
  if (!r.ok()) {
    return error::fatal(errc::snapshot, "writing the snapshot's watermark row into " +
                                            signal_table + " failed (" + r.err().message +
                                            "): the source needs INSERT and DELETE on it");
  }
  return {};
}

result<void> SnapshotReader::remove_watermarks(const std::string& signal_table,
                                               const std::string& window) {
  auto c = connect();
  if (!c.ok()) return c.err();
  return conn_.exec(delete_statement(signal_table, window));
}

std::string SnapshotReader::delete_statement(const std::string& signal_table,
                                             const std::string& window) {
  return "DELETE FROM " + quoted_signal_table(signal_table) + " WHERE id IN (" +
         conn_.quote(window + "-open") + ", " + conn_.quote(window + "-close") + ")";
}

std::vector<Sym> SnapshotReader::key_syms() const {
  std::vector<Sym> out;
  if (!prepared_) return out;
  for (size_t k : prepared_->key) out.push_back(prepared_->syms[k]);
  return out;
}

}  // namespace sluice::operators::mysql
