#include "operators/mysql/chunked_snapshot.h"

#include <algorithm>
#include <chrono>

#include "base/temporal.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

bool older(const BinlogPosition& a, const BinlogPosition& b) {
  return position_le(a.file, a.pos, b) && !(a.file == b.file && a.pos == b.pos);
}

}  // namespace

ChunkedSnapshot::ChunkedSnapshot(const MySqlConfig& cfg, std::vector<Table> tables,
                                 BinlogPosition delivered, int parallelism, bool windowed)
    : cfg_(cfg),
      parallelism_(std::max(parallelism, 1)),
      windowed_(windowed),
      delivered_(std::move(delivered)),
      pacer_(cfg.rows_per_second) {
  add(std::move(tables));
  delivered_.skip_rows = 0;
  delivered_.server = 0;  // known once the stream delivers a commit of this run
}

void ChunkedSnapshot::add(std::vector<Table> tables) {
  // Which tables have no key, before the stream delivers anything of them (keyless_pending).
  std::vector<std::optional<bool>> keyless(tables.size());
  {
    SnapshotReader r(cfg_);
    for (size_t i = 0; i < tables.size(); ++i) {
      auto k = r.keyless(tables[i].table);
      if (k.ok()) keyless[i] = *k;  // else the worker that plans it asks again
    }
  }
  std::lock_guard<std::mutex> lk(mu_);
  for (size_t i = 0; i < tables.size(); ++i) {
    TableWork& w = tables_.emplace_back();
    w.name = tables[i].table.db + "." + tables[i].table.table;
    w.cursor = tables[i].after;
    w.t = std::move(tables[i]);
    w.index = tables_.size() - 1;
    w.known = keyless[i].has_value();
    w.keyless = keyless[i].value_or(false);
  }
  cv_.notify_all();
}

void ChunkedSnapshot::drop_contained(std::vector<Event>& out, size_t from, size_t& n) {
  std::vector<const std::string*> pending;
  for (const auto& t : tables_) {
    if (t.known && t.keyless && !t.done) pending.push_back(&t.name);
  }
  if (pending.empty()) return;
  auto contained = [&](const Event& e) {
    if (!e.source || e.op == Op::Schema) return false;
    const std::string& db = e.source->db;
    const std::string& table = e.source->table;
    return std::any_of(pending.begin(), pending.end(), [&](const std::string* name) {
      return name->size() == db.size() + 1 + table.size() && name->compare(0, db.size(), db) == 0 &&
             name->compare(db.size() + 1, std::string::npos, table) == 0;
    });
  };
  const auto end = std::remove_if(out.begin() + static_cast<long>(from), out.end(), contained);
  n -= static_cast<size_t>(out.end() - end);
  out.erase(end, out.end());
}

bool ChunkedSnapshot::cancel(const std::string& table) {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto& t : tables_) {
    if (t.name != table || t.done) continue;
    if (t.known && t.keyless) return false;
    t.done = true;
    t.planned = true;
    ++done_;
    std::erase_if(open_, [&](const auto& c) {
      if (c->table != t.index) return false;
      c->dropped = true;
      return true;
    });
  }
  cv_.notify_all();
  return true;
}

void ChunkedSnapshot::start() {
  for (int i = 0; i < parallelism_; ++i) workers_.emplace_back([this] { work(); });
}

void ChunkedSnapshot::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void ChunkedSnapshot::progress(std::vector<TableProgress>& out) {
  std::lock_guard<std::mutex> lk(mu_);
  for (const auto& t : tables_) {
    if (t.done) continue;
    const auto rows = static_cast<int64_t>(t.rows);
    out.push_back({t.name, rows, std::max(rows, static_cast<int64_t>(t.t.table.estimated_rows))});
  }
}

bool ChunkedSnapshot::finished() {
  std::lock_guard<std::mutex> lk(mu_);
  return done_ == tables_.size();
}

void ChunkedSnapshot::fail(error e) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!failed_) failed_ = std::move(e);
  cv_.notify_all();
}

bool ChunkedSnapshot::pace(std::unique_lock<std::mutex>& lk) {
  int64_t wait = 0;
  while (!stop_ && !failed_ && (wait = pacer_.wait_us(RateLimiter::steady_now_us())) > 0) {
    cv_.wait_for(lk, std::chrono::microseconds(wait));  // another worker may read first
  }
  return !stop_ && !failed_;
}

ChunkedSnapshot::TableWork* ChunkedSnapshot::next_table() {
  for (size_t i = 0; i < tables_.size(); ++i) {
    TableWork& t = tables_[(next_ + i) % tables_.size()];
    if (!t.busy && !t.planned && !t.done) {
      next_ = (next_ + i + 1) % tables_.size();
      return &t;
    }
  }
  return nullptr;
}

void ChunkedSnapshot::work() {
  SnapshotReader reader(cfg_);
  uint64_t zero_dates = 0;
  std::string window;  // windowed: the last window's rows, not deleted yet
  // At most two chunks a worker are open (one read, one waiting for the stream).
  const size_t most_open = 2 * static_cast<size_t>(parallelism_);
  while (true) {
    TableWork* t = nullptr;
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (!pace(lk)) break;
      cv_.wait(lk, [&] {
        return stop_ || failed_ || (open_.size() < most_open && (t = next_table()) != nullptr);
      });
      if (t == nullptr) break;
      t->busy = true;
    }
    std::shared_ptr<Chunk> c = open_next(reader, *t);
    if (c == nullptr) break;
    if (windowed_) {
      if (!read_window(reader, *t, *c, window)) break;  // complete before its close row
    } else {
      if (!(t->keyless ? read_keyless(reader, *c) : read(reader, *c))) break;
      reader.close_chunk();
    }
    std::lock_guard<std::mutex> lk(mu_);
    c->complete = true;
    zero_dates_ += reader.zero_dates() - zero_dates;
    zero_dates = reader.zero_dates();
    cv_.notify_all();
  }
  reader.close_chunk();
  if (!window.empty()) (void)reader.remove_watermarks(cfg_.signal_table, window);
}

std::shared_ptr<ChunkedSnapshot::Chunk> ChunkedSnapshot::open_next(SnapshotReader& r,
                                                                   TableWork& t) {
  if (!t.known) {
    auto k = r.keyless(t.t.table);
    if (!k.ok()) return fail(k.err()), nullptr;
    t.keyless = *k;
    t.known = true;
  }
  std::optional<std::vector<std::string>> hi;
  if (!t.keyless) {
    auto e = r.chunk_end(t.t.table, t.cursor, static_cast<size_t>(cfg_.chunk_rows));
    if (!e.ok()) return fail(e.err()), nullptr;
    hi = std::move(e).value();
  }
  if (windowed_) return open_window(t, std::move(hi));
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++opening_;  // the stream delivers nothing more until the view's position is known
  }
  while (true) {
    auto p = r.open_chunk();
    std::unique_lock<std::mutex> lk(mu_);
    if (!p.ok() || stop_ || failed_) {
      --opening_;
      lk.unlock();
      if (!p.ok()) fail(p.err());
      return nullptr;
    }
    // After a failover the stream may read another server than the views: positions of two
    // servers cannot be compared. The source restarts from its checkpoint.
    if (p->server != 0 && delivered_.server != 0 && p->server != delivered_.server) {
      --opening_;
      lk.unlock();
      fail(error::transient(errc::snapshot,
                            "the lock-free snapshot's views and the binlog stream read different "
                            "servers (server_id " +
                                std::to_string(p->server) + " and " +
                                std::to_string(delivered_.server) +
                                "): restarting from the checkpoint"));
      return nullptr;
    }
    // A transaction the stream delivered may still have been committing in the storage engine
    // when the view was taken: the view must not be older than what the stream delivered.
    if (older(*p, delivered_)) {
      lk.unlock();
      r.close_chunk();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    auto c = std::make_shared<Chunk>();
    c->seq = seq_++;
    c->table = t.index;
    c->at = *p;
    if (!t.cursor.empty()) c->lo = t.cursor;
    c->hi = hi;
    c->last = !hi;
    if (hi) t.cursor = *hi;
    t.planned = t.done || !hi;
    t.busy = false;
    --opening_;
    if (t.done) {
      c->dropped = true;  // cancelled meanwhile: read, never delivered
    } else {
      open_.push_back(c);
    }
    cv_.notify_all();
    return c;
  }
}

bool ChunkedSnapshot::read(SnapshotReader& r, Chunk& c) {
  const TableWork& t = tables_[c.table];
  std::vector<Event> rows;
  std::vector<std::string> keys;
  const std::vector<std::string> after = c.lo ? *c.lo : std::vector<std::string>();
  const size_t limit = c.hi ? SIZE_MAX / 2 : static_cast<size_t>(cfg_.chunk_rows);
  const int64_t started = RateLimiter::steady_now_us();
  auto n = r.read_chunk(t.t.table, after, limit, snapshot_position(c.at), temporal::now_micros(),
                        rows, keys, c.hi ? &*c.hi : nullptr);
  if (!n.ok()) return fail(n.err()), false;
  std::lock_guard<std::mutex> lk(mu_);
  paced(started, *n);
  c.width = r.key_width();
  // The last chunk found a full page (rows were added after its key was planned): the table
  // goes on after it, in a chunk opened later.
  if (!c.hi && *n == limit && !keys.empty() && !tables_[c.table].done) {
    c.last = false;
    TableWork& w = tables_[c.table];
    w.cursor.assign(keys.end() - static_cast<long>(c.width), keys.end());
    w.planned = false;
  }
  c.rows = std::move(rows);
  c.keys = std::move(keys);
  return true;
}

// A table without a key: one scan in one view, its rows handed over a page at a time (the
// head chunk goes out while it is read; another one waits when a page is ready).
bool ChunkedSnapshot::read_keyless(SnapshotReader& r, Chunk& c) {
  const TableWork& t = tables_[c.table];
  std::vector<std::string> after = t.t.after;
  const size_t page = static_cast<size_t>(cfg_.chunk_rows);
  while (true) {
    if (std::unique_lock<std::mutex> lk(mu_); !pace(lk)) return false;
    std::vector<Event> rows;
    std::vector<std::string> keys;
    const int64_t started = RateLimiter::steady_now_us();
    auto n = r.read_chunk(t.t.table, after, page, snapshot_position(c.at), temporal::now_micros(),
                          rows, keys);
    if (!n.ok()) return fail(n.err()), false;
    if (*n == 0) return true;
    after.assign(keys.end() - 1, keys.end());
    std::unique_lock<std::mutex> lk(mu_);
    paced(started, *n);
    cv_.wait(lk, [&] { return stop_ || failed_ || c.dropped || c.rows.size() - c.taken < page; });
    if (stop_ || failed_) return false;
    if (c.dropped) return true;
    c.width = 1;
    if (c.taken == c.rows.size()) {  // all delivered: start over
      c.rows.clear();
      c.keys.clear();
      c.taken = 0;
    }
    std::move(rows.begin(), rows.end(), std::back_inserter(c.rows));
    std::move(keys.begin(), keys.end(), std::back_inserter(c.keys));
    cv_.notify_all();
  }
}

ChunkedSnapshot::Chunk* ChunkedSnapshot::head() {
  Chunk* h = nullptr;
  for (auto& c : open_) {
    if (h == nullptr || older(c->at, h->at)) h = c.get();
  }
  return h;
}

void ChunkedSnapshot::report_key(const Chunk& c, const Callbacks& cb) {
  cb.on_key(tables_[c.table].name,
            std::vector<std::string>(c.keys.begin() + static_cast<long>((c.taken - 1) * c.width),
                                     c.keys.begin() + static_cast<long>(c.taken * c.width)));
}

void ChunkedSnapshot::finish(Chunk& c, const Callbacks& cb) {
  TableWork& t = tables_[c.table];
  if (c.last && !t.done) {
    t.done = true;
    ++done_;
    cb.on_table_done(t.name);
  }
  std::erase_if(open_, [&](const auto& o) { return o.get() == &c; });
  cv_.notify_all();
}

bool ChunkedSnapshot::take_head(Chunk& c, size_t max, size_t& n, std::vector<Event>& out,
                                const Callbacks& cb) {
  const size_t ready = c.rows.size() - c.taken;
  if (ready == 0) {
    if (!c.complete) return false;
    finish(c, cb);
    return true;
  }
  const size_t take = std::min(max - n, ready);
  for (size_t i = 0; i < take; ++i) out.push_back(std::move(c.rows[c.taken + i]));
  c.taken += take;
  n += take;
  rows_ += take;
  tables_[c.table].rows += take;
  report_key(c, cb);
  cv_.notify_all();
  return true;
}

result<size_t> ChunkedSnapshot::drain(BinlogStream& stream, size_t max, std::vector<Event>& out,
                                      const Callbacks& cb) {
  std::lock_guard<std::mutex> lk(mu_);
  if (failed_) return *failed_;
  if (windowed_) return drain_windowed(stream, max, out, cb);
  size_t n = 0;
  while (n < max) {
    Chunk* h = head();
    if (h != nullptr && stream.passed(h->at)) {
      if (!take_head(*h, max, n, out, cb)) break;  // still being read
      continue;
    }
    const BinlogPosition* limit = opening_ > 0 ? &delivered_ : h ? &h->at : nullptr;
    const size_t from = out.size();
    auto d = stream.drain(max - n, out, cb.on_rows, cb.on_commit, limit);
    if (!d.ok()) {
      if (n > 0) break;  // the rows before the error go out first
      return d.err();
    }
    n += *d;
    drop_contained(out, from, n);
    const BinlogPosition& now = stream.delivered();
    const bool moved = now.file != delivered_.file || now.pos != delivered_.pos;
    delivered_.file = now.file;
    delivered_.pos = now.pos;
    if (now.server != 0) delivered_.server = now.server;
    if (*d == 0 && !moved) break;  // nothing new from the stream
  }
  return n;
}

}  // namespace sluice::operators::mysql
