// `source mysql`: a consistent snapshot (op "r") then the binlog (c/u/d), resumable from the
// checkpoint state at any point. See docs/mysql.md.
#pragma once
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/rate_limiter.h"
#include "engine/core/operator.h"
#include "operators/mysql/binlog_stream.h"
#include "operators/mysql/chunked_snapshot.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/snapshot_reader.h"
#include "operators/mysql/source_state.h"

namespace sluice::operators::mysql {

class MySqlSource : public Source {
 public:
  explicit MySqlSource(MySqlConfig cfg) : cfg_(std::move(cfg)), pacer_(cfg_.rows_per_second) {
    if (cfg_.hosts.empty()) cfg_.hosts.push_back(cfg_.conn);
  }
  ~MySqlSource() override { close(); }
  result<void> open(const std::string& state) override;
  result<Poll> poll(size_t max, std::vector<Event>& out) override;
  // Changes the stream cannot pass on as rows (errc::statement_change, errc::partial_row).
  void take_dead(std::vector<Event>& out) override;
  std::string checkpoint_state() const override { return state_.encode(); }
  void close() override;

  std::string health() const override { return stream_ ? stream_->health() : std::string(); }
  // The binlog's time once everything the reader read has been delivered (heartbeats bring it
  // to the present on an idle server); the tables' own changes only count through it.
  int64_t progress_time() override { return stream_ ? stream_->caught_up_time() : 0; }
  // "snapshot" {tables: ["db.t"], filters: {"db.t": "SQL"}} re-reads tables while streaming;
  // "stop-snapshot" {tables: [...]} stops that (snapshot_requests.cpp).
  result<std::string> command(const std::string& name, const Value& args) override;
  void table_progress(std::vector<TableProgress>& out) const override;
  const StreamStats* stream_stats() const { return stream_ ? &stream_->stats() : nullptr; }
  // Foreign keys whose actions change captured rows without binlog rows (cascade_check.h), as
  // warned when the stream first started.
  const std::vector<std::string>& cascade_warnings() const { return cascades_; }
  // Entries of `tables` that matched no table when the stream first started (pattern_check.h).
  const std::vector<std::string>& unmatched_tables() const { return unmatched_; }
  // Said when a fresh stream started while XA transactions were prepared ("" = none).
  const std::string& prepared_xa_warning() const { return prepared_xa_; }
  void report_stats(OperatorStats& out) const override;
  uint64_t snapshot_rows() const { return snapshot_rows_; }
  // Snapshot progress for the engine's live stats (`sluice run` progress, /metrics): rows read
  // in this run and the estimated total; complete (done = total) once streaming.
  bool progress(int64_t& done, int64_t& total) const override {
    if (estimated_rows_ == 0 && snapshot_rows_ == 0) return false;
    done = static_cast<int64_t>(snapshot_rows_);
    total = static_cast<int64_t>(state_.phase == SourceState::Phase::Snapshot || chunked_
                                     ? std::max(estimated_rows_, snapshot_rows_)
                                     : snapshot_rows_);
    return true;
  }

 private:
  void warn_about_server();
  result<Poll> poll_events(size_t max, std::vector<Event>& out);
  std::vector<Event> dead_;
  // The state to resume, or a fresh one: a snapshot, or (snapshot = never) the stream from
  // the `start` position.
  result<void> load_state(const std::string& state, const std::vector<std::string>& patterns);
  result<void> start_position();
  // The first host that answers can be streamed from (check_server).
  result<void> check_binlog_server();
  // Opens the snapshot's consistent view and picks the tables still to read.
  result<void> begin_snapshot(bool resumed);
  // The tables neither done nor left out (`only`), the one in progress first.
  void select_tables(std::vector<SnapshotTable>& tables);
  result<void> start_stream();
  // Stream-phase state with tables that the state's run did not capture: switches to a
  // snapshot of only those (see docs/mysql.md, "Adding tables"). False = nothing new.
  result<bool> plan_added_tables();
  result<Poll> poll_snapshot(size_t max, std::vector<Event>& out);
  // snapshot { method = lock_free }: whether this server reports a consistent view's binlog
  // position (MariaDB); fresh states stream at once and read their tables meanwhile.
  result<bool> lock_free();
  // Whether lock-free chunks are placed by signal-table watermarks (chunked_snapshot.h) rather
  // than by their view's position: snapshot { watermark }, auto: when the server reports no
  // view position and signal_table is set. Asked once.
  result<bool> windowed();
  result<void> open_lock_free();
  // The tables `tables` matches on the server, the signal table left out; on `c`, else on a
  // connection of its own.
  result<std::vector<SnapshotTable>> captured_tables(Connection* c = nullptr);
  // Starts reading the tables of state_.reading while the stream runs (chunked_snapshot.h);
  // `known`: the captured tables when the caller has just listed them.
  result<void> start_reading(const std::vector<SnapshotTable>* known = nullptr);
  result<Poll> poll_reading(size_t max, std::vector<Event>& out);
  // Snapshots on demand (snapshot_requests.cpp): the tables matching `patterns` are read
  // again while streaming goes on; stop_snapshot ends such reads (all when empty).
  result<std::string> request_snapshot(const std::vector<std::string>& patterns,
                                       const std::map<std::string, std::string>& filters);
  result<std::string> stop_snapshot(const std::vector<std::string>& patterns);
  // Takes the signal table's rows out of out[from..] and acts on them (Debezium's signals).
  void take_signals(std::vector<Event>& out, size_t from);
  // Reads again the tables whose rows partition maintenance changed without row events, once
  // the stream delivered its truncate events (BinlogStream::take_rereads); a table being read
  // starts over (its rows delivered before were truncated).
  void reread_tables();
  void signal(const Event& e);
  // signal_table == db + "." + table, without building that string (once per event).
  bool is_signal_table(const std::string& db, const std::string& table) const {
    const std::string& s = cfg_.signal_table;
    return s.size() == db.size() + 1 + table.size() && s.compare(0, db.size(), db) == 0 &&
           s[db.size()] == '.' && s.compare(db.size() + 1, std::string::npos, table) == 0;
  }
  void log_progress(bool force);
  // The initial snapshot's start (snapshot_schema.cpp): reads the table model of the captured
  // databases on `c` into the state and queues the schema-change events the snapshot begins
  // with (CREATE DATABASE, CREATE TABLE), at `position` (schema_changes = follow).
  result<void> begin_schema(Connection& c, const Value& position,
                            const std::shared_ptr<const LogOrigin>& origin);
  // Moves the queued schema-change events to `out` (all at once: a checkpoint never splits
  // them); true when there were any.
  bool give_schema(std::vector<Event>& out);
  // Takes the stream's table model as of what it delivered into the state.
  void note_model();

  MySqlConfig cfg_;
  SourceState state_;
  std::unique_ptr<BinlogStream> stream_;
  bool server_checked_ = false;
  std::vector<std::string> cascades_;
  std::vector<std::string> unmatched_;
  bool fresh_start_ = false;
  std::string prepared_xa_;
  void warn_prepared_xa(Connection& c);
  std::unique_ptr<SnapshotReader> snapshot_;
  std::unique_ptr<ChunkedSnapshot> chunked_;
  std::vector<SnapshotTable> tables_;
  size_t table_index_ = 0;
  uint64_t table_rows_ = 0;  // consistent snapshot: rows of tables_[table_index_] delivered
  Value snapshot_position_;
  std::shared_ptr<const LogOrigin> snapshot_origin_;  // of the consistent snapshot's reads
  bool chunk_last_ = false;  // chunk_ holds the last rows of tables_[table_index_]
  int64_t snapshot_ts_ = 0;
  uint64_t snapshot_rows_ = 0;
  uint64_t estimated_rows_ = 0;
  std::chrono::steady_clock::time_point snapshot_started_, last_progress_;
  std::vector<Event> chunk_;
  size_t chunk_pos_ = 0;                 // next event of chunk_ to deliver
  std::vector<std::string> chunk_keys_;  // key_width strings per chunk_ row
  RateLimiter pacer_;                    // consistent snapshot: rows read (rows_per_second)
  std::vector<Event> schema_events_;     // begin_schema(): not delivered yet
  std::optional<bool> windowed_;         // windowed(), once known
};

}  // namespace sluice::operators::mysql
