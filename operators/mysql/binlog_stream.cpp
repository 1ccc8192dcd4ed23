#include "operators/mysql/binlog_stream.h"

#include <mysql.h>
// mysql.h must come first.
#include <mariadb_rpl.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

#include "engine/common/logger.h"
#include "operators/mysql/binlog_event.h"
#include "operators/mysql/ddl_statement.h"
#include "operators/mysql/gtid_state.h"
#include "operators/mysql/row_decoder.h"
#include "operators/mysql/schema_loader.h"

namespace sluice::operators::mysql {

namespace {

constexpr size_t kHeader = 19;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string uuid_text(const uint8_t* p) {
  char buf[40];
  std::snprintf(buf, sizeof(buf),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", p[0], p[1],
                p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14],
                p[15]);
  return buf;
}

}  // namespace

result<void> check_server(Connection& c) {
  auto rows = c.query("SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image");
  if (!rows.ok()) return rows.err();
  if (rows->empty()) return error::permanent("cannot read the server's binlog settings");
  const SqlRow& r = rows->front();
  if (r[0].value_or("0") != "1") {
    return error::permanent(
        "binary logging is off on the server: start it with log_bin (e.g. "
        "--log-bin=mysql-bin) and binlog_format=ROW");
  }
  std::string fmt = upper(r[1].value_or(""));
  if (fmt != "ROW") {
    return error::permanent("binlog_format is " + fmt +
                        " on the server, CDC needs ROW: SET GLOBAL binlog_format = 'ROW' (and "
                        "binlog_format=ROW in the server config)");
  }
  std::string image = upper(r[2].value_or(""));
  if (image != "FULL") {
    return error::permanent("binlog_row_image is " + image +
                        " on the server, CDC needs FULL (complete before and after images): SET "
                        "GLOBAL binlog_row_image = 'FULL' (and in the server config)");
  }
  auto grants = c.query("SHOW GRANTS FOR CURRENT_USER()");
  if (!grants.ok()) return grants.err();
  bool all = false, slave = false, client = false;
  for (auto& g : *grants) {
    std::string s = upper(g[0].value_or(""));
    if (s.find(" ON *.*") == std::string::npos) continue;
    if (s.find("ALL PRIVILEGES") != std::string::npos) all = true;
    if (s.find("REPLICATION SLAVE") != std::string::npos ||
        s.find("REPLICATION REPLICA") != std::string::npos) {
      slave = true;
    }
    if (s.find("REPLICATION CLIENT") != std::string::npos ||
        s.find("BINLOG MONITOR") != std::string::npos) {
      client = true;
    }
  }
  if (!all && !(slave && client)) {
    std::string missing = !slave && !client ? "REPLICATION SLAVE and REPLICATION CLIENT"
                          : !slave          ? "REPLICATION SLAVE"
                                            : "REPLICATION CLIENT";
    return error::permanent("the mysql user lacks the " + missing +
                        " privilege needed to read the binlog: GRANT REPLICATION SLAVE, "
                        "REPLICATION CLIENT ON *.* TO the user");
  }
  return {};
}

namespace {

result<uint32_t> server_id_of(Connection& c) {
  auto id = c.scalar("SELECT @@global.server_id");
  if (!id.ok()) return id.err();
  return static_cast<uint32_t>(std::stoul(id->value_or("0")));
}

// The GTID state of the server now: @@gtid_binlog_pos (MariaDB) or @@gtid_executed (MySQL).
std::string server_gtid_state(Connection& c) {
  auto g = c.scalar("SELECT @@global.gtid_binlog_pos");
  if (g.ok() && g->has_value()) return **g;
  auto m = c.scalar("SELECT @@global.gtid_executed");
  if (m.ok() && m->has_value()) {
    std::string s = **m;
    std::erase(s, '\n');
    return s;
  }
  return "";
}

}  // namespace

result<BinlogPosition> current_position(Connection& c) {
  auto rows = c.query("SHOW MASTER STATUS");
  if (!rows.ok()) return rows.err();
  if (rows->empty()) return error::fatal("SHOW MASTER STATUS returned nothing: is log_bin on?");
  BinlogPosition p;
  p.file = rows->front()[0].value_or("");
  p.pos = std::stoull(rows->front()[1].value_or("4"));
  p.gtid = server_gtid_state(c);
  auto id = server_id_of(c);
  if (id.ok()) p.server = *id;
  return p;
}

result<BinlogPosition> earliest_position(Connection& c) {
  auto rows = c.query("SHOW BINARY LOGS");
  if (!rows.ok()) return rows.err();
  if (rows->empty()) return error::fatal("SHOW BINARY LOGS returned nothing: is log_bin on?");
  BinlogPosition p;
  p.file = rows->front()[0].value_or("");
  p.pos = 4;
  auto id = server_id_of(c);
  if (id.ok()) p.server = *id;
  return p;
}

namespace {

int64_t steady_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string seconds_text(int64_t us) {
  return std::to_string((us + 500000) / 1000000) + "s";
}

}  // namespace

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
  size_t host = 0;         // index in cfg.hosts of the server streamed from
  uint32_t server_id = 0;  // its @@server_id
  GtidState gtids;         // the state after `committed`
  std::string gtid;        // GTID of the transaction being read
  struct Pending {         // added to `gtids` at the transaction's commit
    enum class Kind : uint8_t { None, Maria, MySql } kind = Kind::None;
    MariaGtid maria;
    std::string uuid;
    uint64_t gno = 0;
  } pending;
  bool in_txn = false;
  bool streamed = false;     // the current connection delivered at least one packet
  BinlogPosition committed;  // position after the last commit seen
  uint64_t rows_in_txn = 0;  // row events queued since `committed`
  uint64_t skip = 0;         // row events still to drop (resume inside a transaction)
  std::unordered_map<std::string, std::shared_ptr<const SourceMeta>> truncated;
  std::vector<std::pair<std::string, BinlogPosition>> catchup;
  std::set<std::string> keyless_logged;  // tables without a key, logged once

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
  std::shared_ptr<const SourceMeta> truncate_meta(const std::string& db,
                                                  const std::string& table) {
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

  void close_rpl() {
    if (rpl) {
      mariadb_rpl_close(rpl);
      rpl = nullptr;
    }
    repl.close();
  }
  ~Impl() { close_rpl(); }

  // ---- connection ----
  result<void> open_dump();
  result<void> choose_start(BinlogPosition& at, bool& by_gtid);
  result<std::pair<const uint8_t*, size_t>> read_packet();
  error read_error();
  // Reads events until the connection fails or the stream stops; returns why it ended.
  error read_events();
  // ---- events ----
  result<void> on_event(const uint8_t* data, size_t len);
  void on_rotate(const RawEvent& ev);
  void commit(uint64_t next_pos);
  result<void> on_query(const RawEvent& ev);
  result<void> on_table_map(const RawEvent& ev);
  result<void> on_rows(const RawEvent& ev);
  void emit_truncate(const std::string& db, const std::string& table, const RawEvent& ev);
};

BinlogStream::BinlogStream(MySqlConfig cfg)
    : cfg_(std::move(cfg)), impl_(std::make_unique<Impl>(*this)) {
  if (cfg_.hosts.empty()) cfg_.hosts.push_back(cfg_.conn);
}

BinlogStream::~BinlogStream() { stop(); }

void BinlogStream::set_catchup(std::vector<std::pair<std::string, BinlogPosition>> c) {
  impl_->catchup = std::move(c);
}

result<void> BinlogStream::start(const BinlogPosition& from) {
  Impl& s = *impl_;
  auto gs = GtidState::parse(from.gtid);
  if (!gs.ok()) return gs.err();
  s.gtids = std::move(gs).value();
  s.committed = from;
  s.committed.gtid = s.gtids.text();
  s.skip = from.skip_rows;
  s.committed.skip_rows = 0;
  s.file = from.file;
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (r.ok()) {
    auto chk = check_server(c);
    if (!chk.ok()) return chk;
    auto sum = c.scalar("SELECT @@global.binlog_checksum");
    if (!sum.ok()) return sum.err();
    std::string v = sum->value_or("NONE");
    s.checksum = v != "NONE" && v != "none";
  } else if (r.err().kind == failure_kind::transient) {
    log::warn("mysql", cfg_.name + ": " + r.err().message +
                           "; the stream starts and reconnects (reconnect_timeout " +
                           seconds_text(cfg_.reconnect_timeout_us) + ")");
  } else {
    return r.err();
  }
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return {};
}

void BinlogStream::stop() {
  stop_ = true;
  {
    std::lock_guard<std::mutex> lk(mu_);
    not_full_.notify_all();
  }
  if (thread_.joinable()) {
    // A blocked read returns at the latest after the read timeout (3 heartbeats).
    thread_.join();
  }
  impl_->close_rpl();
  impl_->meta.close();
}

std::string BinlogStream::health() const {
  int64_t since = stats_.down_since_us.load(std::memory_order_relaxed);
  if (since == 0) return "";
  return "reconnecting for " + seconds_text(steady_micros() - since) + ": " +
         stats_.get_down_reason();
}

void BinlogStream::push(StreamItem item) {
  size_t n = item.events.size() + 1;
  std::unique_lock<std::mutex> lk(mu_);
  not_full_.wait(lk, [&] { return stop_ || queued_ < cfg_.queue_events; });
  if (stop_) return;
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(item));
  queued_ += n;
  if (was_empty) not_empty_.notify_one();
}

result<size_t> BinlogStream::drain(size_t max, std::vector<Event>& out,
                                   const std::function<void(size_t)>& on_rows,
                                   const std::function<void(const BinlogPosition&)>& on_commit) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    bool moved = false;
    while ((taken_rows_ < max || taken_.empty()) && !queue_.empty()) {
      StreamItem& f = queue_.front();
      queued_ -= f.events.size() + 1;
      taken_rows_ += f.events.size();
      taken_.push_back(std::move(f));
      queue_.pop_front();
      moved = true;
    }
    if (moved) not_full_.notify_all();
  }
  size_t n = 0;
  while (!taken_.empty()) {
    StreamItem& it = taken_.front();
    if (it.kind == StreamItem::Kind::Row) {
      size_t take = std::min(max - n, it.events.size() - taken_pos_);
      if (take == 0 && !it.events.empty()) break;
      for (size_t i = 0; i < take; ++i) out.push_back(std::move(it.events[taken_pos_ + i]));
      taken_pos_ += take;
      taken_rows_ -= take;
      n += take;
      if (take) on_rows(take);
      if (taken_pos_ < it.events.size()) break;
    } else if (it.kind == StreamItem::Kind::Commit) {
      on_commit(it.position);
    } else {
      if (n > 0) break;  // the rows before the error go out first (their count is kept)
      error e = std::move(it.err);
      taken_.pop_front();
      taken_pos_ = 0;
      return e;
    }
    taken_.pop_front();
    taken_pos_ = 0;
  }
  return n;
}

bool BinlogStream::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mu_);
  if (!taken_.empty()) return true;
  return not_empty_.wait_for(lk, timeout, [&] { return !queue_.empty(); });
}

// ---- connection ----

// Where the dump starts on the server just connected to: the checkpoint's file and position
// when they are this server's, else its GTID state (failover to another server).
result<void> BinlogStream::Impl::choose_start(BinlogPosition& at, bool& by_gtid) {
  at = committed;
  by_gtid = false;
  bool same_server = at.server == 0 || at.server == server_id;
  if (at.valid() && same_server) return {};
  if (at.gtid.empty()) {
    if (!at.valid()) return {};  // from the server's first binlog
    return error::fatal("the checkpoint's binlog position " + at.text() + " belongs to server " +
                        std::to_string(at.server) + ", but " + cfg.hosts[host].host + ":" +
                        std::to_string(cfg.hosts[host].port) + " is server " +
                        std::to_string(server_id) +
                        " and the checkpoint holds no GTID state to resume by: enable GTIDs on "
                        "the servers, or start over (delete the pipeline state)");
  }
  if (gtids.is_mysql()) {
    return error::fatal(
        "resuming on another MySQL server by GTID (COM_BINLOG_DUMP_GTID) is not available with "
        "MariaDB Connector/C's replication API: point `host` at the server that wrote the "
        "checkpoint (server " +
        std::to_string(at.server) + ") or start over (delete the pipeline state)");
  }
  by_gtid = true;
  return {};
}

result<void> BinlogStream::Impl::open_dump() {
  std::vector<ConnectOptions> hosts = cfg.hosts;
  int64_t hb_us = cfg.heartbeat_us;
  for (auto& h : hosts) h.read_timeout_s = static_cast<int>(std::max<int64_t>(1, (3 * hb_us + 999999) / 1000000));
  auto idx = connect_first(repl, hosts, host);
  if (!idx.ok()) return idx.err();
  if (*idx != host) {
    log::warn("mysql", cfg.name + ": streaming from " + hosts[*idx].host + ":" +
                           std::to_string(hosts[*idx].port) + " (" + hosts[host].host + ":" +
                           std::to_string(hosts[host].port) + " does not answer)");
    host = *idx;
  }
  if (meta.connected()) meta.close();
  auto mc = meta.connect(cfg.hosts[host]);
  if (!mc.ok()) return mc.err();
  auto id = server_id_of(repl);
  if (!id.ok()) return id.err();
  server_id = *id;
  auto sum = repl.scalar("SELECT @@global.binlog_checksum");
  if (!sum.ok()) return sum.err();
  std::string cs = sum->value_or("NONE");
  checksum = cs != "NONE" && cs != "none";
  BinlogPosition at;
  bool by_gtid = false;
  auto st = choose_start(at, by_gtid);
  if (!st.ok()) return st;
  std::vector<std::string> setup = {
      "SET @master_binlog_checksum = @@global.binlog_checksum",
      "SET @mariadb_slave_capability = 4",
      "SET @master_heartbeat_period = " + std::to_string(cfg.heartbeat_us * 1000)};
  if (by_gtid || (!at.valid() && !at.gtid.empty())) {
    setup.push_back("SET @slave_connect_state = " + repl.quote(at.gtid));
  }
  for (const auto& sql : setup) {
    auto e = repl.exec(sql);
    if (!e.ok()) return e;
  }
  if (by_gtid) {
    // Positions from here on are this server's: none until the next commit.
    log::warn("mysql", cfg.name + ": server " + std::to_string(server_id) + " is not server " +
                           std::to_string(committed.server) +
                           " that wrote the checkpoint: resuming by GTID " + at.gtid);
    committed.file.clear();
    committed.pos = 0;
    committed.server = server_id;
    file.clear();
    owner.stats_.failovers++;
  } else if (committed.valid() && committed.server == 0) {
    committed.server = server_id;
  }
  rpl = mariadb_rpl_init(repl.handle());
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, static_cast<unsigned int>(cfg.server_id));
  if (at.valid() && !by_gtid) {
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, at.file.c_str(), at.file.size());
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, static_cast<unsigned long>(at.pos));
  } else {
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, "", static_cast<size_t>(0));
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, 4UL);
  }
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, 0u);
  if (mariadb_rpl_open(rpl) != 0) return repl.last_error("cannot start the binlog dump");
  return {};
}

error BinlogStream::Impl::read_error() {
  unsigned code = repl.error_number();
  std::string msg = repl.handle() ? mysql_error(repl.handle()) : "not connected";
  std::string where = cfg.hosts[host].host + ":" + std::to_string(cfg.hosts[host].port);
  if (code == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
    if (committed.server != 0 && committed.file.empty() && !committed.gtid.empty()) {
      // By GTID on a server that may not have our transactions yet (a lagging replica).
      return error::transient("server " + where + " cannot resume at GTID " + committed.gtid +
                              " (" + msg + ")");
    }
    return error::fatal("the binlog position " + committed.text() +
                        (committed.gtid.empty() ? "" : " / GTID " + committed.gtid) +
                        " cannot be read from " + where + " (" + msg +
                        "); it was probably purged: restart from a fresh snapshot (delete "
                        "the pipeline state, snapshot = initial) or set start = earliest");
  }
  if (code == ER_SPECIFIC_ACCESS_DENIED_ERROR || code == ER_ACCESS_DENIED_ERROR) {
    return error::permanent("the mysql user may not read the binlog (" + msg +
                        "): GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user");
  }
  if (code == 0 || is_connection_error(code)) {
    return error::transient("binlog connection to " + where + " lost: " + msg);
  }
  return error::fatal("binlog read from " + where + " failed: " + msg + " (error " +
                      std::to_string(code) + ")");
}

result<std::pair<const uint8_t*, size_t>> BinlogStream::Impl::read_packet() {
  unsigned long n = mysql_net_read_packet(repl.handle());
  if (n == packet_error || n == 0) return read_error();
  const uint8_t* p = repl.handle()->net.read_pos;
  if (p[0] == 0xFE && n < 9) return error::transient("the server ended the binlog dump");
  if (p[0] != 0x00) {
    return error::fatal("unexpected binlog packet (first byte " + std::to_string(p[0]) + ")");
  }
  return std::make_pair(p + 1, static_cast<size_t>(n - 1));
}

error BinlogStream::Impl::read_events() {
  tables.clear();
  rows_in_txn = 0;
  in_txn = false;
  pending = Pending{};
  streamed = false;
  while (!owner.stop_) {
    auto pkt = read_packet();
    if (!pkt.ok()) return pkt.err();
    if (!streamed) {  // the dump is open and answering
      streamed = true;
      owner.stats_.down_since_us.store(0, std::memory_order_relaxed);
    }
    auto r = on_event(pkt->first, pkt->second);
    if (!r.ok()) return r.err();
  }
  return error::transient("stopped");
}

// ---- events ----

result<void> BinlogStream::Impl::on_event(const uint8_t* data, size_t len) {
  bool sum = checksum && data[4] != FORMAT_DESCRIPTION_EVENT && len >= kEventHeaderSize;
  auto parsed = parse_event(data, len, sum && !(data[4] == ROTATE_EVENT && !crc_matches(data, len)));
  if (!parsed.ok()) return parsed.err();
  const RawEvent& ev = *parsed;
  switch (ev.type) {
    case FORMAT_DESCRIPTION_EVENT:
      checksum = format_description_has_checksum(ev.body, ev.body_len);
      return {};
    case ROTATE_EVENT:
      on_rotate(ev);
      return {};
    case GTID_EVENT: {  // MariaDB
      uint8_t flags = 0;
      auto g = parse_maria_gtid(ev.body, ev.body_len, ev.server_id, flags);
      if (!g.ok()) return g.err();
      pending.kind = Pending::Kind::Maria;
      pending.maria = *g;
      gtid = std::to_string(g->domain) + "-" + std::to_string(g->server) + "-" +
             std::to_string(g->seq);
      in_txn = !(flags & FL_STANDALONE);
      return {};
    }
    case GTID_LIST_EVENT: {  // MariaDB: the state at the start of a file
      auto list = parse_gtid_list(ev.body, ev.body_len);
      if (!list.ok()) return list.err();
      for (const auto& g : *list) gtids.merge_maria(g.domain, g.server, g.seq);
      return {};
    }
    case GTID_LOG_EVENT: {  // MySQL: flags(1) sid(16) gno(8)
      if (ev.body_len < 25) return error::fatal("MySQL GTID event too short");
      uint64_t gno = 0;
      for (int i = 0; i < 8; ++i) gno |= static_cast<uint64_t>(ev.body[17 + i]) << (8 * i);
      pending.kind = Pending::Kind::MySql;
      pending.uuid = uuid_text(ev.body + 1);
      pending.gno = gno;
      gtid = pending.uuid + ":" + std::to_string(gno);
      return {};
    }
    case XID_EVENT:
      commit(ev.next_pos);
      return {};
    case QUERY_EVENT:
      return on_query(ev);
    case TABLE_MAP_EVENT:
      return on_table_map(ev);
    default:
      if (RowDecoder::is_rows_event(ev.type)) return on_rows(ev);
      if (ev.type >= WRITE_ROWS_COMPRESSED_EVENT_V1 && ev.type <= DELETE_ROWS_COMPRESSED_EVENT) {
        return error::permanent(
            "compressed row events are not decoded: SET GLOBAL log_bin_compress = OFF on the "
            "server");
      }
      if (std::string why = refuse_unhandled_event(ev.type); !why.empty()) {
        return error::permanent(why + " (at " + file + ":" + std::to_string(ev.next_pos) + ")");
      }
      return {};
  }
}

void BinlogStream::Impl::on_rotate(const RawEvent& ev) {
  auto r = parse_rotate(ev.body, ev.body_len);
  if (!r.ok()) return;
  bool moved = r->file != file;
  file = r->file;
  if (!moved) return;
  owner.stats_.rotations++;
  // Outside a transaction the checkpoint follows the rotation, so that files already read
  // can be purged. Not on a GTID resume (the dump starts inside the file, not at `position`)
  // nor while rows of a resumed transaction are still to be skipped.
  if (in_txn || rows_in_txn != 0 || skip != 0 || !committed.valid()) return;
  if (!binlog_file_less(committed.file, file)) return;
  committed.file = file;
  committed.pos = r->position;
  committed.server = server_id;
  StreamItem it;
  it.kind = StreamItem::Kind::Commit;
  it.position = committed;
  owner.push(std::move(it));
}

void BinlogStream::Impl::commit(uint64_t next_pos) {
  in_txn = false;
  if (next_pos == 0) return;
  if (pending.kind == Pending::Kind::Maria) {
    gtids.add_maria(pending.maria.domain, pending.maria.server, pending.maria.seq);
  } else if (pending.kind == Pending::Kind::MySql) {
    gtids.add_mysql(pending.uuid, pending.gno);
  }
  pending.kind = Pending::Kind::None;
  committed.file = file;
  committed.pos = next_pos;
  committed.gtid = gtids.text();
  committed.server = server_id;
  rows_in_txn = 0;
  skip = 0;
  owner.stats_.transactions++;
  StreamItem it;
  it.kind = StreamItem::Kind::Commit;
  it.position = committed;
  owner.push(std::move(it));
}

void BinlogStream::Impl::emit_truncate(const std::string& db, const std::string& table,
                                       const RawEvent& ev) {
  if (!filter.matches(db, table)) return;
  if (!catchup.empty() && caught_up(db, table, ev.next_pos)) return;
  if (skip > 0) {  // it counts as a row event for resuming inside the statement (skip_rows)
    --skip;
    ++rows_in_txn;
    return;
  }
  StreamItem it;
  Event& e = it.events.emplace_back();
  e.op = Op::Truncate;
  e.source = truncate_meta(db, table);
  e.ts = static_cast<int64_t>(ev.timestamp) * 1000000;
  e.position = position_value(ev.next_pos);
  ++rows_in_txn;
  owner.stats_.truncates++;
  owner.push(std::move(it));
}

result<void> BinlogStream::Impl::on_query(const RawEvent& ev) {
  const uint8_t* body = ev.body;
  size_t body_len = ev.body_len;
  if (body_len < 13) return {};
  size_t dblen = body[8];
  size_t status_len = static_cast<size_t>(body[11] | body[12] << 8);
  size_t off = 13 + status_len;
  if (off + dblen + 1 > body_len) return {};
  std::string db(reinterpret_cast<const char*>(body + off), dblen);
  off += dblen + 1;
  std::string sql(reinterpret_cast<const char*>(body + off), body_len - off);
  DdlStatement d = parse_ddl(sql, db);
  if (d.kind == DdlStatement::Kind::Begin) {
    in_txn = true;
    return {};
  }
  if (d.kind == DdlStatement::Kind::Commit || d.kind == DdlStatement::Kind::Rollback) {
    commit(ev.next_pos);
    return {};
  }
  if (d.kind != DdlStatement::Kind::None) {
    bool captured = false;
    for (auto& t : d.tables) captured |= filter.matches(t.first, t.second);
    if (captured) {
      if (cfg.schema_changes == SchemaChanges::Fail) {
        return error::fatal(std::string(ddl_kind_name(d.kind)) + " on a captured table at " +
                            file + ":" + std::to_string(ev.next_pos) + " (" + sql.substr(0, 200) +
                            ") and schema_changes = fail: review the change, then restart with "
                            "schema_changes = follow");
      }
      owner.stats_.schema_changes++;
      if (cfg.schema_changes == SchemaChanges::Follow && d.kind == DdlStatement::Kind::Truncate) {
        for (auto& t : d.tables) emit_truncate(t.first, t.second, ev);
        log::info("mysql", cfg.name + ": TRUNCATE of " + d.tables[0].first + "." +
                               d.tables[0].second + " emitted as a truncate event");
      } else if (cfg.schema_changes == SchemaChanges::Follow) {
        for (auto& t : d.tables) schema.invalidate(t.first, t.second);
        tables.clear();
        log::info("mysql", cfg.name + ": schema change followed: " + sql.substr(0, 200));
      }
    }
  }
  if (!in_txn) commit(ev.next_pos);
  return {};
}

result<void> BinlogStream::Impl::on_table_map(const RawEvent& ev) {
  uint64_t id = RowDecoder::table_id(ev.body, ev.body_len);
  auto it = tables.find(id);
  std::string_view rawtm(reinterpret_cast<const char*>(ev.body), ev.body_len);
  if (it != tables.end() && it->second.raw == rawtm) return {};
  auto tm = parse_table_map(ev.body, ev.body_len);
  if (!tm.ok()) return tm.err();
  Entry e;
  e.raw = std::string(rawtm);
  if (filter.matches(tm->db, tm->table)) {
    auto ap = schema.apply(*tm, !tm->has_names);
    if (!ap.ok()) return ap;
    if (tm->primary_key.empty()) {
      if (cfg.key.empty() && keyless_logged.insert(tm->full_name()).second) {
        log::info("mysql", cfg.name + ": table " + tm->full_name() +
                               " has no primary key: its events carry no key (like Debezium); "
                               "set `key` on the source to give it one");
      }
      for (auto& k : cfg.key) {
        for (size_t i = 0; i < tm->columns.size(); ++i) {
          if (tm->columns[i].name == k) tm->primary_key.push_back(i);
        }
      }
    }
    tm->finish(cfg.name);
    e.map = std::make_shared<TableMap>(std::move(tm).value());
  }
  tables[id] = std::move(e);
  return {};
}

result<void> BinlogStream::Impl::on_rows(const RawEvent& ev) {
  uint64_t id = RowDecoder::table_id(ev.body, ev.body_len);
  auto it = tables.find(id);
  if (it == tables.end()) {
    return error::fatal("rows event for an unknown table id " + std::to_string(id) + " at " +
                        file + ":" + std::to_string(ev.next_pos));
  }
  if (!it->second.map) return {};
  if (!catchup.empty() && caught_up(it->second.map->db, it->second.map->table, ev.next_pos)) {
    return {};
  }
  StreamItem block;
  std::vector<Event>& evs = block.events;
  auto n = decoder.decode(ev.type, ev.body, ev.body_len, *it->second.map, evs);
  if (!n.ok()) return n.err();
  owner.stats_.zero_dates = decoder.stats().zero_dates;
  if (skip > 0) {  // delivered before a restart: dropped
    size_t k = std::min<uint64_t>(skip, evs.size());
    evs.erase(evs.begin(), evs.begin() + static_cast<long>(k));
    skip -= k;
    rows_in_txn += k;
  }
  if (evs.empty()) return {};
  Value posv = position_value(ev.next_pos);
  int64_t ets = static_cast<int64_t>(ev.timestamp) * 1000000;
  for (auto& e : evs) {
    e.ts = ets;
    e.position = posv;
  }
  rows_in_txn += evs.size();
  owner.stats_.row_events += evs.size();
  owner.push(std::move(block));
  return {};
}

// ---- the reconnect loop ----

void BinlogStream::run() {
  Impl& s = *impl_;
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_) {
    s.streamed = false;
    auto opened = s.open_dump();
    error failure = opened.ok() ? s.read_events() : opened.err();
    if (s.streamed) backoff = std::chrono::milliseconds(100);
    s.close_rpl();
    if (stop_) break;
    if (failure.kind == failure_kind::transient) {
      int64_t now = steady_micros();
      int64_t since = stats_.down_since_us.load();
      if (since == 0) stats_.down_since_us.store(since = now);
      stats_.set_down_reason(failure.message);
      if (now - since >= cfg_.reconnect_timeout_us) {
        // Permanent: restarting the pipeline would only wait again; `sluice run` exits 3.
        failure = error::permanent("the binlog connection has been lost for " +
                               seconds_text(now - since) + " (reconnect_timeout " +
                               seconds_text(cfg_.reconnect_timeout_us) + "): " + failure.message);
      } else {
        // Resume at the last commit; drop the row events of the open transaction already
        // queued.
        s.skip += s.rows_in_txn;
        s.rows_in_txn = 0;
        s.pending = Impl::Pending{};
        stats_.reconnects++;
        s.meta.close();
        // Never past the deadline: the failure is reported on time.
        const auto wait = std::min<std::chrono::milliseconds>(
            backoff,
            std::chrono::milliseconds((since + cfg_.reconnect_timeout_us - now) / 1000 + 1));
        log::warn("mysql", cfg_.name + ": " + failure.message + "; reconnecting in " +
                               std::to_string(wait.count()) + "ms at " + s.committed.text() +
                               (s.committed.gtid.empty() ? "" : " (GTID " + s.committed.gtid + ")"));
        for (auto waited = std::chrono::milliseconds(0); waited < wait && !stop_;
             waited += std::chrono::milliseconds(20)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
        // Next round: the next host first when this one does not answer.
        if (!s.streamed && cfg_.hosts.size() > 1) s.host = (s.host + 1) % cfg_.hosts.size();
        continue;
      }
    }
    StreamItem item;
    item.kind = StreamItem::Kind::Error;
    item.err = failure;
    push(std::move(item));
    break;
  }
}

}  // namespace sluice::operators::mysql
