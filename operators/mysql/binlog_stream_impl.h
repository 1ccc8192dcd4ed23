// The reading side of BinlogStream (binlog_stream.h), shared by its two source files:
// binlog_stream.cpp (the connection: dump, packets, reconnects, failover) and
// binlog_stream_events.cpp (the events: rotation, GTIDs, commits, TABLE_MAP, rows) and
// binlog_stream_schema.cpp (DDL statements: the table model and schema-change events).
#pragma once
#include <mysql.h>
// mysql.h must come first.
#include <mariadb_rpl.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "operators/mysql/binlog_event.h"
#include "operators/mysql/binlog_stream.h"
#include "operators/mysql/ddl_statement.h"
#include "operators/mysql/gtid_state.h"
#include "operators/mysql/row_decoder.h"
#include "operators/mysql/schema_loader.h"
#include "operators/mysql/table_map.h"
#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {

// The reading side: one connection's worth of state plus what survives reconnects.
struct BinlogStream::Impl {
  BinlogStream& owner;
  const MySqlConfig& cfg;
  explicit Impl(BinlogStream& o) : owner(o), cfg(o.cfg_), filter(o.cfg_.filter()) {}

  Connection repl;
  Connection meta;
  MARIADB_RPL* rpl = nullptr;
  bool checksum = true;  // events carry a CRC32 (from the server setting, then each file's FDE)
  TableFilter filter;
  SchemaLoader schema{&meta};
  RowDecoder decoder;
  struct Entry {
    std::string raw;
    std::shared_ptr<TableMap> map;  // null = table not captured
  };
  std::unordered_map<uint64_t, Entry> tables;
  std::string file;
  size_t host = 0;          // index in cfg.hosts of the server streamed from
  uint32_t server_id = 0;   // its @@server_id
  std::string server_uuid;  // its @@server_uuid (MySQL)
  GtidState gtids;          // the state after `committed`
  std::string gtid;         // GTID of the transaction being read
  struct Pending {          // added to `gtids` at the transaction's commit
    enum class Kind : uint8_t { None, Maria, MySql } kind = Kind::None;
    MariaGtid maria;
    std::string uuid;
    uint64_t gno = 0;
  } pending;
  bool in_txn = false;
  int64_t txn_thread = -1;  // thread id of the transaction's BEGIN query event (MySQL)
  int64_t txn_pos = -1;     // where the transaction being read starts (-1: none yet)
  // The last rows block, held until the transaction's next event: at its commit the last row
  // is marked Event::txn_last before it is queued. Anything else queued pushes it first.
  StreamItem held;
  bool holding = false;
  // XA transactions (binlog_stream_xa.cpp): the rows events of the open one (between XA START
  // and its prepare or one-phase commit), then of each prepared one by its xid text
  // ("X'61',X'',1"), until its XA COMMIT passes them on or its XA ROLLBACK drops them. The
  // prepared ones are in the checkpoint (xa_text rides on the next commit).
  struct XaRows {
    std::string table_map;  // the TABLE_MAP body of the rows' table
    uint8_t type = 0;
    std::string rows;  // the rows event's body
  };
  bool xa_open = false;
  std::vector<XaRows> xa_rows;
  std::map<std::string, std::vector<XaRows>> xa_prepared;
  std::shared_ptr<const std::string> xa_text;
  std::string statement;     // include_query: the last binlog annotation (the rows' statement)
  bool streamed = false;     // the current connection delivered at least one packet
  BinlogPosition committed;  // position after the last commit seen
  uint64_t rows_in_txn = 0;  // row events queued since `committed`
  uint64_t skip = 0;         // row events still to drop (resume inside a transaction)
  std::unordered_map<std::string, std::shared_ptr<const SourceMeta>> truncated;
  std::vector<std::pair<std::string, BinlogPosition>> catchup;
  std::set<std::string> keyless_logged;  // tables without a key, logged once
  std::vector<uint8_t> expanded;         // a MariaDB compressed event, uncompressed
  std::vector<uint8_t> unpacked;         // the inner events of a MySQL transaction payload
  bool in_payload = false;
  // The tables of the captured databases as of the last event read (table_model.h): from the
  // checkpoint or information_schema, then changed by each DDL statement read.
  SchemaModel model;
  bool model_ready = false;
  std::shared_ptr<const std::string> model_text;  // changed: goes out with the next commit
  // Tables whose rows a statement changed without row events (partition maintenance, DDL that
  // rewrites rows): each read again after the statement (a truncate event first where
  // `truncate`), or a warning, as `option` says.
  struct UnloggedRows {
    struct Table {
      std::string db, table;
      bool truncate = false;
    };
    std::vector<Table> tables;
    std::string names;        // for the log
    const char* change = "";  // "added or removed rows"
    const char* kept = "";    // what the target keeps: "rows"
    const char* option = "";  // "partition_changes"
    bool reread = false;      // the option says reread
  };
  // The captured tables whose rows the DDL statement at hand changed without row events
  // (table_rewrite.h), found by follow_ddl, handled by on_rewrites. `truncate`: RENAME or
  // CREATE OR REPLACE made the name another table's, whose rows are all new.
  UnloggedRows rewrites;

  std::string where(const RawEvent& ev) const { return file + ":" + std::to_string(ev.next_pos); }

  // True when an event of db.table ending at (file, pos) is already in that table's snapshot.
  bool caught_up(const std::string& db, const std::string& table, uint64_t pos) const {
    for (const auto& [name, at] : catchup) {
      if (name.size() == db.size() + 1 + table.size() && name.compare(0, db.size(), db) == 0 &&
          name[db.size()] == '.' && name.compare(db.size() + 1, table.size(), table) == 0 &&
          position_le(file, pos, at)) {
        return true;
      }
    }
    return false;
  }

  // The SourceMeta of a truncate event (no TABLE_MAP precedes a TRUNCATE): cached per table.
  std::shared_ptr<const SourceMeta> truncate_meta(const std::string& db, const std::string& table) {
    auto& m = truncated[db + "." + table];
    if (!m) {
      auto meta = std::make_shared<SourceMeta>();
      meta->connector = "mysql";
      meta->name = cfg.name;
      meta->db = db;
      meta->table = table;
      m = std::move(meta);
    }
    return m;
  }

  Value position_value(uint64_t next_pos) const {
    static const Sym kFile = intern("file"), kPos = intern("pos"), kGtid = intern("gtid");
    Object pos;
    pos.reserve(3);
    pos.append(kFile, Value::string(file));
    pos.append(kPos, Value::int64(static_cast<int64_t>(next_pos)));
    if (!gtid.empty()) pos.append(kGtid, Value::string(gtid));
    return Value::object(std::move(pos));
  }

  // Where the event starts in its file (0 for artificial events).
  static int64_t event_start(const RawEvent& ev) {
    return ev.next_pos >= ev.size ? static_cast<int64_t>(ev.next_pos - ev.size) : 0;
  }

  // Where a rows (or truncate) event sits in the binlog, for Event::origin.
  std::shared_ptr<const LogOrigin> origin_of(const RawEvent& ev) const {
    auto o = std::make_shared<LogOrigin>();
    o->server_id = ev.server_id;
    o->file = file;
    o->pos = event_start(ev);
    o->gtid = gtid;
    o->thread = txn_thread;
    o->query = statement;
    o->txn_pos = txn_pos >= 0 ? txn_pos : o->pos;
    return o;
  }

  void flush_held() {
    if (!holding) return;
    holding = false;
    owner.push(std::move(held));
    held = StreamItem();
  }
  void push_item(StreamItem it) {
    flush_held();
    owner.push(std::move(it));
  }
  void hold(StreamItem block) {
    flush_held();
    held = std::move(block);
    holding = true;
  }
  // The transaction starts at this event unless it already started (MySQL: GTID, then BEGIN).
  void start_txn(const RawEvent& ev) {
    if (txn_pos < 0) txn_pos = event_start(ev);
  }

  void close_rpl() {
    if (rpl) {
      mariadb_rpl_close(rpl);
      rpl = nullptr;
    }
    repl.close();
  }
  ~Impl() { close_rpl(); }

  // ---- connection ----
  // Connects (failing over to the next host that answers) and starts the dump at the last
  // commit, or by GTID on another server.
  result<void> open_dump();
  result<void> connect_host();
  result<void> read_server();
  result<void> set_dump_variables(const BinlogPosition& at, bool by_gtid);
  void adopt_start(const BinlogPosition& at, bool by_gtid);
  result<void> start_dump(const BinlogPosition& at, bool by_gtid);
  result<void> choose_start(BinlogPosition& at, bool& by_gtid);
  bool same_history(const BinlogPosition& at) const;
  error other_server(const std::string& why) const;
  result<void> check_file_exists(const BinlogPosition& at);
  result<std::pair<const uint8_t*, size_t>> read_packet();
  error read_error();
  // Reads events until the connection fails or the stream stops; returns why it ended.
  error read_events();
  // ---- events ----
  result<void> on_event(const uint8_t* data, size_t len);
  result<void> handle(const RawEvent& ev);
  result<void> on_payload(const RawEvent& ev);
  void on_rotate(const RawEvent& ev);
  void commit(uint64_t next_pos);
  // Moves `committed` to `pos` of the current file and passes it on (with a changed table
  // model and the prepared XA transactions).
  void push_commit(uint64_t pos);
  result<void> on_query(const RawEvent& ev);
  result<void> on_xa(const std::string& sql, const RawEvent& ev);
  result<void> on_xa_prepare(const RawEvent& ev);
  // Decodes rows events kept by an XA transaction and passes them on at `at` (its commit).
  result<void> release_xa(const std::vector<XaRows>& rows, const RawEvent& at);
  std::vector<XaRows> take_open_xa();
  result<void> finish_xa(const std::vector<XaRows>& rows, bool pass_on, const RawEvent& ev);
  void note_xa_change();
  std::string encode_xa() const;
  result<void> decode_xa(const std::string& text);
  // A TABLE_MAP body as the decoder needs it (null when the table is not captured).
  result<std::shared_ptr<TableMap>> build_map(const std::string& raw);
  // Decodes one rows event of `map` and passes its rows on, at the position of `at`.
  result<void> emit_rows(const std::shared_ptr<TableMap>& map, uint8_t type, const uint8_t* body,
                         size_t len, const RawEvent& at);
  void on_statement_change(const DdlStatement& d, const std::string& sql, const RawEvent& ev);
  void mark_partial(const TableMap& tm, std::vector<Event>& evs);
  // ---- DDL (binlog_stream_schema.cpp) ----
  // A DDL statement of the QUERY event `ev` (`db` its default database).
  result<void> on_ddl(const DdlStatement& d, const std::string& sql, const std::string& db,
                      const RawEvent& ev);
  // schema_changes = follow, a statement on a captured database: the model, the schema-change
  // events, TRUNCATE's truncate events.
  result<void> follow_ddl(const DdlStatement& d, const std::string& sql, const std::string& db,
                          const RawEvent& ev, bool captured);
  // Partition maintenance that changed captured tables' rows without row events
  // (DdlStatement::unlogged): truncate events and rereads, or a warning (partition_changes).
  void on_unlogged_rows(const DdlStatement& d, const std::string& sql, const RawEvent& ev);
  // Parallel to a statement's tables: the model of each captured one before the statement
  // (nullopt: none, or not captured).
  using ModelsBefore = std::vector<std::optional<TableModel>>;
  ModelsBefore models_before(const DdlStatement& d) const;
  // After the model took the statement: the tables it rewrote (into `rewrites`).
  void find_rewrites(const DdlStatement& d, const ModelsBefore& before);
  // The `rewrites` of the statement: truncate events and rereads, or a warning
  // (table_rewrites).
  void on_rewrites(const std::string& sql, const RawEvent& ev);
  // Whether an option set to reread can: rereads need snapshot { method = lock_free }.
  bool rereads(bool option_says_reread) const;
  void reread_or_warn(const UnloggedRows& u, const std::string& sql, const RawEvent& ev);
  // db.table is read again once the stream has delivered the statement `ev` (MySqlSource).
  void queue_reread(const std::string& db, const std::string& table, const RawEvent& ev);
  // Reads the model of the captured databases from information_schema on `conn`.
  result<void> seed_model(Connection& conn);
  // Changes the model by the statement (tables it cannot read: from information_schema).
  result<void> apply_model(const std::string& sql, const std::string& db);
  // The schema-change events (Op::Schema) of a DDL in captured databases (`db`: its session's).
  result<void> emit_schema_changes(const DdlStatement& d, const std::string& sql,
                                   const std::string& db, const RawEvent& ev);
  result<void> on_table_map(const RawEvent& ev);
  result<void> on_rows(const RawEvent& ev);
  // `last`: no other event of the statement follows (the checkpoint may take its position).
  void emit_truncate(const std::string& db, const std::string& table, const RawEvent& ev,
                     bool last = true);
  // The statement's truncate events follow its schema-change events.
  bool truncates_follow(const DdlStatement& d) const;
};

}  // namespace sluice::operators::mysql
