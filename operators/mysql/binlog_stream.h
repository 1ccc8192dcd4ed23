// Streams the binlog on its own thread: a replication connection (the dump is opened with
// mariadb_rpl_open, packets are read with mysql_net_read_packet and framed here), TABLE_MAP
// tracking, row decoding, DDL handling, rotation, GTID state, reconnects with backoff and
// failover to the next host by GTID. Decoded events and commit markers go into a bounded
// queue that poll() drains without blocking; at most `queue_events` items are ever buffered.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/binlog_position.h"
#include "operators/mysql/mysql_config.h"

namespace sluice::operators::mysql {

// One queue entry: the decoded rows of one rows event (or a truncate), a commit marker or an
// error. Rows travel as blocks: decoded in place, moved once into poll()'s output.
struct StreamItem {
  enum class Kind : uint8_t { Row, Commit, Error };
  Kind kind = Kind::Row;
  std::vector<Event> events;  // Row
  BinlogPosition position;    // Commit: the position after the commit
  error err;                  // Error
};

struct StreamStats {
  std::atomic<uint64_t> row_events{0};
  std::atomic<uint64_t> transactions{0};
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> rotations{0};  // binlog files the stream moved to
  std::atomic<uint64_t> failovers{0};  // resumes on another server by GTID
  std::atomic<uint64_t> zero_dates{0};
  std::atomic<uint64_t> schema_changes{0};
  std::atomic<uint64_t> truncates{0};                // truncate events emitted
  std::atomic<uint64_t> compressed_events{0};        // MariaDB log_bin_compress events read
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
  result<size_t> drain(size_t max, std::vector<Event>& out,
                       const std::function<void(size_t)>& on_rows,
                       const std::function<void(const BinlogPosition&)>& on_commit);
  // Blocks until an item is available or the timeout passes.
  bool wait(std::chrono::milliseconds timeout);
  const StreamStats& stats() const { return stats_; }
  // "" while streaming; "reconnecting for 12s: <reason>" while the connection is lost.
  std::string health() const;

 private:
  struct Impl;
  result<void> prime(const BinlogPosition& from);
  void run();
  void push(StreamItem item);
  MySqlConfig cfg_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<StreamItem> queue_;
  size_t queued_ = 0;             // events + markers in queue_ (bounded by queue_events)
  std::deque<StreamItem> taken_;  // consumer side: moved out of queue_, not yet delivered
  size_t taken_pos_ = 0;          // delivered events of taken_.front()
  size_t taken_rows_ = 0;         // undelivered events in taken_
  StreamStats stats_;
};

// Checks that the server can be streamed from (log_bin, ROW format, FULL row image,
// privileges); returns a clear error naming the fix.
result<void> check_server(Connection& c);
// The binlog status (binlog_status_query) + the GTID state (@@gtid_binlog_pos on MariaDB,
// @@gtid_executed on MySQL) + @@server_id and @@server_uuid.
result<BinlogPosition> current_position(Connection& c);
// The statement that shows the binlog position for a server version (mysql_get_server_info):
// SHOW BINARY LOG STATUS on MySQL 8.2 and later (8.4 has no SHOW MASTER STATUS), SHOW MASTER
// STATUS on MariaDB and older MySQL.
std::string binlog_status_query(const std::string& version);
// Why a server with this @@binlog_row_value_options cannot be streamed ("" when it can).
std::string partial_json_refusal(const std::string& binlog_row_value_options);
// @@server_uuid ("" on MariaDB, which has none).
std::string server_uuid_of(Connection& c);
result<BinlogPosition> earliest_position(Connection& c);

}  // namespace sluice::operators::mysql
