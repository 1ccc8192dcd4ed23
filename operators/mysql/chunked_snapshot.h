// The lock-free snapshot (snapshot { method = lock_free }, docs/mysql.md): tables are read in
// key-range chunks by `parallelism` worker connections while the source streams the binlog.
// Each chunk is read in a short consistent-snapshot transaction whose binlog position P the
// server reports (MariaDB's binlog_snapshot_position): the chunk is the table's rows in that
// key range exactly as of P. Its rows go out when the stream has delivered every change up to P
// and nothing after it, so each row sits between the changes before and after it, as a
// consistent read would place it (DBLog's watermarks with the low and the high one equal). No
// lock, no transaction longer than one chunk (a table without a key: one pass in one view).
//
// Chunks of one table are planned (the key `chunk_rows` rows on) and opened in key order, so
// they go out in key order and a checkpoint needs only each table's last key delivered.
//
// Windowed (`windowed`: servers that report no view position, MySQL 8; snapshot { watermark =
// signal_table }): a chunk is read in a view opened after its open watermark row was committed
// in the signal table and closed before its close row is written. Engines commit in binlog
// order, so the view holds every change before the open row, none after the close row. While
// the chunk waits, each change the stream delivers after its open row removes the rows of the
// keys it touches from the chunk (the change's own images carry them); the rest go out right
// after the close row (DBLog; Debezium's incremental snapshots with a signal table).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "base/event.h"
#include "base/rate_limiter.h"
#include "base/result.h"
#include "engine/core/operator.h"
#include "operators/mysql/binlog_position.h"
#include "operators/mysql/binlog_stream.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/snapshot_reader.h"

namespace sluice::operators::mysql {

class ChunkedSnapshot {
 public:
  struct Table {
    SnapshotTable table;
    std::vector<std::string> after;  // resume after this key (keyless: the row count)
  };
  // What drain() reports to the source's checkpoint state.
  struct Callbacks {
    std::function<void(size_t)> on_rows;  // the stream's, as BinlogStream::drain
    std::function<void(const BinlogPosition&)> on_commit;
    // Snapshot rows of `table` delivered, `key` the last one's.
    std::function<void(const std::string& table, std::vector<std::string> key)> on_key;
    std::function<void(const std::string& table)> on_table_done;
  };

  // `delivered`: where the stream resumes; no chunk's view may be older.
  ChunkedSnapshot(const MySqlConfig& cfg, std::vector<Table> tables, BinlogPosition delivered,
                  int parallelism, bool windowed = false);
  ~ChunkedSnapshot() { stop(); }
  ChunkedSnapshot(const ChunkedSnapshot&) = delete;
  ChunkedSnapshot& operator=(const ChunkedSnapshot&) = delete;

  void start();
  void stop();
  // More tables to read (a snapshot signal, the management API); a table already being read
  // is the caller's to refuse.
  void add(std::vector<Table> tables);
  // Stops reading `table` ("db.table"): rows of it not delivered yet are dropped. False for a
  // table without a key: its changes during the read are in its rows (drop_contained), so its
  // read runs to its end.
  bool cancel(const std::string& table);
  // Moves up to max events into `out`: the stream's changes, and each chunk's rows once the
  // stream has passed its position. Never blocks for long (a chunk still being read waits).
  result<size_t> drain(BinlogStream& stream, size_t max, std::vector<Event>& out,
                       const Callbacks& cb);
  // Every table read and delivered (or cancelled).
  bool finished();
  uint64_t rows() const { return rows_; }
  // The tables not finished yet: rows delivered and the estimate.
  void progress(std::vector<TableProgress>& out);
  uint64_t zero_dates() const { return zero_dates_; }

 private:
  struct Chunk {
    uint64_t seq = 0;
    size_t table = 0;  // index into tables_
    BinlogPosition at;
    std::optional<std::vector<std::string>> lo, hi;  // (lo, hi]; no hi: to the end
    std::vector<Event> rows;
    std::vector<std::string> keys;  // width strings per row
    size_t width = 1;
    size_t taken = 0;  // rows delivered
    bool complete = false;
    bool last = false;     // the table's last chunk
    bool dropped = false;  // its table was cancelled
    // Windowed: the window's id (its rows: WINDOW-open, WINDOW-close), which of them the
    // stream delivered, the key columns (none: a table without a key) and the keys changed since
    // the open row (json of the key values); truncated: a TRUNCATE since, no row of it goes out;
    // dirty: a table without a key changed since the open row (it is read again).
    std::string window;
    bool opened = false, closed = false, truncated = false, dirty = false;
    std::vector<Sym> key;
    std::unordered_set<std::string> changed;
    Value close_position;  // the close row's: the rows' position
  };
  struct TableWork {
    Table t;
    std::string name;  // db.table
    std::vector<std::string> cursor;
    bool busy = false;     // a worker plans or opens its next chunk
    bool planned = false;  // its last chunk is open
    bool keyless = false;
    bool known = false;  // keyless decided
    bool done = false;   // delivered or cancelled
    uint64_t rows = 0;   // delivered
    size_t index = 0;    // in tables_
    int rereads = 0;     // windowed, no key: windows the table changed in, read again
  };

  void work();
  // A table whose next chunk can be planned now (round robin); nullptr: none.
  TableWork* next_table();
  // Plans and opens the next chunk of `t` (busy, not locked); nullptr with failed_ set.
  std::shared_ptr<Chunk> open_next(SnapshotReader& r, TableWork& t);
  bool read(SnapshotReader& r, Chunk& c);
  bool read_keyless(SnapshotReader& r, Chunk& c);
  // Takes out of out[from..] the changes of tables without a key whose one-pass read is not
  // delivered yet: they are before its view's position, so in its rows (a keyless target
  // could not absorb them twice). Locked; n counts what stays.
  void drop_contained(std::vector<Event>& out, size_t from, size_t& n);
  // ---- windowed (chunked_window.cpp) ----
  // The next chunk of `t`, ending at `hi` (none: the table's last), queued (not locked).
  std::shared_ptr<Chunk> open_window(TableWork& t, std::optional<std::vector<std::string>> hi);
  // Reads chunk `c` between its two watermark rows; `previous`: the worker's last window,
  // whose rows go with this one's open row (then c's window).
  bool read_window(SnapshotReader& r, TableWork& t, Chunk& c, std::string& previous);
  // Rows of the signal table and changes of chunks' tables in out[from..] (locked).
  void watch(const std::vector<Event>& out, size_t from);
  // The chunk that can go out now: closed, read, the first undelivered of its table (locked).
  Chunk* window_ready();
  // Delivers rows of `c` not changed since its open row (locked); false when it has none ready.
  bool take_window(Chunk& c, size_t max, size_t& n, std::vector<Event>& out, const Callbacks& cb);
  // A table without a key changed inside its window: which rows the view saw cannot be told,
  // so the table is read again in a new window (locked; fails after 20 such windows).
  void reread(Chunk& c);
  // Reads a table without a key in one pass (its window's view): every row held.
  bool read_whole(SnapshotReader& r, TableWork& t, Chunk& c);
  result<size_t> drain_windowed(BinlogStream& stream, size_t max, std::vector<Event>& out,
                                const Callbacks& cb);
  bool is_signal(const Event& e) const;
  std::string key_text(const Chunk& c, const Object& row) const;
  void fail(error e);
  // snapshot { rows_per_second }: waits (locked) until the next chunk or page may be read, or
  // the snapshot stops; false when it stops.
  bool pace(std::unique_lock<std::mutex>& lk);
  // `rows` read by a read that started at `started_us` count against rows_per_second (locked).
  void paced(int64_t started_us, size_t rows) { pacer_.admit(started_us, rows); }
  Chunk* head();  // the open chunk with the oldest view (locked)
  // Delivers rows of the head chunk (locked); false when it has none ready.
  bool take_head(Chunk& c, size_t max, size_t& n, std::vector<Event>& out, const Callbacks& cb);
  // The key of c's last row delivered, to the checkpoint (locked).
  void report_key(const Chunk& c, const Callbacks& cb);
  // c is delivered: its table is done when it was the last, it leaves open_ (locked).
  void finish(Chunk& c, const Callbacks& cb);

  const MySqlConfig& cfg_;
  std::deque<TableWork> tables_;  // grows by add(): references stay valid
  const int parallelism_;
  const bool windowed_;
  std::function<bool(const Event&)> stop_at_close_;  // windowed: the stream stops after one
  std::mutex mu_;
  std::condition_variable cv_;
  // In the order opened; a worker keeps the chunk it reads (its table may be cancelled).
  std::deque<std::shared_ptr<Chunk>> open_;
  std::vector<std::thread> workers_;
  BinlogPosition delivered_;  // the last row or commit the stream delivered
  int opening_ = 0;           // views being opened: the stream waits
  uint64_t seq_ = 0;
  size_t next_ = 0;  // round robin over tables_
  size_t done_ = 0;  // tables delivered completely
  bool stop_ = false;
  std::optional<error> failed_;
  uint64_t rows_ = 0;
  uint64_t zero_dates_ = 0;
  RateLimiter pacer_;  // rows read, over every worker (locked)
};

}  // namespace sluice::operators::mysql
