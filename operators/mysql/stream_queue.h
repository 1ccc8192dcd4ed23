// The bounded queue between the binlog stream's reading thread and poll(): the reader push()es
// the decoded rows of each rows event, commit markers and errors, blocking while `capacity`
// events and markers are queued; the consumer drain()s without blocking. Rows travel as
// blocks: decoded in place, moved once into drain()'s output.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/binlog_position.h"

namespace sluice::operators::mysql {

// One queue entry: the decoded rows of one rows event (or a truncate), a commit marker or an
// error.
struct StreamItem {
  enum class Kind : uint8_t { Row, Commit, Error };
  Kind kind = Kind::Row;
  std::vector<Event> events;  // Row
  // Commit: the position after the commit; Row: file and end of the rows event (a lock-free
  // snapshot's chunk goes out before the first item past its position).
  BinlogPosition position;
  error err;  // Error
  // Commit of a DDL statement: the source's table model after it (SchemaModel::encode), which
  // the checkpoint at this commit records.
  std::shared_ptr<const std::string> model;
  // Commit of a group that changed the prepared XA transactions: their rows events as the
  // checkpoint at this commit records them (BinlogStream::Impl::encode_xa; "" = none).
  std::shared_ptr<const std::string> xa;
};

class StreamQueue {
 public:
  // push() gives up (dropping the item) once `stop` is set and wake() was called.
  StreamQueue(size_t capacity, const std::atomic<bool>& stop) : capacity_(capacity), stop_(stop) {}

  void push(StreamItem item);
  // Wakes a push() blocked on a full queue (after `stop` was set).
  void wake();
  // Moves up to max row events into `out` in order, never blocking: on_rows(n) for each run
  // of n rows delivered, on_commit(position) at each commit passed (also after the last row).
  // An error item returns its error.
  // With `limit`, stops before the first item past it; with `stop_after`, right after the
  // first row it is true for (its transaction's commit and the rest wait for the next call).
  result<size_t> drain(size_t max, std::vector<Event>& out,
                       const std::function<void(size_t)>& on_rows,
                       const std::function<void(const BinlogPosition&)>& on_commit,
                       const BinlogPosition* limit = nullptr,
                       const std::function<bool(const Event&)>* stop_after = nullptr);
  // Blocks until an item is available or the timeout passes.
  bool wait(std::chrono::milliseconds timeout);
  // The reader has read (and queued the items of) the binlog up to file:pos, an event of time
  // ts_us (micros UTC; 0 keeps the last one).
  void advance(const std::string& file, uint64_t pos, int64_t ts_us = 0);
  // The time of the binlog read so far once every item read has been delivered (the source has
  // caught up with its reader): the server wrote nothing before it that is still to come.
  // 0 while items wait. (Called by the consumer.)
  int64_t caught_up_time();
  // The reader read up to the present (a heartbeat) at ts_us, at the position it is at.
  void read_time(int64_t ts_us);
  // True when every item up to `p` has been delivered: the next item is past it, or none is
  // waiting and the reader has read at least up to `p`. (Called by the consumer.)
  bool passed(const BinlogPosition& p);
  // The position of the last row or commit drain() delivered (file, pos and, once a commit
  // said it, the server).
  const BinlogPosition& delivered() const { return delivered_; }
  // The table model of the last DDL commit drain() delivered (null: none yet).
  const std::shared_ptr<const std::string>& delivered_model() const { return delivered_model_; }
  // The prepared XA transactions of the last commit drain() delivered that changed them.
  const std::shared_ptr<const std::string>& delivered_xa() const { return delivered_xa_; }

 private:
  // Moves queued items to the consumer side until it holds `max` rows (at least one item).
  void take_queued(size_t max);
  void mark_delivered(const StreamItem& it);

  const size_t capacity_;
  const std::atomic<bool>& stop_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<StreamItem> queue_;
  size_t queued_ = 0;             // events + markers in queue_ (bounded by capacity_)
  std::deque<StreamItem> taken_;  // consumer side: moved out of queue_, not yet delivered
  size_t taken_pos_ = 0;          // delivered events of taken_.front()
  size_t taken_rows_ = 0;         // undelivered events in taken_
  BinlogPosition read_;           // advance(): read up to here
  int64_t read_ts_us_ = 0;        // advance(): the time of the event read last
  BinlogPosition delivered_;      // consumer side
  std::shared_ptr<const std::string> delivered_model_;  // consumer side
  std::shared_ptr<const std::string> delivered_xa_;     // consumer side
};

}  // namespace sluice::operators::mysql
