// `source mongodb`: MongoDB change streams in (docs/mongodb.md "Source").
//
// A fresh start opens the change stream first and keeps its start point (the post-batch resume
// token, else the server's operationTime) in the state; with snapshot = initial it then reads
// the collections in _id order (op r) and, once they are read, streams from that point, so no
// change is missed (changes made during the snapshot arrive again as c/u/d: at least once, the
// latest state wins). The checkpoint state holds the resume token of the last change delivered
// (or, during the snapshot, the start point, the collections read and the last _id delivered):
// a restart, also after kill -9, continues the stream after that change, and an interrupted
// snapshot continues its collection after that _id and streams from the original point.
// Nothing talks to the server in open(): poll() does, and a transient failure (network, no
// primary) makes the source reopen by itself with backoff (health() says so) until
// reconnect_timeout. A change document that cannot be decoded is a dead letter (take_dead());
// drop -> a truncate event (t), rename and dropDatabase -> an info line, invalidate -> a
// permanent error saying what happened and what to do.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/mongodb/change_event_decoder.h"
#include "operators/mongodb/change_stream_reader.h"
#include "operators/mongodb/collection_reader.h"
#include "operators/mongodb/mongo_source_state.h"
#include "operators/mongodb/mongodb_source_options.h"

namespace sluice::operators::mongodb {

class MongoSource : public Source {
 public:
  MongoSource(MongoSourceOptions o, std::unique_ptr<ChangeStreamReader> stream,
              std::unique_ptr<CollectionReader> collections);
  ~MongoSource() override;
  static result<std::unique_ptr<Source>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<Poll> poll(size_t max, std::vector<Event>& out) override;
  // "" until the start point is taken (nothing to resume yet).
  std::string checkpoint_state() const override {
    return step_ == Step::Start ? std::string() : state_.encode();
  }
  bool progress(int64_t& done, int64_t& total) const override;
  void table_progress(std::vector<TableProgress>& out) const override;
  std::string health() const override;
  void take_dead(std::vector<Event>& out) override;
  void report_stats(OperatorStats& out) const override;
  void close() override;

  struct Stats {
    uint64_t changes = 0;             // c/u/d events from the stream
    uint64_t snapshot_documents = 0;  // r events
    uint64_t truncates = 0;           // dropped collections
    uint64_t partial_updates = 0;     // updates without their document
    uint64_t skipped = 0;             // superseded updates, index and collection events
    uint64_t reconnects = 0;          // transient failures retried
  };
  const Stats& stats() const { return stats_; }

 private:
  enum class Step : uint8_t { Start, Snapshot, Stream };

  result<Poll> step(size_t max, std::vector<Event>& out);
  result<void> take_start_point();
  // The stream.
  result<Poll> poll_stream(size_t max, std::vector<Event>& out);
  result<void> apply_change(const BsonDoc& doc, std::vector<Event>& out);
  void log_rename(const ChangeEvent& c);
  error invalidated(const ChangeEvent& c) const;
  // The snapshot (mongodb_source_snapshot.cpp).
  result<void> plan_snapshot();
  result<Poll> poll_snapshot(size_t max, std::vector<Event>& out);
  result<void> open_scan();
  void take_document(const BsonDoc& doc, std::vector<Event>& out);
  void deliver_held(std::vector<Event>& out, bool last_in_collection);
  void collection_done();
  void finish_snapshot();
  // Failures: transient ones wait and reopen; others end the source.
  result<Poll> failed(const error& e, bool delivered);
  result<void> retry_later(const error& e);
  void recovered();
  std::string scope_text() const;
  bool watched(const std::string& db, const std::string& coll) const;

  MongoSourceOptions o_;
  std::string where_;  // "source mongodb S: "
  std::unique_ptr<ChangeStreamReader> stream_;
  std::unique_ptr<CollectionReader> collections_;
  ChangeEventDecoder decoder_;
  MongoSourceState state_;
  Step step_ = Step::Start;
  bool stream_open_ = false;
  // The snapshot of this run.
  bool planned_ = false;
  std::vector<CollectionName> plan_;
  std::vector<int64_t> estimates_;  // parallel to plan_
  size_t plan_index_ = 0;
  bool scan_open_ = false;
  std::optional<Event> held_;  // read one ahead: the last of a collection is known as such
  BsonDoc held_id_;
  int64_t collection_read_ = 0;  // documents of plan_[plan_index_] delivered in this run
  int64_t snapshot_total_ = 0;   // documents expected (read before + estimates); 0: no snapshot
  int64_t snapshot_ts_ = 0;
  int64_t snapshot_started_us_ = 0;
  Value snapshot_position_;
  // Failures.
  std::optional<error> pending_;  // reported by the next poll, after the events of this one
  int64_t down_since_us_ = 0;
  int64_t retry_at_us_ = 0;
  int64_t backoff_us_ = 100000;
  std::string down_reason_;
  std::string last_ddl_;  // the drop, rename or dropDatabase read last (an invalidate's cause)
  bool partial_logged_ = false;
  std::vector<Event> dead_;
  Stats stats_;
};

}  // namespace sluice::operators::mongodb
