#include "operators/mysql/binlog_stream.h"

#include <mysql.h>
// mysql.h must come first.
#include <mariadb_rpl.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/common/logger.h"
#include "operators/mysql/ddl_statement.h"
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
  if (rows->empty()) return error::fatal("cannot read the server's binlog settings");
  const SqlRow& r = rows->front();
  if (r[0].value_or("0") != "1") {
    return error::fatal(
        "binary logging is off on the server: start it with log_bin (e.g. "
        "--log-bin=mysql-bin) and binlog_format=ROW");
  }
  std::string fmt = upper(r[1].value_or(""));
  if (fmt != "ROW") {
    return error::fatal("binlog_format is " + fmt +
                        " on the server, CDC needs ROW: SET GLOBAL binlog_format = 'ROW' (and "
                        "binlog_format=ROW in the server config)");
  }
  std::string image = upper(r[2].value_or(""));
  if (image != "FULL") {
    return error::fatal("binlog_row_image is " + image +
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
    return error::fatal("the mysql user lacks the " + missing +
                        " privilege needed to read the binlog: GRANT REPLICATION SLAVE, "
                        "REPLICATION CLIENT ON *.* TO the user");
  }
  return {};
}

result<BinlogPosition> current_position(Connection& c) {
  auto rows = c.query("SHOW MASTER STATUS");
  if (!rows.ok()) return rows.err();
  if (rows->empty()) return error::fatal("SHOW MASTER STATUS returned nothing: is log_bin on?");
  BinlogPosition p;
  p.file = rows->front()[0].value_or("");
  p.pos = std::stoull(rows->front()[1].value_or("4"));
  auto g = c.scalar("SELECT @@global.gtid_binlog_pos");
  if (g.ok() && g->has_value()) p.gtid = **g;
  return p;
}

result<BinlogPosition> earliest_position(Connection& c) {
  auto rows = c.query("SHOW BINARY LOGS");
  if (!rows.ok()) return rows.err();
  if (rows->empty()) return error::fatal("SHOW BINARY LOGS returned nothing: is log_bin on?");
  BinlogPosition p;
  p.file = rows->front()[0].value_or("");
  p.pos = 4;
  return p;
}

struct BinlogStream::Impl {
  Connection repl;
  Connection meta;
  MARIADB_RPL* rpl = nullptr;
  MARIADB_RPL_EVENT* ev = nullptr;
  bool checksum = true;
  TableFilter filter;
  SchemaLoader schema{&meta};
  RowDecoder decoder;
  struct Entry {
    std::string raw;
    std::shared_ptr<TableMap> map;  // null = table not captured
  };
  std::unordered_map<uint64_t, Entry> tables;
  std::string file;
  std::string gtid;
  bool in_txn = false;
  BinlogPosition committed;  // position after the last commit seen
  uint64_t rows_in_txn = 0;  // row events queued since `committed`
  uint64_t skip = 0;         // row events still to drop (resume inside a transaction)
  std::unordered_map<std::string, std::shared_ptr<const SourceMeta>> truncated;
  std::vector<std::pair<std::string, BinlogPosition>> catchup;

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
  std::shared_ptr<const SourceMeta> truncate_meta(const std::string& source, const std::string& db,
                                                  const std::string& table) {
    auto& m = truncated[db + "." + table];
    if (!m) {
      auto meta = std::make_shared<SourceMeta>();
      meta->connector = "mysql";
      meta->name = source;
      meta->db = db;
      meta->table = table;
      m = std::move(meta);
    }
    return m;
  }

  void close_rpl() {
    if (ev) {
      mariadb_free_rpl_event(ev);
      ev = nullptr;
    }
    if (rpl) {
      mariadb_rpl_close(rpl);
      rpl = nullptr;
    }
    repl.close();
  }
  ~Impl() { close_rpl(); }
};

BinlogStream::BinlogStream(MySqlConfig cfg)
    : cfg_(std::move(cfg)), impl_(std::make_unique<Impl>()) {
  impl_->filter = cfg_.filter();
}

BinlogStream::~BinlogStream() { stop(); }

void BinlogStream::set_catchup(std::vector<std::pair<std::string, BinlogPosition>> c) {
  impl_->catchup = std::move(c);
}

result<void> BinlogStream::start(const BinlogPosition& from) {
  Connection c;
  auto r = c.connect(cfg_.conn);
  if (!r.ok()) return r;
  auto chk = check_server(c);
  if (!chk.ok()) return chk;
  auto sum = c.scalar("SELECT @@global.binlog_checksum");
  if (!sum.ok()) return sum.err();
  impl_->checksum = upper(sum->value_or("NONE")) != "NONE";
  impl_->committed = from;
  impl_->skip = from.skip_rows;
  impl_->committed.skip_rows = 0;
  impl_->file = from.file;
  impl_->gtid = from.gtid;
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
    // A blocked fetch returns at the latest with the next heartbeat.
    thread_.join();
  }
  impl_->close_rpl();
  impl_->meta.close();
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

void BinlogStream::run() {
  Impl& s = *impl_;
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_) {
    // ---- connect and open the dump at the last committed position ----
    error failure;
    bool failed = false;
    auto fail = [&](error e) {
      failure = std::move(e);
      failed = true;
    };
    ConnectOptions co = cfg_.conn;
    co.read_timeout_s = static_cast<int>(cfg_.heartbeat_us / 1000000 * 3 + 10);
    auto rc = s.repl.connect(co);
    if (rc.ok()) {
      if (!s.meta.connected()) {
        auto mc = s.meta.connect(cfg_.conn);
        if (!mc.ok()) fail(mc.err());
      }
    } else {
      fail(rc.err());
    }
    if (!failed) {
      for (const std::string& sql :
           {std::string("SET @master_binlog_checksum = @@global.binlog_checksum"),
            std::string("SET @mariadb_slave_capability = 4"),
            "SET @master_heartbeat_period = " + std::to_string(cfg_.heartbeat_us * 1000)}) {
        auto e = s.repl.exec(sql);
        if (!e.ok() && !failed) fail(e.err());
      }
    }
    BinlogPosition at = s.committed;
    if (!failed && !at.valid() && !at.gtid.empty()) {
      auto e = s.repl.exec("SET @slave_connect_state = " + s.repl.quote(at.gtid));
      if (!e.ok()) fail(e.err());
    }
    if (!failed) {
      s.rpl = mariadb_rpl_init(s.repl.handle());
      mariadb_rpl_optionsv(s.rpl, MARIADB_RPL_SERVER_ID, static_cast<unsigned int>(cfg_.server_id));
      if (at.valid()) {
        mariadb_rpl_optionsv(s.rpl, MARIADB_RPL_FILENAME, at.file.c_str(), at.file.size());
        mariadb_rpl_optionsv(s.rpl, MARIADB_RPL_START, static_cast<unsigned long>(at.pos));
      } else {
        mariadb_rpl_optionsv(s.rpl, MARIADB_RPL_FILENAME, "", static_cast<size_t>(0));
        mariadb_rpl_optionsv(s.rpl, MARIADB_RPL_START, 4UL);
      }
      mariadb_rpl_optionsv(s.rpl, MARIADB_RPL_FLAGS, 0u);
      if (mariadb_rpl_open(s.rpl) != 0) fail(s.repl.last_error("cannot start the binlog dump"));
    }
    s.tables.clear();
    s.rows_in_txn = 0;
    s.in_txn = false;
    // ---- read events ----
    bool first = true;
    while (!failed && !stop_) {
      s.ev = mariadb_rpl_fetch(s.rpl, s.ev);
      if (!s.ev) {
        if (stop_) break;
        unsigned code = s.repl.error_number();
        std::string msg = mysql_error(s.repl.handle());
        if (code == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
          fail(error::fatal("the binlog position " + at.text() +
                            (at.gtid.empty() ? "" : " / GTID " + at.gtid) +
                            " cannot be read from the server (" + msg +
                            "); it was probably purged: restart from a fresh snapshot (delete "
                            "the pipeline state, snapshot = initial) or set start = earliest"));
        } else if (code == ER_SPECIFIC_ACCESS_DENIED_ERROR || code == ER_ACCESS_DENIED_ERROR) {
          fail(error::fatal("the mysql user may not read the binlog (" + msg +
                            "): GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user"));
        } else if (code == 0 || is_connection_error(code)) {
          fail(error::transient("binlog connection lost: " + msg));
        } else {
          fail(
              error::fatal("binlog read failed: " + msg + " (error " + std::to_string(code) + ")"));
        }
        break;
      }
      if (first) {
        backoff = std::chrono::milliseconds(100);
        first = false;
      }
      const uint8_t* raw = s.ev->raw_data + s.ev->raw_data_ofs;
      size_t avail = s.ev->raw_data_size - s.ev->raw_data_ofs;
      if (avail < kHeader) continue;
      uint8_t type = raw[4];
      uint32_t ts = static_cast<uint32_t>(raw[0] | raw[1] << 8 | raw[2] << 16 |
                                          static_cast<uint32_t>(raw[3]) << 24);
      uint32_t server_id = static_cast<uint32_t>(raw[5] | raw[6] << 8 | raw[7] << 16 |
                                                 static_cast<uint32_t>(raw[8]) << 24);
      size_t len = std::min<size_t>(s.ev->event_length, avail);
      if (len < kHeader) continue;
      size_t body_len = len - kHeader;
      if (s.checksum && type != FORMAT_DESCRIPTION_EVENT && body_len >= 4) body_len -= 4;
      const uint8_t* body = raw + kHeader;
      uint64_t next_pos = s.ev->next_event_pos;
      auto commit = [&]() {
        s.in_txn = false;
        if (next_pos == 0) return;
        s.committed.file = s.file;
        s.committed.pos = next_pos;
        s.committed.gtid = s.gtid;
        s.rows_in_txn = 0;
        s.skip = 0;
        stats_.transactions++;
        StreamItem it;
        it.kind = StreamItem::Kind::Commit;
        it.position = s.committed;
        push(std::move(it));
      };
      switch (type) {
        case ROTATE_EVENT: {
          if (body_len < 8) break;
          s.file = std::string(reinterpret_cast<const char*>(body + 8), body_len - 8);
          break;
        }
        case GTID_EVENT: {  // MariaDB
          if (body_len < 13) break;
          uint64_t seq = 0;
          for (int i = 0; i < 8; ++i) seq |= static_cast<uint64_t>(body[i]) << (8 * i);
          uint32_t domain = static_cast<uint32_t>(body[8] | body[9] << 8 | body[10] << 16 |
                                                  static_cast<uint32_t>(body[11]) << 24);
          uint8_t flags = body[12];
          s.gtid =
              std::to_string(domain) + "-" + std::to_string(server_id) + "-" + std::to_string(seq);
          s.in_txn = !(flags & FL_STANDALONE);
          break;
        }
        case GTID_LOG_EVENT: {  // MySQL
          if (body_len < 25) break;
          uint64_t gno = 0;
          for (int i = 0; i < 8; ++i) gno |= static_cast<uint64_t>(body[17 + i]) << (8 * i);
          s.gtid = uuid_text(body + 1) + ":" + std::to_string(gno);
          break;
        }
        case XID_EVENT:
          commit();
          break;
        case QUERY_EVENT: {
          if (body_len < 13) break;
          size_t dblen = body[8];
          size_t status_len = static_cast<size_t>(body[11] | body[12] << 8);
          size_t off = 13 + status_len;
          if (off + dblen + 1 > body_len) break;
          std::string db(reinterpret_cast<const char*>(body + off), dblen);
          off += dblen + 1;
          std::string sql(reinterpret_cast<const char*>(body + off), body_len - off);
          DdlStatement d = parse_ddl(sql, db);
          if (d.kind == DdlStatement::Kind::Begin) {
            s.in_txn = true;
            break;
          }
          if (d.kind == DdlStatement::Kind::Commit || d.kind == DdlStatement::Kind::Rollback) {
            commit();
            break;
          }
          if (d.kind != DdlStatement::Kind::None) {
            bool captured = false;
            for (auto& t : d.tables) captured |= s.filter.matches(t.first, t.second);
            if (captured) {
              if (cfg_.schema_changes == SchemaChanges::Fail) {
                fail(error::fatal(
                    std::string(ddl_kind_name(d.kind)) + " on a captured table at " + s.file + ":" +
                    std::to_string(next_pos) + " (" + sql.substr(0, 200) +
                    ") and schema_changes = fail: review the change, then restart with "
                    "schema_changes = follow"));
                break;
              }
              stats_.schema_changes++;
              if (cfg_.schema_changes == SchemaChanges::Follow &&
                  d.kind == DdlStatement::Kind::Truncate) {
                // One truncate event per captured table, in binlog order (it counts as a row
                // event for resuming inside the statement: skip_rows).
                for (auto& t : d.tables) {
                  if (!s.filter.matches(t.first, t.second)) continue;
                  if (!s.catchup.empty() && s.caught_up(t.first, t.second, next_pos)) continue;
                  if (s.skip > 0) {
                    --s.skip;
                    ++s.rows_in_txn;
                    continue;
                  }
                  StreamItem it;
                  Event& e = it.events.emplace_back();
                  e.op = Op::Truncate;
                  e.source = s.truncate_meta(cfg_.name, t.first, t.second);
                  e.ts = static_cast<int64_t>(ts) * 1000000;
                  Object pos;
                  pos.append(intern("file"), Value::string(s.file));
                  pos.append(intern("pos"), Value::int64(static_cast<int64_t>(next_pos)));
                  if (!s.gtid.empty()) pos.append(intern("gtid"), Value::string(s.gtid));
                  e.position = Value::object(std::move(pos));
                  ++s.rows_in_txn;
                  stats_.truncates++;
                  push(std::move(it));
                }
                log::info("mysql", cfg_.name + ": TRUNCATE of " + d.tables[0].first + "." +
                                       d.tables[0].second + " emitted as a truncate event");
              } else if (cfg_.schema_changes == SchemaChanges::Follow) {
                for (auto& t : d.tables) s.schema.invalidate(t.first, t.second);
                s.tables.clear();
                log::info("mysql", cfg_.name + ": schema change followed: " + sql.substr(0, 200));
              }
            }
          }
          if (!s.in_txn) commit();
          break;
        }
        case TABLE_MAP_EVENT: {
          uint64_t id = RowDecoder::table_id(body, body_len);
          auto it = s.tables.find(id);
          std::string_view rawtm(reinterpret_cast<const char*>(body), body_len);
          if (it != s.tables.end() && it->second.raw == rawtm) break;
          auto tm = parse_table_map(body, body_len);
          if (!tm.ok()) {
            fail(tm.err());
            break;
          }
          Impl::Entry e;
          e.raw = std::string(rawtm);
          if (s.filter.matches(tm->db, tm->table)) {
            bool need = !tm->has_names;
            auto ap = s.schema.apply(*tm, need);
            if (!ap.ok()) {
              fail(ap.err());
              break;
            }
            if (tm->primary_key.empty()) {
              if (cfg_.key.empty()) {
                fail(error::fatal("table " + tm->full_name() +
                                  " has no primary key: set `key = [\"col\", ...]` on the mysql "
                                  "source (columns that identify a row) or add a primary key"));
                break;
              }
              for (auto& k : cfg_.key) {
                for (size_t i = 0; i < tm->columns.size(); ++i) {
                  if (tm->columns[i].name == k) tm->primary_key.push_back(i);
                }
              }
            }
            tm->finish(cfg_.name);
            e.map = std::make_shared<TableMap>(std::move(tm).value());
          }
          s.tables[id] = std::move(e);
          break;
        }
        default:
          if (RowDecoder::is_rows_event(type)) {
            uint64_t id = RowDecoder::table_id(body, body_len);
            auto it = s.tables.find(id);
            if (it == s.tables.end()) {
              fail(error::fatal("rows event for an unknown table id " + std::to_string(id) +
                                " at " + s.file + ":" + std::to_string(next_pos)));
              break;
            }
            if (!it->second.map) break;
            if (!s.catchup.empty() &&
                s.caught_up(it->second.map->db, it->second.map->table, next_pos)) {
              break;
            }
            StreamItem block;
            std::vector<Event>& evs = block.events;
            auto n = s.decoder.decode(type, body, body_len, *it->second.map, evs);
            if (!n.ok()) {
              fail(n.err());
              break;
            }
            stats_.zero_dates = s.decoder.stats().zero_dates;
            static const Sym kFile = intern("file"), kPos = intern("pos"), kGtid = intern("gtid");
            Object pos;
            pos.reserve(3);
            pos.append(kFile, Value::string(s.file));
            pos.append(kPos, Value::int64(static_cast<int64_t>(next_pos)));
            if (!s.gtid.empty()) pos.append(kGtid, Value::string(s.gtid));
            Value posv = Value::object(std::move(pos));
            if (s.skip > 0) {  // delivered before a restart: dropped
              size_t k = std::min<uint64_t>(s.skip, evs.size());
              evs.erase(evs.begin(), evs.begin() + static_cast<long>(k));
              s.skip -= k;
              s.rows_in_txn += k;
            }
            int64_t ets = static_cast<int64_t>(ts) * 1000000;
            for (auto& e : evs) {
              e.ts = ets;
              e.position = posv;
            }
            s.rows_in_txn += evs.size();
            stats_.row_events += evs.size();
            if (!evs.empty()) push(std::move(block));
          } else if (type >= WRITE_ROWS_COMPRESSED_EVENT_V1 &&
                     type <= DELETE_ROWS_COMPRESSED_EVENT) {
            fail(
                error::fatal("compressed row events are not supported: SET GLOBAL "
                             "log_bin_compress = OFF on the server"));
          }
          break;
      }
    }
    // ---- the connection ended ----
    if (s.rpl) {
      mariadb_rpl_close(s.rpl);
      s.rpl = nullptr;
    }
    s.repl.close();
    if (stop_) break;
    if (!failed) continue;
    if (failure.kind == failure_kind::transient) {
      // Resume at the last commit; drop the row events of the open transaction already queued.
      s.skip = s.rows_in_txn;
      s.rows_in_txn = 0;
      s.gtid = s.committed.gtid;
      stats_.reconnects++;
      s.meta.close();
      log::warn("mysql", cfg_.name + ": " + failure.message + "; reconnecting in " +
                             std::to_string(backoff.count()) + "ms at " + s.committed.text());
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop_;
           waited += std::chrono::milliseconds(20)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
      continue;
    }
    StreamItem item;
    item.kind = StreamItem::Kind::Error;
    item.err = failure;
    push(std::move(item));
    break;
  }
}

}  // namespace sluice::operators::mysql
