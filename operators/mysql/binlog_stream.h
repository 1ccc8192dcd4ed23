// Streams the binlog on its own thread: a replication connection (the dump is opened with
// mariadb_rpl_open, packets are read with mysql_net_read_packet and framed here), TABLE_MAP
// tracking, row decoding, DDL handling, rotation, GTID state, reconnects with backoff and
// failover to the next host by GTID. Decoded events and commit markers go into a bounded
// queue that poll() drains without blocking; at most `queue_events` items are ever buffered.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/binlog_position.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/stream_queue.h"

namespace sluice::operators::mysql {

struct StreamStats {
  std::atomic<uint64_t> row_events{0};
  std::atomic<uint64_t> transactions{0};
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> rotations{0};  // binlog files the stream moved to
  std::atomic<uint64_t> failovers{0};  // resumes on another server by GTID
  std::atomic<uint64_t> zero_dates{0};
  std::atomic<uint64_t> history_rows{0};       // system-versioned tables' history rows, dropped
  std::atomic<uint64_t> statement_changes{0};  // captured tables' changes logged as statements
  std::atomic<uint64_t> partial_rows{0};       // rows whose images lack columns: dead letters
  std::atomic<uint64_t> schema_changes{0};
  std::atomic<uint64_t> truncates{0};          // truncate events emitted
  std::atomic<uint64_t> partition_changes{0};  // partition maintenance that moved rows unlogged
  std::atomic<uint64_t> table_rewrites{0};     // DDL that changed values of rows unlogged
  std::atomic<uint64_t> compressed_events{0};  // MariaDB log_bin_compress events read
  std::atomic<uint64_t> compressed_transactions{0};  // MySQL TRANSACTION_PAYLOAD_EVENTs read
  // Set while the connection is lost and the stream reconnects: since when (steady clock,
  // micros; 0 = streaming) and why.
  std::atomic<int64_t> down_since_us{0};
  void set_down_reason(std::string r) {
    std::lock_guard<std::mutex> lk(mu);
    down_reason = std::move(r);
  }
  std::string get_down_reason() const {
    std::lock_guard<std::mutex> lk(mu);
    return down_reason;
  }

 private:
  mutable std::mutex mu;
  std::string down_reason;
};

class BinlogStream {
 public:
  explicit BinlogStream(MySqlConfig cfg);
  ~BinlogStream();
  // Starts streaming after `from` (from.skip_rows row events of the next transaction are
  // dropped). Checks the server settings first (synchronously) for clear errors; when no
  // server answers, the stream starts anyway and reconnects (reconnect_timeout).
  result<void> start(const BinlogPosition& from);
  // Before start(): events of these tables ("db.table") at or before the position are dropped
  // (uncounted): they are already in the table's own snapshot (tables added to `tables`).
  void set_catchup(std::vector<std::pair<std::string, BinlogPosition>> c);
  // Before start(): the table model the checkpoint recorded (SchemaModel::encode, "" none: the
  // stream reads it from information_schema as it starts). An unreadable one is an error.
  result<void> set_model(const std::string& encoded);
  // The prepared XA transactions of the checkpoint (SourceState::xa_prepared), before start().
  result<void> set_xa(const std::string& encoded);
  // What the last commit delivered that changed them says they are (null: none since start).
  const std::shared_ptr<const std::string>& delivered_xa() const { return queue_.delivered_xa(); }
  // The table model as of the last commit drain() delivered, when a DDL statement (or the
  // start) changed it since the stream began; null otherwise (what set_model() gave holds).
  const std::shared_ptr<const std::string>& delivered_model() const {
    return queue_.delivered_model();
  }
  // After start(): the model start() read from information_schema (null: set_model() gave one,
  // or the server did not answer: then it goes out with the first commit).
  const std::shared_ptr<const std::string>& started_model() const { return started_model_; }
  void stop();
  // Handles binlog events given as bytes (header first; each with its CRC32 when `checksum`) as
  // the dump would after `from`, on the calling thread and without a replication connection
  // (schemas are read from the first host): tests of formats no server here writes (MySQL 8
  // compressed transactions). Not together with start(); drain() delivers what they gave.
  result<void> replay(const BinlogPosition& from, const std::vector<std::vector<uint8_t>>& events,
                      bool checksum);
  // Moves up to max row events into `out` in binlog order, never blocking: on_rows(n) for
  // each run of n rows delivered, on_commit(position) at each commit passed (also after the
  // last row). An error item returns its error.
  // With `limit`, stops before the first row or commit past it (a lock-free snapshot's chunk
  // goes out there).
  // With `stop_after`, stops right after the first row it is true for.
  result<size_t> drain(size_t max, std::vector<Event>& out,
                       const std::function<void(size_t)>& on_rows,
                       const std::function<void(const BinlogPosition&)>& on_commit,
                       const BinlogPosition* limit = nullptr,
                       const std::function<bool(const Event&)>* stop_after = nullptr);
  // StreamQueue::caught_up_time (the consumer's thread).
  int64_t caught_up_time() { return queue_.caught_up_time(); }
  // Every row and commit up to `p` has been delivered by drain() (StreamQueue::passed).
  bool passed(const BinlogPosition& p) { return queue_.passed(p); }
  const BinlogPosition& delivered() const { return queue_.delivered(); }
  // Blocks until an item is available or the timeout passes.
  bool wait(std::chrono::milliseconds timeout);
  const StreamStats& stats() const { return stats_; }
  // Tables (database, table) to read again: a statement drain() has delivered changed their
  // rows without row events (partition maintenance, partition_changes = reread). Each once.
  std::vector<std::pair<std::string, std::string>> take_rereads();
  // "" while streaming; "reconnecting for 12s: <reason>" while the connection is lost.
  std::string health() const;

 private:
  struct Impl;
  result<void> prime(const BinlogPosition& from);
  // The reading thread: opens the dump and reads events; on a transient failure waits and
  // reconnects (retry), else queues the error and ends.
  void run();
  // A transient failure: true once the stream waited to reconnect (`backoff` doubles);
  // false, with `failure` made permanent, when it has been down for reconnect_timeout.
  bool retry(error& failure, std::chrono::milliseconds& backoff);
  // Resumes at the last commit, waits `wait` (or until stopped), picks the next host when this
  // one did not answer.
  void reconnect_after(const error& failure, std::chrono::milliseconds wait);
  void push(StreamItem item);
  MySqlConfig cfg_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  StreamQueue queue_{cfg_.queue_events, stop_};
  StreamStats stats_;
  std::shared_ptr<const std::string> started_model_;
  std::mutex reread_mu_;  // rereads_: queued by the reading thread, taken by the consumer's
  struct Reread {
    BinlogPosition at;  // the statement's
    std::string db, table;
  };
  std::vector<Reread> rereads_;
};

}  // namespace sluice::operators::mysql
