// The consistent snapshot: one REPEATABLE READ transaction opened WITH CONSISTENT SNAPSHOT
// whose binlog position is known exactly (MariaDB: binlog_snapshot_file/position, no lock;
// MySQL: a brief FLUSH TABLES WITH READ LOCK around SHOW MASTER STATUS). Tables are read in
// primary-key order with keyset pagination (WHERE pk > last ORDER BY pk LIMIT n); values are
// converted from the text protocol to exactly the Values the binlog decoder produces.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/binlog_position.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/schema_loader.h"

namespace sluice::operators::mysql {

struct SnapshotTable {
  std::string db;
  std::string table;
  uint64_t estimated_rows = 0;
  // Only the rows matching this SQL condition (a snapshot signal's additional condition).
  std::string filter;
};

// The `position` of a snapshot row read in a view at `p`: {file, pos, gtid (when known),
// snapshot: true}.
Value snapshot_position(const BinlogPosition& p);

// Whether the server reports a consistent view's binlog position (MariaDB's
// binlog_snapshot_position; not MySQL): the lock-free snapshot needs it.
result<bool> reports_view_position(Connection& c);

// The base (and system-versioned) tables `filter` captures, with estimated row counts from
// information_schema: a table after the tables its foreign keys refer to (table_order.h), else
// in name order.
result<std::vector<SnapshotTable>> list_captured_tables(Connection& c, const TableFilter& filter);

// How a column's text-protocol values are converted (decided once per column, not per value).
enum class TextKind : uint8_t {
  Int,
  Int64,
  UInt64,
  Decimal,
  Float,
  Double,
  Bit,
  Year,
  Date,
  DateTime,
  Timestamp,
  Time,
  Set,
  Enum,
  Json,
  Geometry,
  Bytes,
  String
};
TextKind text_kind(const ColumnSchema& c);

// Converts one text-protocol value of a column to its Value (as the binlog decoder would).
result<Value> text_to_value(const ColumnSchema& c, const std::string& text, uint64_t& zero_dates);
result<Value> text_to_value(TextKind k, const ColumnSchema& c, std::string_view text,
                            uint64_t& zero_dates);

class SnapshotReader {
 public:
  explicit SnapshotReader(const MySqlConfig& cfg) : cfg_(cfg) {}
  ~SnapshotReader() { close_scan(); }
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;
  // Opens the consistent view. Returns the binlog position the view corresponds to.
  result<BinlogPosition> begin();
  // The tables to read (matching the filter), in name order.
  result<std::vector<SnapshotTable>> list_tables();
  // Reads the next chunk of `t` after last_key (empty = from the start). Appends "r" events
  // and, for each, its key as SQL literals (for resuming): key_width() strings per row,
  // flattened into `keys`. Returns rows read (0 = done). With `upto`, only keys up to it.
  result<size_t> read_chunk(const SnapshotTable& t, const std::vector<std::string>& last_key,
                            size_t limit, const Value& position, int64_t ts,
                            std::vector<Event>& out, std::vector<std::string>& keys,
                            const std::vector<std::string>* upto = nullptr);
  // A column the table no longer has (a DDL renamed or dropped it since the table was
  // prepared): read_chunk prepares the table again from information_schema and reads again.
  static constexpr int kRetriesAfterDdl = 3;
  // Lock-free chunks (chunked_snapshot.h): opens a short consistent view and returns its
  // binlog position (MariaDB's binlog_snapshot_position; an error on a server without it).
  result<BinlogPosition> open_chunk();
  void close_chunk();
  // Signal-table watermarks (snapshot_window.cpp; servers without a view position, MySQL): a
  // short consistent view whose position is not asked (the watermark rows place its rows).
  result<void> open_window_chunk();
  // Writes the window's watermark row into `signal_table` (Debezium's: id WINDOW-open or
  // WINDOW-close, type snapshot-window-open|close), committed outside any view; with `drop`, in
  // one transaction with the deletion of window `drop`'s two rows (one commit fewer a chunk).
  result<void> write_watermark(const std::string& signal_table, const std::string& window,
                               bool open, const std::string& drop = "");
  // Deletes the window's two rows (once the close row is written: the stream has both).
  result<void> remove_watermarks(const std::string& signal_table, const std::string& window);
  // The key columns of the table read by the last read_chunk (none for a table without a key).
  std::vector<Sym> key_syms() const;
  // True for a table read without a key (in one pass, resumed by row count).
  result<bool> keyless(const SnapshotTable& t);
  // The key of the `rows`-th row after `after` (empty = from the start), outside any view: the
  // end of the next chunk; nullopt when fewer rows are left (the chunk is the table's last).
  result<std::optional<std::vector<std::string>>> chunk_end(const SnapshotTable& t,
                                                            const std::vector<std::string>& after,
                                                            size_t rows);
  // Key strings per row of the table read by the last read_chunk (a table without a key: 1,
  // the row's ordinal).
  size_t key_width() const { return prepared_ ? std::max<size_t>(prepared_->key.size(), 1) : 0; }
  void end();
  uint64_t zero_dates() const { return zero_dates_; }

 private:
  result<size_t> read_chunk_once(const SnapshotTable& t, const std::vector<std::string>& last_key,
                                 size_t limit, const Value& position, int64_t ts,
                                 std::vector<Event>& out, std::vector<std::string>& keys,
                                 const std::vector<std::string>* upto);
  struct Prepared {
    std::string name;
    std::shared_ptr<const SourceMeta> meta;
    std::vector<ColumnSchema> columns;
    std::vector<TextKind> kinds;
    std::vector<Sym> syms;
    std::vector<size_t> key;  // column indexes
    std::string from;         // `db`.`table`
    std::string select;       // SELECT ... FROM ... (no WHERE)
  };
  result<void> connect();
  // START TRANSACTION WITH CONSISTENT SNAPSHOT and its binlog position (invalid on MySQL).
  result<BinlogPosition> open_view();
  static std::vector<std::string> key_columns(const Prepared& p);  // `a`, `b` quoted
  static std::string comma_list(const std::vector<std::string>& items);
  // DELETE of window's two watermark rows.
  std::string delete_statement(const std::string& signal_table, const std::string& window);
  static std::string where_clause(const std::vector<std::string>& conditions);
  std::vector<std::string> key_literals(const Prepared& p, const std::vector<std::string>& key);
  result<Prepared*> prepare(const SnapshotTable& t);
  result<void> check_rule_key(Prepared& p, const SnapshotTable& t);
  result<std::string> rule_key_flaw(const Prepared& p, const SnapshotTable& t);
  result<size_t> read_keyless(Prepared& p, const std::string& filter,
                              const std::vector<std::string>& last_key, size_t limit,
                              const Value& position, int64_t ts, std::vector<Event>& out,
                              std::vector<std::string>& keys);
  // Runs `sql` (p.select ...) and appends its rows as "r" events; with `keys`, each row's key
  // columns as text.
  result<size_t> fetch(Prepared& p, const std::string& sql, const Value& position, int64_t ts,
                       std::vector<Event>& out, std::vector<std::string>* keys);
  // Appends up to `limit` rows of `res`; `exhausted` when the result has no more.
  result<size_t> fetch_rows(Prepared& p, MYSQL_RES* res, size_t limit, const Value& position,
                            int64_t ts, std::vector<Event>& out, std::vector<std::string>* keys,
                            bool& exhausted);
  void close_scan();
  const MySqlConfig& cfg_;
  Connection conn_;
  std::unique_ptr<SchemaLoader> schema_;
  std::unique_ptr<Prepared> prepared_;
  std::map<std::string, bool> rule_keys_;  // table -> its `key` rule tells every row apart
  uint64_t zero_dates_ = 0;
  uint32_t server_id_ = 0;
  // The open scan of a table without a key (read_keyless), its table and next row ordinal.
  MYSQL_RES* scan_ = nullptr;
  std::string scan_table_;
  uint64_t scan_next_ = 0;
};

}  // namespace sluice::operators::mysql
