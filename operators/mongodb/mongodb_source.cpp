#include "operators/mongodb/mongodb_source.h"

#include <algorithm>
#include <chrono>

#include "base/logger.h"
#include "base/secrets.h"
#include "operators/mongodb/errc.h"
#include "operators/mongodb/mongoc_change_stream.h"
#include "operators/mongodb/mongoc_collection_reader.h"
#include "operators/mongodb/mongoc_source_client.h"

namespace sluice::operators::mongodb {
namespace {

constexpr int64_t kMaxBackoffUs = 10000000;

int64_t source_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string seconds_of(int64_t us) {
  return std::to_string(us / 1000000) + "." + std::to_string(us / 100000 % 10) + "s";
}

std::string start_text(const StreamStart& s) {
  switch (s.kind) {
    case StreamStart::Kind::ResumeAfter:
      return "resume token " + ChangeEventDecoder::token_text(s.token.get());
    case StreamStart::Kind::AtOperationTime:
      return "operationTime " + std::to_string(s.t) + "." + std::to_string(s.i);
    case StreamStart::Kind::Now:
      break;
  }
  return "now";
}

}  // namespace

MongoSource::MongoSource(MongoSourceOptions o, std::unique_ptr<ChangeStreamReader> stream,
                         std::unique_ptr<CollectionReader> collections)
    : o_(std::move(o)),
      where_("source mongodb " + o_.stage + ": "),
      stream_(std::move(stream)),
      collections_(std::move(collections)),
      decoder_(o_.stage, o_.full_document) {}

MongoSource::~MongoSource() { close(); }

result<std::unique_ptr<Source>> MongoSource::make(const StageConfig& cfg) {
  auto o = MongoSourceOptions::from_config(cfg);
  if (!o.ok()) return o.err();
  const std::string where = "source mongodb " + cfg.name + ": ";
  auto client = MongocSourceClient::create(o->uri, where);
  if (!client.ok()) return client.err();
  MongocChangeStream::Settings s{o->scope(), o->full_document, o->before_images, o->batch_size,
                                 where};
  auto stream = std::make_unique<MongocChangeStream>(*client, std::move(s));
  auto colls = std::make_unique<MongocCollectionReader>(*client, o->batch_size, where);
  return std::unique_ptr<Source>(
      new MongoSource(std::move(o).value(), std::move(stream), std::move(colls)));
}

result<void> MongoSource::open(const std::string& state) {
  close();
  planned_ = false;
  scan_open_ = false;
  held_.reset();
  pending_.reset();
  down_since_us_ = retry_at_us_ = 0;
  snapshot_total_ = 0;
  last_ddl_.clear();
  if (state.empty()) {
    state_ = MongoSourceState();
    step_ = Step::Start;
    return {};
  }
  auto s = MongoSourceState::decode(state);
  if (!s.ok()) return s.err();
  state_ = std::move(s).value();
  if (state_.resume.kind == StreamStart::Kind::Now) {
    return error::permanent(errc::bad_state, where_ + "checkpoint state without a resume point");
  }
  step_ = state_.phase == MongoSourceState::Phase::Snapshot ? Step::Snapshot : Step::Stream;
  log::info("mongodb",
            where_ +
                (step_ == Step::Snapshot ? "resuming the snapshot (" + std::to_string(state_.read) +
                                               " documents read), then the stream"
                                         : "resuming the change stream") +
                " from " + start_text(state_.resume));
  return {};
}

result<Source::Poll> MongoSource::poll(size_t max, std::vector<Event>& out) {
  if (pending_) {
    error e = *pending_;
    pending_.reset();
    return e;
  }
  if (retry_at_us_ != 0 && source_clock_us() < retry_at_us_) return Poll::Idle;
  retry_at_us_ = 0;
  const size_t before = out.size();
  auto r = step(max, out);
  if (!r.ok()) return failed(r.err(), out.size() > before);
  recovered();
  return r;
}

result<Source::Poll> MongoSource::step(size_t max, std::vector<Event>& out) {
  if (step_ == Step::Start) {
    auto r = take_start_point();
    if (!r.ok()) return r.err();
  }
  if (step_ == Step::Snapshot) return poll_snapshot(max, out);
  return poll_stream(max, out);
}

result<void> MongoSource::take_start_point() {
  auto w = stream_->watch(StreamStart());
  if (!w.ok()) return w;
  StreamStart p = stream_->position();
  if (p.kind == StreamStart::Kind::Now) {
    stream_->close();
    return error::permanent(errc::not_replica_set,
                            where_ +
                                "the server gave neither a resume token nor an "
                                "operationTime: the start point cannot be kept (a replica "
                                "set or a sharded cluster is needed)");
  }
  state_.resume = std::move(p);
  if (o_.snapshot == SnapshotMode::Initial) {
    stream_->close();  // reopened at this point once the collections are read
    state_.phase = MongoSourceState::Phase::Snapshot;
    step_ = Step::Snapshot;
  } else {
    stream_open_ = true;
    state_.phase = MongoSourceState::Phase::Stream;
    step_ = Step::Stream;
  }
  log::info("mongodb", where_ + "change stream of " + scope_text() + " starts at " +
                           start_text(state_.resume) +
                           (step_ == Step::Snapshot ? " (after the snapshot)" : ""));
  return {};
}

// ---- the stream ----

result<Source::Poll> MongoSource::poll_stream(size_t max, std::vector<Event>& out) {
  if (!stream_open_) {
    auto w = stream_->watch(state_.resume);
    if (!w.ok()) return w.err();
    stream_open_ = true;
  }
  const size_t start = out.size();
  const size_t dead_start = dead_.size();
  while (out.size() - start < max && dead_.size() - dead_start < max) {
    BsonDoc doc;
    auto n = stream_->next(doc);
    if (!n.ok()) {
      stream_open_ = false;
      return n.err();
    }
    if (!*n) {
      state_.resume = stream_->position();  // a later post-batch token while nothing matched
      break;
    }
    auto a = apply_change(doc, out);
    if (!a.ok()) return a.err();
    state_.resume = stream_->position();
  }
  return out.size() > start || dead_.size() > dead_start ? Poll::Data : Poll::Idle;
}

result<void> MongoSource::apply_change(const BsonDoc& doc, std::vector<Event>& out) {
  auto c = decoder_.decode(doc.get());
  if (!c.ok()) {
    dead_.push_back(decoder_.dead_letter(doc.get(), c.err()));
    return {};
  }
  switch (c->kind) {
    case ChangeEvent::Kind::Row:
      if (c->partial && !partial_logged_) {
        partial_logged_ = true;
        log::info("mongodb", where_ + "updates of " + c->db + "." + c->collection +
                                 " arrive without their document: they carry only the changed "
                                 "fields (full_document = update_lookup gives whole documents)");
      }
      stats_.partial_updates += c->partial ? 1 : 0;
      ++stats_.changes;
      out.push_back(std::move(c->event));
      break;
    case ChangeEvent::Kind::Truncate:
      ++stats_.truncates;
      last_ddl_ = "drop of " + c->db + "." + c->collection;
      log::info("mongodb", where_ + "collection " + c->db + "." + c->collection +
                               " was dropped: a truncate event (t) for it goes downstream");
      out.push_back(std::move(c->event));
      break;
    case ChangeEvent::Kind::Rename:
      log_rename(*c);
      break;
    case ChangeEvent::Kind::DropDatabase:
      last_ddl_ = "dropDatabase of " + c->db;
      log::info("mongodb", where_ + "database " + c->db +
                               " was dropped (each of its collections came as a drop: a "
                               "truncate event)");
      break;
    case ChangeEvent::Kind::Invalidate:
      return invalidated(*c);
    case ChangeEvent::Kind::Skip:
      ++stats_.skipped;
      log::debug("mongodb", where_ + c->operation + " on " + c->db + "." + c->collection +
                                " skipped (" + c->note + ")");
      break;
  }
  return {};
}

void MongoSource::log_rename(const ChangeEvent& c) {
  const std::string from = c.db + "." + c.collection;
  const std::string to = c.to_db + "." + c.to_collection;
  last_ddl_ = "rename of " + from + " to " + to;
  std::string what = where_ + "collection " + from + " was renamed to " + to;
  if (o_.collections.size() == 1) {
    what += ": the change stream of that collection ends here";
  } else if (watched(c.to_db, c.to_collection)) {
    what += ": the stream continues; changes of " + to + " are read from now on (@table " +
            c.to_collection + ")";
  } else {
    what += ": the stream continues; " + to + " is not among the collections read";
  }
  log::info("mongodb", what);
}

error MongoSource::invalidated(const ChangeEvent& c) const {
  std::string msg = where_ + "the change stream of " + scope_text() + " was invalidated";
  if (!last_ddl_.empty()) msg += " after the " + last_ddl_;
  if (c.event.position.type() == Type::Object) {
    msg += " (position " + c.event.position.to_display() + ")";
  }
  msg += ": a change stream cannot continue past that. ";
  if (o_.collections.size() == 1) {
    msg +=
        "To go on, watch the database instead (name several collections, or none: drops "
        "and renames then arrive as events and the stream continues), or ";
  } else if (!o_.database.empty()) {
    msg += "To go on, watch the deployment (database = \"\"), or ";
  } else {
    msg += "To go on, ";
  }
  msg +=
      "remove the pipeline's checkpoint (its state directory) to start again with a new "
      "snapshot.";
  return error::permanent(errc::invalidated, secrets::redact(msg));
}

// ---- failures ----

result<Source::Poll> MongoSource::failed(const error& e, bool delivered) {
  error err = e;
  if (e.kind == failure_kind::transient) {
    auto r = retry_later(e);
    if (r.ok()) return delivered ? Poll::Data : Poll::Idle;
    err = r.err();
  }
  if (delivered) {
    pending_ = err;  // the events of this poll go out first
    return Poll::Data;
  }
  return err;
}

result<void> MongoSource::retry_later(const error& e) {
  const int64_t now = source_clock_us();
  if (down_since_us_ == 0) {
    down_since_us_ = now;
    backoff_us_ = 100000;
  }
  down_reason_ = e.message;
  stream_->close();
  stream_open_ = false;
  collections_->close();
  scan_open_ = false;
  held_.reset();  // read again from the last _id delivered
  if (now - down_since_us_ >= o_.reconnect_timeout_us) {
    return error::permanent(errc::unreachable,
                            where_ + "the deployment has been unreachable for " +
                                seconds_of(now - down_since_us_) + " (reconnect_timeout " +
                                seconds_of(o_.reconnect_timeout_us) + "): " + e.message);
  }
  const int64_t wait = std::min(backoff_us_, down_since_us_ + o_.reconnect_timeout_us - now);
  retry_at_us_ = now + std::max<int64_t>(wait, 1);
  backoff_us_ = std::min(backoff_us_ * 2, kMaxBackoffUs);
  ++stats_.reconnects;
  log::warn("mongodb",
            secrets::redact(e.message) + "; retrying in " + std::to_string(wait / 1000) + "ms");
  return {};
}

void MongoSource::recovered() {
  if (down_since_us_ == 0) return;
  log::info("mongodb",
            where_ + "reading again after " + seconds_of(source_clock_us() - down_since_us_));
  down_since_us_ = 0;
  down_reason_.clear();
  backoff_us_ = 100000;
}

std::string MongoSource::health() const {
  if (down_since_us_ == 0) return {};
  return "reconnecting for " + seconds_of(source_clock_us() - down_since_us_) + ": " +
         secrets::redact(down_reason_);
}

// ---- reporting ----

std::string MongoSource::scope_text() const {
  if (o_.database.empty()) return "the deployment";
  if (o_.collections.size() == 1) return "collection " + o_.database + "." + o_.collections[0];
  return "database " + o_.database +
         (o_.collections.empty() ? ""
                                 : " (" + std::to_string(o_.collections.size()) + " collections)");
}

bool MongoSource::watched(const std::string& db, const std::string& coll) const {
  if (o_.database.empty()) return true;
  if (db != o_.database) return false;
  return o_.collections.empty() ||
         std::find(o_.collections.begin(), o_.collections.end(), coll) != o_.collections.end();
}

void MongoSource::take_dead(std::vector<Event>& out) {
  for (auto& e : dead_) out.push_back(std::move(e));
  dead_.clear();
}

void MongoSource::report_stats(OperatorStats& out) const {
  auto add = [&](const char* name, const char* help, uint64_t v) {
    out.push_back({name, help, true, static_cast<int64_t>(v)});
  };
  add("changes", "Inserts, updates, replaces and deletes the change stream delivered.",
      stats_.changes);
  add("snapshot_documents", "Documents the snapshot delivered (op r).", stats_.snapshot_documents);
  add("truncates", "Dropped collections (truncate events).", stats_.truncates);
  add("partial_updates", "Updates that carried only the changed fields.", stats_.partial_updates);
  add("skipped_changes", "Superseded updates and index or collection events skipped.",
      stats_.skipped);
  add("reconnects", "Transient failures the source retried by itself.", stats_.reconnects);
}

void MongoSource::close() {
  if (stream_) stream_->close();
  if (collections_) collections_->close();
  stream_open_ = false;
  scan_open_ = false;
}

}  // namespace sluice::operators::mongodb
