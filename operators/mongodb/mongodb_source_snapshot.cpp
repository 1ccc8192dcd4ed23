// MongoSource's snapshot: the collections of the scope read in _id order, one document ahead
// (so the last of a collection is marked as such), the last _id delivered in the state.
#include <algorithm>
#include <chrono>

#include "base/logger.h"
#include "base/temporal.h"
#include "operators/mongodb/mongodb_source.h"

namespace sluice::operators::mongodb {
namespace {

// Debezium's precedence: the last document of the last collection is "last", the first of the
// first "first", then the last and first of a collection, else "true".
SnapshotMark mongo_snapshot_mark(bool first_in_coll, bool last_in_coll, bool first_coll,
                                 bool last_coll) {
  if (last_in_coll && last_coll) return SnapshotMark::Last;
  if (first_in_coll && first_coll) return SnapshotMark::First;
  if (last_in_coll) return SnapshotMark::LastInTable;
  if (first_in_coll) return SnapshotMark::FirstInTable;
  return SnapshotMark::Middle;
}

// {"_id": the document's _id}; empty when it has none.
BsonDoc snapshot_id_of(const bson_t* doc) {
  BsonDoc out;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, "_id")) bson_append_iter(out.get(), "_id", 3, &it);
  return out;
}

int64_t snapshot_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The position of snapshot reads: the stream's start point, marked as a snapshot read.
Value snapshot_reads_position(const StreamStart& s) {
  Value v = ChangeEventDecoder::change_position(
      s.kind == StreamStart::Kind::ResumeAfter ? s.token.get() : nullptr, s.t, s.i);
  v.as_object().set(intern("snapshot"), Value::boolean(true));
  return v;
}

}  // namespace

result<void> MongoSource::plan_snapshot() {
  auto all = collections_->collections(o_.scope());
  if (!all.ok()) return all.err();
  plan_.clear();
  for (auto& c : *all) {
    if (std::find(state_.done.begin(), state_.done.end(), c) == state_.done.end()) {
      plan_.push_back(std::move(c));
    }
  }
  auto current = std::find(plan_.begin(), plan_.end(), state_.current);
  if (current != plan_.end()) {
    std::rotate(plan_.begin(), current, current + 1);  // the collection in progress first
  } else {
    state_.current = CollectionName();
    state_.after = BsonDoc();
  }
  estimates_.clear();
  snapshot_total_ = state_.read;
  for (const auto& c : plan_) {
    estimates_.push_back(collections_->estimated_count(c));
    snapshot_total_ += estimates_.back();
  }
  planned_ = true;
  plan_index_ = 0;
  collection_read_ = 0;
  snapshot_ts_ = temporal::now_micros();
  snapshot_started_us_ = snapshot_clock_us();
  snapshot_position_ = snapshot_reads_position(state_.resume);
  log::info("mongodb", where_ + "snapshot of " + std::to_string(plan_.size()) +
                           " collection(s), ~" + std::to_string(snapshot_total_ - state_.read) +
                           " documents" +
                           (state_.after.empty() ? std::string()
                                                 : ", continuing " + state_.current.text() +
                                                       " after " + state_.after.canonical_json()));
  return {};
}

result<Source::Poll> MongoSource::poll_snapshot(size_t max, std::vector<Event>& out) {
  if (!planned_) {
    auto p = plan_snapshot();
    if (!p.ok()) return p.err();
  }
  const size_t start = out.size();
  const size_t dead_start = dead_.size();
  while (out.size() - start + dead_.size() - dead_start < max) {
    if (plan_index_ >= plan_.size()) {
      finish_snapshot();
      return Poll::Data;
    }
    if (!scan_open_) {
      auto s = open_scan();
      if (!s.ok()) return s.err();
    }
    BsonDoc doc;
    auto n = collections_->next(doc);
    if (!n.ok()) {
      scan_open_ = false;
      held_.reset();
      return n.err();
    }
    if (!*n) {
      deliver_held(out, true);
      collection_done();
      continue;
    }
    take_document(doc, out);
  }
  return Poll::Data;
}

result<void> MongoSource::open_scan() {
  const CollectionName& c = plan_[plan_index_];
  if (!(state_.current == c)) {
    state_.current = c;
    state_.after = BsonDoc();
  }
  auto r = collections_->scan(c, state_.after);
  if (!r.ok()) return r;
  scan_open_ = true;
  held_.reset();
  return {};
}

void MongoSource::take_document(const BsonDoc& doc, std::vector<Event>& out) {
  const CollectionName& c = plan_[plan_index_];
  auto e = decoder_.read(c.db, c.coll, doc.get(), snapshot_position_, snapshot_ts_);
  deliver_held(out, false);
  if (!e.ok()) {
    dead_.push_back(decoder_.dead_read(c.db, c.coll, doc.get(), snapshot_position_, e.err()));
    state_.after = snapshot_id_of(doc.get());
    ++state_.read;
    return;
  }
  held_ = std::move(e).value();
  held_id_ = snapshot_id_of(doc.get());
}

void MongoSource::deliver_held(std::vector<Event>& out, bool last_in_collection) {
  if (!held_) return;
  Event& e = *held_;
  e.snapshot_mark = mongo_snapshot_mark(state_.after.empty(), last_in_collection, state_.read == 0,
                                        plan_index_ + 1 == plan_.size());
  state_.after = std::move(held_id_);
  held_id_ = BsonDoc();
  ++state_.read;
  ++collection_read_;
  ++stats_.snapshot_documents;
  out.push_back(std::move(e));
  held_.reset();
}

void MongoSource::collection_done() {
  const CollectionName& c = plan_[plan_index_];
  log::debug("mongodb", where_ + "snapshot: " + c.text() + " read (" +
                            std::to_string(collection_read_) + " documents in this run)");
  state_.done.push_back(c);
  state_.current = CollectionName();
  state_.after = BsonDoc();
  ++plan_index_;
  scan_open_ = false;
  collection_read_ = 0;
}

void MongoSource::finish_snapshot() {
  const int64_t took = snapshot_clock_us() - snapshot_started_us_;
  log::info("mongodb", where_ + "snapshot done: " + std::to_string(state_.read) + " documents; " +
                           std::to_string(took / 1000) +
                           " ms in this run; the change stream follows");
  state_.phase = MongoSourceState::Phase::Stream;
  state_.done.clear();
  state_.current = CollectionName();
  state_.after = BsonDoc();
  snapshot_total_ = state_.read;
  step_ = Step::Stream;
  stream_open_ = false;
  collections_->close();
}

bool MongoSource::progress(int64_t& done, int64_t& total) const {
  if (snapshot_total_ == 0 && state_.read == 0) return false;
  done = state_.read;
  total = std::max(snapshot_total_, state_.read);
  return true;
}

void MongoSource::table_progress(std::vector<TableProgress>& out) const {
  if (step_ != Step::Snapshot || !planned_ || plan_index_ >= plan_.size()) return;
  out.push_back({plan_[plan_index_].text(), collection_read_,
                 std::max(estimates_[plan_index_], collection_read_)});
}

}  // namespace sluice::operators::mongodb
