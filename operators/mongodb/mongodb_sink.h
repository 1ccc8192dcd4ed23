// Sink `mongodb` (DSL.md §10, docs/mongodb.md): documents into MongoDB / Atlas.
//
// write() buffers events until batch.rows are buffered (or the oldest waited batch.delay),
// then flushes: BulkPlanner turns them into operations per collection (pure, no server),
// and each collection's operations go in ONE unordered bulk write through a BulkExecutor
// (libmongoc in production). checkpoint() flushes what is buffered.
//
// Errors (MongoFailure): transient -> error::transient, nothing of the call is taken (the
// engine retries the call; upserts and deletes by _id are idempotent, so a partly applied
// bulk is simply applied again). Documents the server rejects by index (validation 121,
// duplicate key, ...) -> `dead` with kind "write", code and message; the rest is applied.
// A command refused as a whole for its content -> the batch is split in halves until the
// bad documents are alone, and those are dead-lettered. Values BSON cannot hold exactly
// (a decimal beyond 34 digits, invalid UTF-8) are dead-lettered before anything is sent.
#pragma once
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/core/operator.h"
#include "operators/mongodb/bulk_executor.h"
#include "operators/mongodb/bulk_planner.h"
#include "operators/mongodb/mongodb_options.h"

namespace sluice::operators::mongodb {

class MongoSink : public Sink {
 public:
  MongoSink(MongoOptions opts, std::unique_ptr<BulkExecutor> exec);
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  // The input caught up: write what is buffered now (batch.adaptive).
  result<void> idle(std::vector<Event>& dead) override;
  void close() override;

  struct Stats {
    uint64_t ops = 0;          // operations the server accepted
    uint64_t bulk_writes = 0;  // bulk write calls (incl. split attempts)
    uint64_t dead = 0;         // records dead-lettered
    uint64_t split_attempts = 0;
  };
  const Stats& stats() const { return stats_; }
  void report_stats(OperatorStats& out) const override;
  const BulkPlanner& planner() const { return planner_; }

 private:
  result<void> flush(const std::vector<const Event*>& evs, std::vector<Event>& dead);
  // Flushes pending_; cleared when the bulk writes succeed.
  result<void> flush_pending(std::vector<Event>& dead);
  result<void> run(const std::string& collection, const std::vector<const WriteOp*>& ops,
                   const std::vector<const Event*>& evs, std::vector<Event>& dead, bool ordered);

  MongoOptions opts_;
  BulkPlanner planner_;
  std::unordered_set<std::string> keyless_logged_;
  std::unique_ptr<BulkExecutor> exec_;
  std::vector<Event> pending_;
  int64_t first_pending_us_ = 0;
  std::vector<Event> deferred_dead_;  // dead letters found by checkpoint()'s flush
  Stats stats_;
};

}  // namespace sluice::operators::mongodb
