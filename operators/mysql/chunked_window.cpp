// ChunkedSnapshot's windowed chunks (chunked_snapshot.h): signal-table watermark rows around
// each chunk's read, the stream's changes inside the window taken out of the chunk, the rest
// of the chunk delivered right after its close row.
#include <algorithm>
#include <chrono>
#include <thread>

#include "base/json.h"
#include "base/logger.h"
#include "base/temporal.h"
#include "operators/mysql/chunked_snapshot.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {
namespace {

bool ends_with(const std::string& s, const char* tail) {
  const size_t n = std::char_traits<char>::length(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

// The signal row's id ("" when it has none).
std::string signal_id(const Event& e) {
  const Value* id = e.row.find(intern("id"));
  return id != nullptr && id->type() == Type::String ? id->as_string() : std::string();
}

}  // namespace

bool ChunkedSnapshot::is_signal(const Event& e) const {
  const std::string& s = cfg_.signal_table;
  if (!e.source) return false;
  const std::string& db = e.source->db;
  const std::string& table = e.source->table;
  return s.size() == db.size() + 1 + table.size() && s.compare(0, db.size(), db) == 0 &&
         s[db.size()] == '.' && s.compare(db.size() + 1, std::string::npos, table) == 0;
}

std::string ChunkedSnapshot::key_text(const Chunk& c, const Object& row) const {
  std::string out;
  for (Sym k : c.key) {
    const Value* v = row.find(k);
    if (v != nullptr) json::encode(*v, out);
    out += '\x1f';
  }
  return out;
}

std::shared_ptr<ChunkedSnapshot::Chunk> ChunkedSnapshot::open_window(
    TableWork& t, std::optional<std::vector<std::string>> hi) {
  std::lock_guard<std::mutex> lk(mu_);
  if (stop_ || failed_) return nullptr;
  auto c = std::make_shared<Chunk>();
  c->seq = seq_++;
  c->table = t.index;
  c->window = "sluice-" + cfg_.name + "-" + std::to_string(temporal::now_micros()) + "-" +
              std::to_string(c->seq);
  if (!t.cursor.empty()) c->lo = t.cursor;
  c->last = !hi;
  if (hi) t.cursor = *hi;
  c->hi = std::move(hi);
  t.planned = t.done || !c->hi;
  t.busy = false;
  if (t.done) {
    c->dropped = true;
  } else {
    open_.push_back(c);  // before its open row: the stream recognizes the row
  }
  cv_.notify_all();
  return c;
}

bool ChunkedSnapshot::read_window(SnapshotReader& r, TableWork& t, Chunk& c,
                                  std::string& previous) {
  int rereads = 0;
  {
    std::lock_guard<std::mutex> lk(mu_);
    // Known before the open row: the changes after it are keyed so (open_next planned the
    // chunk: the reader holds this table).
    if (!t.keyless) c.key = r.key_syms();
    rereads = t.rereads;
  }
  // A table without a key read again: later each time (50 ms, 100 ms, ...; 10.5 s over 20),
  // so that a burst of changes can pass.
  if (rereads > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50) * rereads);
  auto open = r.write_watermark(cfg_.signal_table, c.window, true, previous);
  if (!open.ok()) return fail(open.err()), false;
  auto view = r.open_window_chunk();
  if (!view.ok()) return fail(view.err()), false;
  if (!(t.keyless ? read_whole(r, t, c) : read(r, c))) return false;
  r.close_chunk();
  {
    std::lock_guard<std::mutex> lk(mu_);
    c.complete = true;
    cv_.notify_all();
  }
  auto close = r.write_watermark(cfg_.signal_table, c.window, false);
  if (!close.ok()) return fail(close.err()), false;
  previous = c.window;  // its rows go with the next open row, or when the worker ends
  return true;
}

bool ChunkedSnapshot::read_whole(SnapshotReader& r, TableWork& t, Chunk& c) {
  std::vector<Event> rows;
  std::vector<std::string> keys, after = t.t.after;
  const int64_t started = RateLimiter::steady_now_us();  // one window: paced before the next
  while (true) {
    const size_t before = rows.size();
    auto n = r.read_chunk(t.t.table, after, static_cast<size_t>(cfg_.chunk_rows), Value(),
                          temporal::now_micros(), rows, keys);
    if (!n.ok()) return fail(n.err()), false;
    if (*n == 0 || rows.size() == before) break;
    after.assign(keys.end() - 1, keys.end());
  }
  std::lock_guard<std::mutex> lk(mu_);
  paced(started, rows.size());
  c.width = 1;
  c.rows = std::move(rows);
  c.keys = std::move(keys);
  return true;
}

void ChunkedSnapshot::reread(Chunk& c) {
  TableWork& t = tables_[c.table];
  if (++t.rereads > 20) {
    failed_ = error::permanent(errc::snapshot,
                               "table " + t.name +
                                   " has no key and changed during each of 20 reads (watermark "
                                   "rows, signal_table): give it a key with a `key` rule, or use "
                                   "snapshot { method = consistent }");
    return;
  }
  log::info("mysql", cfg_.name + ": " + t.name +
                         " (no key) changed while it was read: reading it again (" +
                         std::to_string(t.rereads) + ")");
  t.planned = false;
  t.busy = false;
  t.cursor = t.t.after;
  std::erase_if(open_, [&](const auto& o) { return o.get() == &c; });
  cv_.notify_all();
}

void ChunkedSnapshot::watch(const std::vector<Event>& out, size_t from) {
  for (size_t i = from; i < out.size(); ++i) {
    const Event& e = out[i];
    if (is_signal(e)) {
      if (e.op != Op::Create) continue;
      const std::string id = signal_id(e);
      for (auto& c : open_) {
        if (id.size() != c->window.size() + 5 && id.size() != c->window.size() + 6) continue;
        if (id.compare(0, c->window.size(), c->window) != 0) continue;
        if (ends_with(id, "-open")) c->opened = true;
        if (ends_with(id, "-close")) {
          c->closed = true;
          c->close_position = e.position;
        }
      }
      continue;
    }
    if (!e.source) continue;
    for (auto& c : open_) {
      if (!c->opened) continue;
      const std::string& name = tables_[c->table].name;
      if (name.size() != e.source->db.size() + 1 + e.source->table.size() ||
          name.compare(0, e.source->db.size(), e.source->db) != 0 ||
          name.compare(e.source->db.size() + 1, std::string::npos, e.source->table) != 0) {
        continue;
      }
      if (e.op == Op::Schema) continue;
      if (c->key.empty()) {  // no key: any change spoils the window (the table is read again)
        c->dirty = true;
        continue;
      }
      if (e.op == Op::Truncate) {
        c->truncated = true;
        continue;
      }
      c->changed.insert(key_text(*c, e.row));
      if (e.has_before) c->changed.insert(key_text(*c, e.before));
    }
  }
}

ChunkedSnapshot::Chunk* ChunkedSnapshot::window_ready() {
  for (auto& c : open_) {
    if (!c->closed || !c->complete) continue;
    const bool first = std::none_of(open_.begin(), open_.end(), [&](const auto& o) {
      return o->table == c->table && o->seq < c->seq;
    });
    if (first) return c.get();
  }
  return nullptr;
}

bool ChunkedSnapshot::take_window(Chunk& c, size_t max, size_t& n, std::vector<Event>& out,
                                  const Callbacks& cb) {
  TableWork& t = tables_[c.table];
  if (c.dirty && c.taken == 0) {
    reread(c);
    return false;
  }
  const size_t begin = c.taken;
  while (c.taken < c.rows.size() && n < max) {
    Event& row = c.rows[c.taken++];
    if (c.truncated || c.changed.count(key_text(c, row.row)) > 0) continue;
    row.position = c.close_position;
    out.push_back(std::move(row));
    ++n;
    ++rows_;
    ++t.rows;
  }
  if (c.taken > begin && !c.keys.empty()) report_key(c, cb);
  if (c.taken == c.rows.size()) finish(c, cb);
  return true;
}

result<size_t> ChunkedSnapshot::drain_windowed(BinlogStream& stream, size_t max,
                                               std::vector<Event>& out, const Callbacks& cb) {
  if (!stop_at_close_) {
    stop_at_close_ = [this](const Event& e) {
      return e.op == Op::Create && is_signal(e) && ends_with(signal_id(e), "-close");
    };
  }
  size_t n = 0;
  while (n < max) {
    if (Chunk* c = window_ready()) {
      if (!take_window(*c, max, n, out, cb) && failed_) return *failed_;
      continue;
    }
    const size_t from = out.size();
    auto d = stream.drain(max - n, out, cb.on_rows, cb.on_commit, nullptr, &stop_at_close_);
    if (!d.ok()) {
      if (n > 0) break;  // the rows before the error go out first
      return d.err();
    }
    watch(out, from);
    n += *d;
    drop_contained(out, from, n);  // tables without a key: their next window's view has them
    if (*d == 0) break;
  }
  return n;
}

}  // namespace sluice::operators::mysql
