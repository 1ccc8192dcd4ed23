// Per-stage counters shared by all instances of a stage (live across restarts). Everything
// here is updated per batch (never per record) and read by the metrics / management surface
// (engine/actors/live_registry.h) from other threads.
#pragma once
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <iterator>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/event.h"
#include "engine/actors/command_inbox.h"
#include "engine/actors/operator_stats_board.h"
#include "engine/actors/stage_tap.h"
#include "engine/actors/table_progress_board.h"

namespace sluice::engine {

// A fixed-bucket histogram of non-negative integers (micros or record counts). Buckets are
// stored non-cumulative; exporters cumulate them.
template <size_t N>
struct Histogram {
  std::array<int64_t, N> bounds;  // upper bounds (inclusive), ascending; +Inf is implicit
  std::array<std::atomic<uint64_t>, N + 1> buckets{};
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum{0};

  explicit Histogram(std::array<int64_t, N> b) : bounds(b) {}
  void observe(int64_t v) {
    if (v < 0) v = 0;
    size_t i = 0;
    while (i < N && v > bounds[i]) ++i;
    buckets[i].fetch_add(1, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    sum.fetch_add(static_cast<uint64_t>(v), std::memory_order_relaxed);
  }
};

// Dead letters sent back into their stage (management API replay after a fix). The stage's
// actor takes them on its next wake-up (at the latest with the next barrier) and processes
// them like input from the record's original input.
class ReplayInbox {
 public:
  void add(std::vector<Event> events) {
    if (events.empty()) return;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : events) items_.push_back(std::move(e));
    pending_.store(true, std::memory_order_release);
  }
  bool pending() const { return pending_.load(std::memory_order_acquire); }
  std::vector<Event> take() {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.store(false, std::memory_order_release);
    return std::exchange(items_, {});
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> items_;
  std::atomic<bool> pending_{false};
};

// The most recent dead letters of a stage (copies), bounded.
class DeadLetterRing {
 public:
  static constexpr size_t kCapacity = 100;
  void push(const std::vector<Event>& dead) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : dead) {
      if (items_.size() == kCapacity) items_.pop_front();
      items_.push_back(e);
    }
  }
  std::vector<Event> recent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {items_.begin(), items_.end()};
  }
  // Removes and returns up to `max` of the held dead letters, oldest first.
  std::vector<Event> take(size_t max) {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t n = std::min(max, items_.size());
    std::vector<Event> out(std::make_move_iterator(items_.begin()),
                           std::make_move_iterator(items_.begin() + static_cast<long>(n)));
    items_.erase(items_.begin(), items_.begin() + static_cast<long>(n));
    return out;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }

 private:
  mutable std::mutex mu_;
  std::deque<Event> items_;
};

struct StageCounters {
  std::atomic<uint64_t> in{0};
  std::atomic<uint64_t> out{0};
  std::atomic<uint64_t> dead{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> restarts{0};
  // Operator errors: failed polls/writes, exceptions, failed opens.
  std::atomic<uint64_t> errors{0};
  // Sources: set by the management API; a paused source does not poll (barriers still flow).
  std::atomic<bool> paused{false};
  // Sources: commit time (Event::ts, micros UTC) of the last event polled, the lag behind it
  // when it was polled (0 when the source was caught up), and Source::progress().
  std::atomic<int64_t> last_event_ts{0};
  std::atomic<int64_t> lag_us{0};
  std::atomic<int64_t> progress_done{-1};
  std::atomic<int64_t> progress_total{-1};
  // Sources: Source::health() after the last poll ("" = healthy).
  std::atomic<bool> unhealthy{false};
  // A write (sink) or poll (source) failed and waits for its retry: not idle.
  std::atomic<bool> retrying{false};
  void set_health(std::string h) {
    const bool bad = !h.empty();
    if (!bad && !unhealthy.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(health_mu_);
    health_ = std::move(h);
    unhealthy.store(bad, std::memory_order_relaxed);
  }
  std::string health() const {
    if (!unhealthy.load(std::memory_order_relaxed)) return {};
    std::lock_guard<std::mutex> lock(health_mu_);
    return health_;
  }
  // Time spent per batch (source poll, processor process, sink write) in micros, and the
  // number of records per batch.
  Histogram<14> batch_us{{100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
                          500000, 1000000, 5000000}};
  Histogram<6> batch_size{{1, 10, 100, 1000, 10000, 100000}};
  DeadLetterRing dead_letters;
  ReplayInbox replay;
  // Sources: commands from the management API (Source::command).
  CommandInbox commands;
  // Sources: the tables being read (Source::table_progress).
  TableProgressBoard table_progress;
  // Copies of the records leaving the stage for `sluice tap` (only while one is attached).
  StageTap tap;
  // The operators' own figures, per instance (exported by /metrics).
  OperatorStatsBoard operator_stats;

  void observe_batch(size_t records, int64_t micros) {
    batch_us.observe(micros);
    batch_size.observe(static_cast<int64_t>(records));
  }

 private:
  mutable std::mutex health_mu_;
  std::string health_;
};

}  // namespace sluice::engine
