#include "operators/mysql/mysql_source.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "base/logger.h"
#include "base/temporal.h"
#include "operators/mysql/binlog_server.h"
#include "operators/mysql/cascade_check.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/pattern_check.h"
#include "operators/mysql/snapshot_marks.h"

namespace sluice::operators::mysql {

namespace {

// A fresh start on a `database` the server does not have cannot succeed by waiting: a
// permanent error naming the option (issue 15).
result<void> check_database(const MySqlConfig& cfg) {
  if (cfg.database.empty()) return {};
  Connection c;
  auto r = connect_first(c, cfg.hosts);
  if (!r.ok()) return r.err().kind == failure_kind::transient ? result<void>() : r.err();
  auto n = c.scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                    c.quote(cfg.database));
  if (!n.ok()) return n.err();
  if (n->value_or("0") == "0") {
    const auto& h = cfg.hosts[*r];
    return error::permanent(errc::config, "database '" + cfg.database + "' does not exist on " +
                                              h.host + ":" + std::to_string(h.port) +
                                              ": check the `database` option");
  }
  return {};
}

}  // namespace

result<void> MySqlSource::open(const std::string& state) {
  close();
  state_ = SourceState();
  fresh_start_ = state.empty();
  const std::vector<std::string> patterns = cfg_.filter().patterns();
  bool fresh_view = state.empty();
  auto loaded = load_state(state, patterns);
  if (!loaded.ok()) return loaded;
  if (state.empty()) state_.filters = patterns;
  if (state_.phase == SourceState::Phase::Done) return {};
  if (state.empty() && state_.phase == SourceState::Phase::Snapshot) {
    auto lf = lock_free();
    if (!lf.ok()) return lf.err();
    if (*lf) return open_lock_free();
  }
  if (state_.phase == SourceState::Phase::Stream) {
    auto added = plan_added_tables();
    if (!added.ok()) return added.err();
    if (!*added) {
      auto r = start_stream();
      if (!r.ok()) return r;
      return start_reading();
    }
    fresh_view = true;  // a snapshot of the added tables only, in a view of its own
  }
  // Snapshot (fresh or resumed). A resumed full snapshot reads every table `tables` matches
  // now (in its new view): from here on the state captures the current patterns.
  if (state_.only.empty()) state_.filters = patterns;
  if (cfg_.snapshot != SnapshotMode::Only) {
    auto chk = check_binlog_server();
    if (!chk.ok()) return chk;
  }
  return begin_snapshot(!fresh_view);
}

result<void> MySqlSource::load_state(const std::string& state,
                                     const std::vector<std::string>& patterns) {
  if (!state.empty()) {
    auto st = SourceState::decode(state);
    if (!st.ok()) return st.err();
    state_ = std::move(st).value();
    if (state_.filters.empty()) state_.filters = patterns;  // a state from before `filter=`
    return {};
  }
  auto db = check_database(cfg_);
  if (!db.ok()) return db;
  if (cfg_.snapshot != SnapshotMode::Never) {
    state_.phase = SourceState::Phase::Snapshot;
    return {};
  }
  state_.phase = SourceState::Phase::Stream;
  return start_position();
}

result<void> MySqlSource::start_position() {
  if (cfg_.start.kind == StartPosition::Kind::FilePos) {
    state_.position.file = cfg_.start.file;
    state_.position.pos = cfg_.start.pos;
    return {};
  }
  if (cfg_.start.kind == StartPosition::Kind::Gtid) {
    state_.position.gtid = cfg_.start.gtid;
    return {};
  }
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (!r.ok()) return r.err();
  auto chk = check_server(c);
  if (!chk.ok()) return chk;
  auto p =
      cfg_.start.kind == StartPosition::Kind::Earliest ? earliest_position(c) : current_position(c);
  if (!p.ok()) return p.err();
  state_.position = *p;
  if (cfg_.start.kind == StartPosition::Kind::Earliest) state_.position.gtid.clear();
  return {};
}

result<void> MySqlSource::check_binlog_server() {
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (!r.ok()) return r.err();
  return check_server(c);
}

result<void> MySqlSource::begin_snapshot(bool resumed) {
  snapshot_ = std::make_unique<SnapshotReader>(cfg_);
  auto pos = snapshot_->begin();
  if (!pos.ok()) return pos.err();
  if (!resumed) state_.position = *pos;  // a resumed snapshot keeps its original position
  auto tables = snapshot_->list_tables();
  if (!tables.ok()) return tables.err();
  select_tables(*tables);
  table_index_ = 0;
  snapshot_position_ = snapshot_position(state_.position);
  snapshot_origin_ = snapshot_origin(snapshot_position_);
  snapshot_ts_ = temporal::now_micros();
  if (!resumed && state_.only.empty()) {
    Connection c;
    auto r = connect_first(c, cfg_.hosts);
    if (!r.ok()) return r.err();
    auto s = begin_schema(c, snapshot_position_, snapshot_origin_);
    if (!s.ok()) return s;
  }
  snapshot_started_ = last_progress_ = std::chrono::steady_clock::now();
  log::info("mysql", cfg_.name + ": snapshot of " + std::to_string(tables_.size()) +
                         " table(s), ~" + std::to_string(estimated_rows_) +
                         " rows, consistent with binlog " + state_.position.text() +
                         (resumed ? " (resumed)" : ""));
  if (resumed && !state_.last_key.empty()) {
    std::string k;
    for (size_t i = 0; i < state_.last_key.size(); ++i) k += (i ? ", " : "") + state_.last_key[i];
    log::info("mysql", cfg_.name + ": resuming the snapshot of " + state_.table + " after key (" +
                           k + "), " + std::to_string(state_.done_tables.size()) +
                           " table(s) done");
  }
  return {};
}

void MySqlSource::select_tables(std::vector<SnapshotTable>& tables) {
  tables_.clear();
  estimated_rows_ = 0;
  for (auto& t : tables) {
    bool done = is_signal_table(t.db, t.table);
    for (auto& d : state_.done_tables) done |= d == t.db + "." + t.table;
    if (!state_.only.empty()) {
      done |= std::find(state_.only.begin(), state_.only.end(), t.db + "." + t.table) ==
              state_.only.end();
    }
    if (done) continue;
    estimated_rows_ += t.estimated_rows;
    tables_.push_back(t);
  }
  // The table in progress first, so its last key applies to it.
  for (size_t i = 0; i < tables_.size(); ++i) {
    if (tables_[i].db + "." + tables_[i].table == state_.table) {
      std::rotate(tables_.begin(), tables_.begin() + static_cast<long>(i),
                  tables_.begin() + static_cast<long>(i) + 1);
      break;
    }
  }
  if (tables_.empty() || tables_.front().db + "." + tables_.front().table != state_.table) {
    state_.last_key.clear();
  }
}

result<bool> MySqlSource::lock_free() {
  if (cfg_.snapshot != SnapshotMode::Initial || cfg_.snapshot_method != SnapshotMethod::LockFree) {
    return false;
  }
  auto w = windowed();
  if (!w.ok()) return w.err();
  if (*w) return true;
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (!r.ok()) return r.err();
  auto reports = reports_view_position(c);
  if (!reports.ok() || *reports) return reports;
  if (cfg_.watermark == SnapshotWatermark::View) {
    return error::permanent(errc::config,
                            "source mysql " + cfg_.name +
                                ": snapshot { watermark = view } needs a server that reports a "
                                "consistent view's binlog position (MariaDB); this one does not: "
                                "use watermark = signal_table with a signal_table");
  }
  log::info("mysql", cfg_.name +
                         ": this server does not report a consistent view's binlog position "
                         "(MySQL) and no signal_table is set for watermark rows: the snapshot "
                         "reads one consistent view (method = consistent)");
  return false;
}

result<bool> MySqlSource::windowed() {
  if (windowed_) return *windowed_;
  if (cfg_.watermark != SnapshotWatermark::Auto || cfg_.signal_table.empty()) {
    windowed_ = cfg_.watermark == SnapshotWatermark::SignalTable;
    return *windowed_;
  }
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (!r.ok()) return r.err();
  auto reports = reports_view_position(c);
  if (!reports.ok()) return reports.err();
  windowed_ = !*reports;
  return *windowed_;
}

result<void> MySqlSource::open_lock_free() {
  Connection c;
  auto r = connect_first(c, cfg_.hosts);
  if (!r.ok()) return r.err();
  auto chk = check_server(c);
  if (!chk.ok()) return chk;
  auto p = current_position(c);  // streaming starts here; no chunk's view is older
  if (!p.ok()) return p.err();
  state_.position = *p;
  state_.phase = SourceState::Phase::Stream;
  const Value at = snapshot_position(state_.position);
  auto schema = begin_schema(c, at, snapshot_origin(at));
  if (!schema.ok()) return schema;
  auto tables = captured_tables(&c);
  if (!tables.ok()) return tables.err();
  for (auto& t : *tables) state_.reading.push_back({t.db + "." + t.table, {}, {}});
  auto s = start_stream();
  if (!s.ok()) return s;
  return start_reading(&*tables);
}

result<std::vector<SnapshotTable>> MySqlSource::captured_tables(Connection* c) {
  Connection own;
  if (c == nullptr) {
    auto r = connect_first(own, cfg_.hosts);
    if (!r.ok()) return r.err();
    c = &own;
  }
  auto tables = list_captured_tables(*c, cfg_.filter());
  if (!tables.ok()) return tables.err();
  std::erase_if(*tables, [&](const SnapshotTable& t) { return is_signal_table(t.db, t.table); });
  return tables;
}

result<void> MySqlSource::start_reading(const std::vector<SnapshotTable>* known) {
  if (state_.reading.empty()) return {};
  auto tables = known ? result<std::vector<SnapshotTable>>(*known) : captured_tables();
  if (!tables.ok()) return tables.err();
  std::vector<ChunkedSnapshot::Table> work;
  estimated_rows_ = 0;
  std::erase_if(state_.reading, [&](const SourceState::Reading& rd) {
    for (auto& t : *tables) {
      if (t.db + "." + t.table != rd.table) continue;
      estimated_rows_ += t.estimated_rows;
      work.push_back({t, rd.last_key});
      work.back().table.filter = rd.filter;
      if (!rd.last_key.empty()) {
        std::string k;
        for (size_t i = 0; i < rd.last_key.size(); ++i) k += (i ? ", " : "") + rd.last_key[i];
        log::info("mysql",
                  cfg_.name + ": resuming the snapshot of " + rd.table + " after key (" + k + ")");
      }
      return false;
    }
    log::info("mysql", cfg_.name + ": table " + rd.table + " is gone: not read");
    return true;
  });
  if (work.empty()) return {};
  auto w = windowed();
  if (!w.ok()) return w.err();
  snapshot_started_ = last_progress_ = std::chrono::steady_clock::now();
  log::info("mysql", cfg_.name + ": lock-free snapshot of " + std::to_string(work.size()) +
                         " table(s), ~" + std::to_string(estimated_rows_) + " rows, " +
                         std::to_string(cfg_.parallelism) +
                         " chunk(s) at a time, while streaming from " + state_.position.text() +
                         (*w ? ", chunks placed by watermark rows in " + cfg_.signal_table : ""));
  chunked_ = std::make_unique<ChunkedSnapshot>(cfg_, std::move(work), state_.position,
                                               cfg_.parallelism, *w);
  chunked_->start();
  return {};
}

result<Source::Poll> MySqlSource::poll_reading(size_t max, std::vector<Event>& out) {
  ChunkedSnapshot::Callbacks cb;
  cb.on_rows = [&](size_t rows) { state_.position.skip_rows += rows; };
  cb.on_commit = [&](const BinlogPosition& p) {
    state_.position = p;
    state_.position.skip_rows = 0;
  };
  cb.on_key = [&](const std::string& table, std::vector<std::string> key) {
    for (auto& rd : state_.reading) {
      if (rd.table == table) {
        rd.last_key = std::move(key);
        break;
      }
    }
  };
  cb.on_table_done = [&](const std::string& table) {
    std::erase_if(state_.reading, [&](const auto& rd) { return rd.table == table; });
  };
  const size_t from = out.size();
  auto n = chunked_->drain(*stream_, max, out, cb);
  if (!n.ok()) return n.err();
  note_model();
  take_signals(out, from);
  reread_tables();
  mark_incremental(out, from);
  snapshot_rows_ = chunked_->rows();
  if (chunked_->finished()) {
    if (chunked_->zero_dates() > 0) {
      log::warn("mysql", cfg_.name + ": " + std::to_string(chunked_->zero_dates()) +
                             " zero dates read as null");
    }
    chunked_->stop();
    chunked_.reset();
    state_.reading.clear();
    log_progress(true);
  } else {
    log_progress(false);
  }
  return *n ? Poll::Data : Poll::Idle;
}

result<bool> MySqlSource::plan_added_tables() {
  const std::vector<std::string> now = cfg_.filter().patterns();
  if (state_.filters == now) return false;
  TableFilter before("", state_.filters);
  state_.filters = now;
  if (cfg_.snapshot == SnapshotMode::Never) return false;  // new tables just stream
  auto lf = lock_free();
  if (!lf.ok()) return lf.err();
  auto tables = captured_tables();
  if (!tables.ok()) return tables.err();
  std::vector<std::string> added;
  for (auto& t : *tables) {
    if (!before.matches(t.db, t.table)) added.push_back(t.db + "." + t.table);
  }
  if (added.empty()) return false;
  std::string names;
  for (auto& a : added) names += (names.empty() ? "" : ", ") + a;
  if (*lf) {  // read while the stream goes on from the checkpoint
    log::info("mysql", cfg_.name + ": table(s) added since the checkpoint: " + names +
                           "; reading them while streaming resumes at " + state_.position.text());
    for (auto& a : added) state_.reading.push_back({a, {}, {}});
    return false;
  }
  log::info("mysql", cfg_.name + ": table(s) added since the checkpoint: " + names +
                         "; snapshotting only them, then streaming resumes at " +
                         state_.position.text() +
                         " (the added tables' changes up to their "
                         "snapshot are dropped)");
  state_.stream_from = state_.position;
  state_.only = std::move(added);
  state_.phase = SourceState::Phase::Snapshot;
  state_.table.clear();
  state_.last_key.clear();
  state_.done_tables.clear();
  return true;
}

result<void> MySqlSource::start_stream() {
  MySqlConfig sc = cfg_;  // the stream reads the signal table too (take_signals)
  if (!cfg_.signal_table.empty()) {
    sc.tables = cfg_.filter().patterns();
    sc.tables.push_back(cfg_.signal_table);
  }
  stream_ = std::make_unique<BinlogStream>(sc);
  stream_->set_catchup(state_.catchup);
  if (state_.schema_model) {
    auto m = stream_->set_model(*state_.schema_model);
    if (!m.ok()) {
      stream_.reset();
      return m;
    }
  }
  if (state_.xa_prepared) {
    auto x = stream_->set_xa(*state_.xa_prepared);
    if (!x.ok()) {
      stream_.reset();
      return x;
    }
  }
  auto r = stream_->start(state_.position);
  if (!r.ok()) {
    stream_.reset();
    return r;
  }
  if (!state_.schema_model) state_.schema_model = stream_->started_model();
  log::info("mysql",
            cfg_.name + ": streaming from " + state_.position.text() +
                (state_.position.gtid.empty() ? "" : " (GTID " + state_.position.gtid + ")"));
  if (!server_checked_) warn_about_server();
  return {};
}

// What the binlog will not show, said once a source when its stream has started (the server
// answers then), each check on its own: foreign keys whose actions change captured rows,
// `tables` entries that match no table, XA transactions prepared before a fresh start.
void MySqlSource::warn_about_server() {
  server_checked_ = true;
  Connection c;
  if (!connect_first(c, cfg_.hosts).ok()) return;
  auto w = mysql::cascade_warnings(c, cfg_.filter());
  if (w.ok()) {
    for (const auto& m : *w) log::warn("mysql", cfg_.name + ": " + m);
    cascades_ = std::move(w).value();
  } else {
    log::warn("mysql", cfg_.name + ": foreign keys not checked: " + w.err().message);
  }
  auto unmatched = mysql::unmatched_table_warnings(c, cfg_.filter());
  if (unmatched.ok()) {
    for (const auto& m : *unmatched) log::warn("mysql", cfg_.name + ": " + m);
    unmatched_ = std::move(unmatched).value();
  }
  if (fresh_start_) warn_prepared_xa(c);
}

// XA transactions prepared when a fresh stream starts: their prepare (and rows) lie before the
// stream's start, so their commit comes without rows (binlog_stream_xa.cpp). Said once, with
// what to do. XA RECOVER may need a privilege the user lacks: then nothing is said.
void MySqlSource::warn_prepared_xa(Connection& c) {
  auto rows = c.query("XA RECOVER");
  if (!rows.ok() || rows->empty()) return;
  std::string xids;
  for (const auto& r : *rows) xids += (xids.empty() ? "'" : ", '") + r.at(3).value_or("") + "'";
  prepared_xa_ = std::to_string(rows->size()) +
                 " XA transaction(s) are prepared on the server now (" + xids +
                 "): the stream starts after their prepare, so if they changed captured "
                 "tables, those rows are not read when they commit; read such tables again "
                 "after they commit (signal_table or `sluice snapshot`)";
  log::warn("mysql", cfg_.name + ": " + prepared_xa_);
}

void MySqlSource::log_progress(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_progress_ < std::chrono::seconds(2)) return;
  last_progress_ = now;
  double secs = std::chrono::duration<double>(now - snapshot_started_).count();
  double rate = secs > 0 ? static_cast<double>(snapshot_rows_) / secs : 0;
  uint64_t est = std::max(estimated_rows_, snapshot_rows_);
  double eta = rate > 0 ? static_cast<double>(est - snapshot_rows_) / rate : 0;
  char buf[256];
  std::snprintf(
      buf, sizeof(buf), "%s: snapshot %llu/%llu rows (%.0f%%), %.0f rows/s, ETA %.0fs",
      cfg_.name.c_str(), static_cast<unsigned long long>(snapshot_rows_),
      static_cast<unsigned long long>(est),
      est ? 100.0 * static_cast<double>(snapshot_rows_) / static_cast<double>(est) : 100.0, rate,
      eta);
  log::info("mysql", buf);
}

result<Source::Poll> MySqlSource::poll_snapshot(size_t max, std::vector<Event>& out) {
  if (give_schema(out)) return Poll::Data;
  size_t given = 0;
  while (given < max) {
    if (table_index_ >= tables_.size()) {
      if (snapshot_->zero_dates() > 0) {
        log::warn("mysql", cfg_.name + ": " + std::to_string(snapshot_->zero_dates()) +
                               " zero dates read as null");
      }
      snapshot_->end();
      snapshot_.reset();
      log_progress(true);
      state_.table.clear();
      state_.last_key.clear();
      state_.done_tables.clear();
      if (cfg_.snapshot == SnapshotMode::Only) {
        state_.phase = SourceState::Phase::Done;
        return given ? Poll::Data : Poll::End;
      }
      state_.phase = SourceState::Phase::Stream;
      state_.position.skip_rows = 0;
      if (!state_.only.empty()) {  // added tables: the others resume where they were
        for (auto& t : state_.only) state_.catchup.emplace_back(t, state_.position);
        state_.position = state_.stream_from;
        state_.only.clear();
        state_.stream_from = BinlogPosition();
      }
      auto r = start_stream();
      if (!r.ok()) return r.err();
      return given ? Poll::Data : Poll::Idle;
    }
    const SnapshotTable& t = tables_[table_index_];
    std::string name = t.db + "." + t.table;
    if (chunk_pos_ >= chunk_.size()) {
      // snapshot { rows_per_second }: the next page waits (the actor asks again).
      const int64_t started = RateLimiter::steady_now_us();
      if (pacer_.wait_us(started) > 0) return given ? Poll::Data : Poll::Idle;
      chunk_.clear();
      chunk_pos_ = 0;
      chunk_keys_.clear();
      auto n = snapshot_->read_chunk(
          t, state_.table == name ? state_.last_key : std::vector<std::string>(),
          static_cast<size_t>(cfg_.chunk_rows), snapshot_position_, snapshot_ts_, chunk_,
          chunk_keys_);
      // Rows already given in this call go out first (the state counts them); the error
      // comes back on the next call.
      if (!n.ok()) return given ? result<Source::Poll>(Poll::Data) : n.err();
      pacer_.admit(started, *n);
      chunk_last_ = *n < static_cast<size_t>(cfg_.chunk_rows);
      if (*n == 0) {
        state_.done_tables.push_back(name);
        state_.table.clear();
        state_.last_key.clear();
        ++table_index_;
        table_rows_ = 0;
        log_progress(true);
        continue;
      }
    }
    size_t take = std::min(max - given, chunk_.size() - chunk_pos_);
    if (out.capacity() < out.size() + take)
      out.reserve(std::max(out.size() + take, 2 * out.capacity()));
    const bool last_table = table_index_ + 1 == tables_.size();
    for (size_t i = 0; i < take; ++i) {
      Event& e = out.emplace_back(std::move(chunk_[chunk_pos_ + i]));
      e.origin = snapshot_origin_;
      e.snapshot_mark = snapshot_mark(table_rows_ == 0 && i == 0,
                                      chunk_last_ && chunk_pos_ + i + 1 == chunk_.size(),
                                      snapshot_rows_ == 0 && i == 0, last_table);
    }
    chunk_pos_ += take;
    given += take;
    snapshot_rows_ += take;
    table_rows_ += take;
    if (take > 0) {  // the key of the last delivered row
      size_t w = snapshot_->key_width();
      state_.table = name;
      state_.last_key.assign(chunk_keys_.begin() + static_cast<long>((chunk_pos_ - 1) * w),
                             chunk_keys_.begin() + static_cast<long>(chunk_pos_ * w));
    }
    log_progress(false);
  }
  return Poll::Data;
}

// Dead letters of the stream (changes logged as statements, rows lacking columns) go to
// take_dead(), the rest out.
result<Source::Poll> MySqlSource::poll(size_t max, std::vector<Event>& out) {
  const size_t from = out.size();
  auto r = poll_events(max, out);
  if (!r.ok()) return r;
  const auto first = out.begin() + static_cast<long>(from);
  if (std::none_of(first, out.end(), [](const Event& e) { return e.dead_letter != nullptr; })) {
    return r;
  }
  auto dead =
      std::stable_partition(first, out.end(), [](const Event& e) { return !e.dead_letter; });
  std::move(dead, out.end(), std::back_inserter(dead_));
  out.erase(dead, out.end());
  return r;
}

void MySqlSource::take_dead(std::vector<Event>& out) {
  for (auto& e : dead_) out.push_back(std::move(e));
  dead_.clear();
}

result<Source::Poll> MySqlSource::poll_events(size_t max, std::vector<Event>& out) {
  if (state_.phase == SourceState::Phase::Done) return Poll::End;
  if (state_.phase == SourceState::Phase::Snapshot) return poll_snapshot(max, out);
  if (!stream_) return error::fatal(errc::config, "mysql source " + cfg_.name + " is not open");
  if (give_schema(out)) return Poll::Data;
  if (chunked_) return poll_reading(max, out);
  const size_t from = out.size();
  auto n = stream_->drain(
      max, out, [&](size_t rows) { state_.position.skip_rows += rows; },
      [&](const BinlogPosition& p) {
        state_.position = p;
        state_.position.skip_rows = 0;
        if (!state_.catchup.empty()) {  // passed: nothing of those tables is dropped any more
          std::erase_if(state_.catchup, [&](const auto& c) {
            return !position_le(state_.position.file, state_.position.pos, c.second);
          });
        }
      });
  if (!n.ok()) return n.err();
  note_model();
  take_signals(out, from);
  reread_tables();
  return *n ? Poll::Data : Poll::Idle;
}

void MySqlSource::close() {
  chunked_.reset();  // its workers first: they read while the stream runs
  if (stream_) {
    stream_->stop();
    stream_.reset();
  }
  if (snapshot_) {
    snapshot_->end();
    snapshot_.reset();
  }
  chunk_.clear();
  chunk_pos_ = 0;
  chunk_keys_.clear();
}

void MySqlSource::table_progress(std::vector<TableProgress>& out) const {
  if (chunked_) {
    chunked_->progress(out);
    return;
  }
  if (state_.phase != SourceState::Phase::Snapshot) return;
  for (size_t i = table_index_; i < tables_.size(); ++i) {
    const auto& t = tables_[i];
    const int64_t done = i == table_index_ ? static_cast<int64_t>(table_rows_) : 0;
    out.push_back(
        {t.db + "." + t.table, done, std::max(done, static_cast<int64_t>(t.estimated_rows))});
  }
}

void MySqlSource::report_stats(OperatorStats& out) const {
  out.push_back({"snapshot_rows", "Rows the MySQL source read by its snapshot in this run.", true,
                 static_cast<int64_t>(snapshot_rows_)});
  const StreamStats* s = stream_stats();
  if (s == nullptr) return;
  auto add = [&](const char* name, const char* help, const std::atomic<uint64_t>& v) {
    out.push_back({name, help, true, static_cast<int64_t>(v.load(std::memory_order_relaxed))});
  };
  add("binlog_row_events", "Binlog row events read.", s->row_events);
  add("binlog_transactions", "Binlog transactions read.", s->transactions);
  add("reconnects", "Reconnections to the MySQL server.", s->reconnects);
  add("binlog_rotations", "Binlog files the stream moved on to.", s->rotations);
  add("failovers", "Resumes on another server by GTID.", s->failovers);
  add("zero_dates", "Zero or invalid dates read as null.", s->zero_dates);
  add("history_rows", "Rows of system-versioned tables' history, not passed on.", s->history_rows);
  add("statement_changes",
      "Changes of captured tables the server logged as statements (no rows: not captured).",
      s->statement_changes);
  add("partial_rows", "Rows whose binlog images lack columns (binlog_row_image MINIMAL/NOBLOB).",
      s->partial_rows);
  add("schema_changes", "DDL statements applied to the source's table schemas.", s->schema_changes);
  add("truncates", "TRUNCATE events emitted.", s->truncates);
  add("partition_changes",
      "Partition maintenance statements that added or removed captured rows without row events.",
      s->partition_changes);
  add("table_rewrites",
      "DDL statements that changed values of captured rows without row events (a column added "
      "with a default, renamed or retyped; a table swapped in by RENAME).",
      s->table_rewrites);
}

}  // namespace sluice::operators::mysql
