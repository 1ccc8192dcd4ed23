#include "operators/mysql/binlog_stream.h"

#include <mysql.h>
// mysql.h must come first.
#include <mariadb_rpl.h>
#include <mysqld_error.h>

#include <algorithm>

#include "base/logger.h"
#include "operators/mysql/binlog_event.h"
#include "operators/mysql/binlog_server.h"
#include "operators/mysql/binlog_stream_impl.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

int64_t steady_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string seconds_text(int64_t us) { return std::to_string((us + 500000) / 1000000) + "s"; }

}  // namespace

BinlogStream::BinlogStream(MySqlConfig cfg)
    : cfg_(std::move(cfg)), impl_(std::make_unique<Impl>(*this)) {
  if (cfg_.hosts.empty()) cfg_.hosts.push_back(cfg_.conn);
}

BinlogStream::~BinlogStream() { stop(); }

void BinlogStream::set_catchup(std::vector<std::pair<std::string, BinlogPosition>> c) {
  impl_->catchup = std::move(c);
}

result<void> BinlogStream::set_model(const std::string& encoded) {
  if (encoded.empty()) return {};
  auto m = SchemaModel::decode(encoded);
  if (!m.ok()) return m.err();
  impl_->model = std::move(m).value();
  impl_->model_ready = true;
  return {};
}

result<void> BinlogStream::set_xa(const std::string& encoded) { return impl_->decode_xa(encoded); }

// The reading state at `from`, before the first event.
result<void> BinlogStream::prime(const BinlogPosition& from) {
  Impl& s = *impl_;
  auto gs = GtidState::parse(from.gtid);
  if (!gs.ok()) return gs.err();
  s.gtids = std::move(gs).value();
  s.committed = from;
  s.committed.gtid = s.gtids.text();
  s.skip = from.skip_rows;
  s.committed.skip_rows = 0;
  s.file = from.file;
  return {};
}

result<void> BinlogStream::replay(const BinlogPosition& from,
                                  const std::vector<std::vector<uint8_t>>& events, bool checksum) {
  Impl& s = *impl_;
  auto p = prime(from);
  if (!p.ok()) return p;
  if (!s.meta.connected()) {
    auto mc = s.meta.connect(cfg_.hosts.front());
    if (!mc.ok()) return mc;
  }
  if (!s.model_ready) {
    auto m = s.seed_model(s.meta);
    if (!m.ok()) return m;
  }
  s.server_id = from.server;
  s.checksum = checksum;
  for (const auto& ev : events) {
    auto r = s.on_event(ev.data(), ev.size());
    if (!r.ok()) return r;
  }
  return {};
}

result<void> BinlogStream::start(const BinlogPosition& from) {
  Impl& s = *impl_;
  auto p = prime(from);
  if (!p.ok()) return p;
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (r.ok()) {
    auto chk = check_server(c);
    if (!chk.ok()) return chk;
    auto sum = c.scalar("SELECT @@global.binlog_checksum");
    if (!sum.ok()) return sum.err();
    std::string v = sum->value_or("NONE");
    s.checksum = v != "NONE" && v != "none";
    if (!s.model_ready && cfg_.schema_changes == SchemaChanges::Follow) {
      auto m = s.seed_model(c);
      if (!m.ok()) return m;
      started_model_ = std::move(s.model_text);  // the caller records it at `from`
      s.model_text.reset();
    }
  } else if (r.err().kind == failure_kind::transient) {
    log::warn("mysql", cfg_.name + ": " + r.err().message +
                           "; the stream starts and reconnects (reconnect_timeout " +
                           seconds_text(cfg_.reconnect_timeout_us) + ")");
  } else {
    return r.err();
  }
  // Everything before `from` counts as read (a lock-free snapshot's first views are there).
  if (from.valid()) queue_.advance(from.file, from.pos);
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return {};
}

void BinlogStream::stop() {
  stop_ = true;
  queue_.wake();
  if (thread_.joinable()) {
    // A blocked read returns at the latest after the read timeout (3 heartbeats).
    thread_.join();
  }
  impl_->close_rpl();
  impl_->meta.close();
}

std::vector<std::pair<std::string, std::string>> BinlogStream::take_rereads() {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard<std::mutex> lk(reread_mu_);
  const BinlogPosition& delivered = queue_.delivered();
  std::erase_if(rereads_, [&](const Reread& r) {
    if (!position_le(r.at.file, r.at.pos, delivered)) return false;
    out.emplace_back(r.db, r.table);
    return true;
  });
  return out;
}

std::string BinlogStream::health() const {
  int64_t since = stats_.down_since_us.load(std::memory_order_relaxed);
  if (since == 0) return "";
  return "reconnecting for " + seconds_text(steady_micros() - since) + ": " +
         stats_.get_down_reason();
}

void BinlogStream::push(StreamItem item) { queue_.push(std::move(item)); }

result<size_t> BinlogStream::drain(size_t max, std::vector<Event>& out,
                                   const std::function<void(size_t)>& on_rows,
                                   const std::function<void(const BinlogPosition&)>& on_commit,
                                   const BinlogPosition* limit,
                                   const std::function<bool(const Event&)>* stop_after) {
  return queue_.drain(max, out, on_rows, on_commit, limit, stop_after);
}

bool BinlogStream::wait(std::chrono::milliseconds timeout) { return queue_.wait(timeout); }

// ---- connection ----

namespace {

const char* const kStartOver =
    "start over: stop the pipeline, delete its state directory (<state_dir>/<pipeline>, see "
    "`sluice run --state-dir`) and run it again for a fresh snapshot (snapshot = initial)";

}  // namespace

// True when the checkpoint's file and position are this server's: the same @@server_id and,
// when both are known (MySQL), the same @@server_uuid (a server rebuilt with the same id has
// another history).
bool BinlogStream::Impl::same_history(const BinlogPosition& at) const {
  if (at.server != 0 && at.server != server_id) return false;
  return at.server_uuid.empty() || server_uuid.empty() || at.server_uuid == server_uuid;
}

// The checkpoint cannot be resumed on this server. With one host that is final (`sluice run`
// exits 3); with several, the server that wrote it may answer again: the stream retries the
// hosts until reconnect_timeout.
error BinlogStream::Impl::other_server(const std::string& why) const {
  if (cfg.hosts.size() > 1) return error::transient(errc::connect, why);
  return error::permanent(errc::connect, why);
}

// Where the dump starts on the server just connected to: the checkpoint's file and position
// when they are this server's, else its GTID state (failover to another server).
result<void> BinlogStream::Impl::choose_start(BinlogPosition& at, bool& by_gtid) {
  at = committed;
  by_gtid = false;
  if (at.valid() && same_history(at)) return {};
  const std::string where = cfg.hosts[host].host + ":" + std::to_string(cfg.hosts[host].port);
  const std::string theirs =
      "server " + std::to_string(at.server) +
      (at.server_uuid.empty() ? "" : " (server_uuid " + at.server_uuid + ")");
  const std::string ours = "server " + std::to_string(server_id) +
                           (server_uuid.empty() ? "" : " (server_uuid " + server_uuid + ")");
  if (at.gtid.empty()) {
    if (!at.valid()) return {};  // from the server's first binlog
    return other_server("the checkpoint's binlog position " + at.text() + " belongs to " + theirs +
                        ", but " + where + " is " + ours +
                        " and the checkpoint holds no GTID state to resume by: point `host` at "
                        "the server that wrote it, enable GTIDs on the servers, or " +
                        kStartOver);
  }
  if (gtids.is_mysql()) {
    return other_server(
        "the checkpoint was written by " + theirs + " but " + where + " is " + ours +
        ": resuming on another MySQL server by GTID (COM_BINLOG_DUMP_GTID) is not available "
        "with MariaDB Connector/C's replication API: point `host` at the server that wrote "
        "the checkpoint, or " +
        kStartOver);
  }
  by_gtid = true;
  return {};
}

// A dump from a purged file would fail (or, on some servers, start elsewhere): the file must
// still be listed by SHOW BINARY LOGS, else the changes after the checkpoint are gone.
result<void> BinlogStream::Impl::check_file_exists(const BinlogPosition& at) {
  auto rows = meta.query("SHOW BINARY LOGS");
  if (!rows.ok()) return rows.err();
  for (const auto& r : *rows) {
    if (r[0].value_or("") == at.file) return {};
  }
  std::string oldest = rows->empty() ? "none" : rows->front()[0].value_or("");
  return error::permanent(
      errc::binlog_read,
      "the checkpoint's binlog file " + at.file + " is no longer on " + cfg.hosts[host].host + ":" +
          std::to_string(cfg.hosts[host].port) + " (purged; the oldest binlog there is " + oldest +
          "): the changes after " + at.text() + " cannot be read any more. To " + kStartOver +
          "; or, to accept the gap, set start = earliest or latest with "
          "snapshot = never on a fresh state");
}

result<void> BinlogStream::Impl::open_dump() {
  auto c = connect_host();
  if (!c.ok()) return c;
  auto srv = read_server();
  if (!srv.ok()) return srv;
  BinlogPosition at;
  bool by_gtid = false;
  auto st = choose_start(at, by_gtid);
  if (!st.ok()) return st;
  if (at.valid() && !by_gtid) {
    auto ex = check_file_exists(at);
    if (!ex.ok()) return ex;
  }
  auto vars = set_dump_variables(at, by_gtid);
  if (!vars.ok()) return vars;
  adopt_start(at, by_gtid);
  return start_dump(at, by_gtid);
}

// The replication connection to the first host that answers, from `host` on (reads time out
// after 3 heartbeats), and the metadata connection to the same host.
result<void> BinlogStream::Impl::connect_host() {
  std::vector<ConnectOptions> hosts = cfg.hosts;
  int64_t hb_us = cfg.heartbeat_us;
  for (auto& h : hosts)
    h.read_timeout_s = static_cast<int>(std::max<int64_t>(1, (3 * hb_us + 999999) / 1000000));
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
  return {};
}

// The server's @@server_id, @@server_uuid and whether its events carry checksums.
result<void> BinlogStream::Impl::read_server() {
  auto id = server_id_of(repl);
  if (!id.ok()) return id.err();
  server_id = *id;
  server_uuid = server_uuid_of(repl);
  auto sum = repl.scalar("SELECT @@global.binlog_checksum");
  if (!sum.ok()) return sum.err();
  std::string cs = sum->value_or("NONE");
  checksum = cs != "NONE" && cs != "none";
  return {};
}

// The session variables the dump reads: checksums, MariaDB's capability, the heartbeat and,
// starting by GTID, the GTID state to start after.
result<void> BinlogStream::Impl::set_dump_variables(const BinlogPosition& at, bool by_gtid) {
  std::vector<std::string> setup = {
      "SET @master_binlog_checksum = @@global.binlog_checksum", "SET @mariadb_slave_capability = 4",
      "SET @master_heartbeat_period = " + std::to_string(cfg.heartbeat_us * 1000)};
  if (by_gtid || (!at.valid() && !at.gtid.empty())) {
    setup.push_back("SET @slave_connect_state = " + repl.quote(at.gtid));
  }
  for (const auto& sql : setup) {
    auto e = repl.exec(sql);
    if (!e.ok()) return e;
  }
  return {};
}

// The positions from here on are this server's: after a failover by GTID none is known until
// the next commit; a checkpoint without a server gets this one's.
void BinlogStream::Impl::adopt_start(const BinlogPosition& at, bool by_gtid) {
  if (by_gtid) {
    log::warn("mysql", cfg.name + ": server " + std::to_string(server_id) + " is not server " +
                           std::to_string(committed.server) +
                           " that wrote the checkpoint: resuming by GTID " + at.gtid);
    committed.file.clear();
    committed.pos = 0;
    committed.server = server_id;
    committed.server_uuid = server_uuid;
    file.clear();
    owner.stats_.failovers++;
  } else if (committed.valid()) {
    if (committed.server == 0) committed.server = server_id;
    if (committed.server_uuid.empty()) committed.server_uuid = server_uuid;
  }
}

// COM_BINLOG_DUMP at the position (or, by GTID or from the start, from the first binlog).
result<void> BinlogStream::Impl::start_dump(const BinlogPosition& at, bool by_gtid) {
  rpl = mariadb_rpl_init(repl.handle());
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, static_cast<unsigned int>(cfg.server_id));
  if (at.valid() && !by_gtid) {
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, at.file.c_str(), at.file.size());
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, static_cast<unsigned long>(at.pos));
  } else {
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, "", static_cast<size_t>(0));
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, 4UL);
  }
  mariadb_rpl_optionsv(
      rpl, MARIADB_RPL_FLAGS,
      cfg.include_query ? static_cast<unsigned>(MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS) : 0u);
  if (mariadb_rpl_open(rpl) != 0) return repl.last_error("cannot start the binlog dump");
  return {};
}

error BinlogStream::Impl::read_error() {
  unsigned code = repl.error_number();
  std::string msg = repl.handle() ? mysql_error(repl.handle()) : "not connected";
  std::string where = cfg.hosts[host].host + ":" + std::to_string(cfg.hosts[host].port);
  // MariaDB: 4052; MySQL: 1236 with this text ("A replica with the same server_uuid/server_id
  // as this replica has connected to the source").
  if (code == ER_SLAVE_SAME_ID || (code == ER_MASTER_FATAL_ERROR_READING_BINLOG &&
                                   msg.find("same server_uuid/server_id") != std::string::npos)) {
    return error::fatal(
        errc::server_id,
        "the server " + where + " ended this binlog dump: another replica connected with " +
            "server_id " + std::to_string(cfg.server_id) + " (" + msg +
            "). Give each source a server_id that no other replica of the server uses "
            "(SHOW SLAVE HOSTS, on MySQL SHOW REPLICAS, lists them); two pipelines with the same "
            "one take the stream from each other");
  }
  if (code == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
    if (committed.server != 0 && committed.file.empty() && !committed.gtid.empty()) {
      // By GTID on a server that may not have our transactions yet (a lagging replica).
      return error::transient(errc::position_lost, "server " + where + " cannot resume at GTID " +
                                                       committed.gtid + " (" + msg + ")");
    }
    return error::fatal(errc::position_lost,
                        "the binlog position " + committed.text() +
                            (committed.gtid.empty() ? "" : " / GTID " + committed.gtid) +
                            " cannot be read from " + where + " (" + msg +
                            "); it was probably purged: restart from a fresh snapshot (delete "
                            "the pipeline state, snapshot = initial) or set start = earliest");
  }
  if (code == ER_SPECIFIC_ACCESS_DENIED_ERROR || code == ER_ACCESS_DENIED_ERROR) {
    return error::permanent(
        errc::auth, "the mysql user may not read the binlog (" + msg +
                        "): GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user");
  }
  if (code == 0 || is_connection_error(code)) {
    return error::transient(errc::connect, "binlog connection to " + where + " lost: " + msg);
  }
  return error::fatal(errc::binlog_read, "binlog read from " + where + " failed: " + msg +
                                             " (error " + std::to_string(code) + ")");
}

result<std::pair<const uint8_t*, size_t>> BinlogStream::Impl::read_packet() {
  unsigned long n = mysql_net_read_packet(repl.handle());
  if (n == packet_error || n == 0) return read_error();
  const uint8_t* p = repl.handle()->net.read_pos;
  if (p[0] == 0xFE && n < 9)
    return error::transient(errc::connect, "the server ended the binlog dump");
  if (p[0] != 0x00) {
    return error::fatal(errc::binlog_read,
                        "unexpected binlog packet (first byte " + std::to_string(p[0]) + ")");
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
  return error::transient(errc::connect, "stopped");
}

// ---- the reconnect loop ----

void BinlogStream::run() {
  Impl& s = *impl_;
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_) {
    s.streamed = false;
    auto opened = s.open_dump();
    error failure = opened.ok() ? s.read_events() : opened.err();
    s.flush_held();  // its rows count as delivered (the resume skips them)
    if (s.streamed) backoff = std::chrono::milliseconds(100);
    s.close_rpl();
    if (stop_) break;
    if (failure.kind == failure_kind::transient && retry(failure, backoff)) continue;
    StreamItem item;
    item.kind = StreamItem::Kind::Error;
    item.err = failure;
    push(std::move(item));
    break;
  }
}

bool BinlogStream::retry(error& failure, std::chrono::milliseconds& backoff) {
  int64_t now = steady_micros();
  int64_t since = stats_.down_since_us.load();
  if (since == 0) stats_.down_since_us.store(since = now);
  stats_.set_down_reason(failure.message);
  if (now - since >= cfg_.reconnect_timeout_us) {
    // Permanent: restarting the pipeline would only wait again; `sluice run` exits 3.
    failure = error::permanent(
        errc::connect, "the binlog connection has been lost for " + seconds_text(now - since) +
                           " (reconnect_timeout " + seconds_text(cfg_.reconnect_timeout_us) +
                           "): " + failure.message);
    return false;
  }
  // Never past the deadline: the failure is reported on time.
  const auto wait = std::min<std::chrono::milliseconds>(
      backoff, std::chrono::milliseconds((since + cfg_.reconnect_timeout_us - now) / 1000 + 1));
  reconnect_after(failure, wait);
  backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
  return true;
}

void BinlogStream::reconnect_after(const error& failure, std::chrono::milliseconds wait) {
  Impl& s = *impl_;
  // Resume at the last commit; drop the row events of the open transaction already queued.
  s.skip += s.rows_in_txn;
  s.rows_in_txn = 0;
  s.pending = Impl::Pending{};
  stats_.reconnects++;
  s.meta.close();
  log::warn("mysql", cfg_.name + ": " + failure.message + "; reconnecting in " +
                         std::to_string(wait.count()) + "ms at " + s.committed.text() +
                         (s.committed.gtid.empty() ? "" : " (GTID " + s.committed.gtid + ")"));
  for (auto waited = std::chrono::milliseconds(0); waited < wait && !stop_;
       waited += std::chrono::milliseconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Next round: the next host first when this one does not answer.
  if (!s.streamed && cfg_.hosts.size() > 1) s.host = (s.host + 1) % cfg_.hosts.size();
}

}  // namespace sluice::operators::mysql
