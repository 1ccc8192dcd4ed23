#include "operators/mongodb/mongodb_sink.h"

#include "base/logger.h"
#include "base/secrets.h"
#include "base/temporal.h"
#include "operators/mongodb/mongo_failure.h"
#include "operators/mongodb/mongoc_executor.h"

namespace sluice::operators::mongodb {

MongoSink::MongoSink(MongoOptions opts, std::unique_ptr<BulkExecutor> exec)
    : opts_(std::move(opts)), planner_(opts_), exec_(std::move(exec)) {}

result<std::unique_ptr<Sink>> MongoSink::make(const StageConfig& cfg) {
  auto o = MongoOptions::from_config(cfg);
  if (!o.ok()) return o.err();
  auto ex = MongocExecutor::create(o.value());
  if (!ex.ok()) return ex.err();
  return std::unique_ptr<Sink>(new MongoSink(std::move(o.value()), std::move(ex.value())));
}

result<void> MongoSink::open(const std::string& /*state*/) {
  pending_.clear();
  return {};
}

result<void> MongoSink::run(const std::string& collection, const std::vector<const WriteOp*>& ops,
                            const std::vector<const Event*>& evs, std::vector<Event>& dead,
                            bool ordered) {
  if (ops.empty()) return {};
  stats_.bulk_writes++;
  BulkOutcome out = exec_->execute(collection, ops, ordered);
  for (const auto& [i, msg] : out.rejected) {
    planner_.dead_letter(*evs[ops[i]->event], errc::driver_refused, "refused by libmongoc: " + msg,
                         dead);
  }
  if (out.ok) {
    stats_.ops += out.sent.size();
    return {};
  }
  MongoFailure f = MongoFailure::classify(out.error, out.reply.get());
  std::string where =
      "sink mongodb " + opts_.stage + ": bulk write to " + opts_.database + "." + collection + ": ";
  switch (f.kind) {
    case MongoFailure::Kind::Transient:
      return error::transient(errc::connect, secrets::redact(where + f.describe()));
    case MongoFailure::Kind::Fatal:
      return error::fatal(errc::refused, secrets::redact(where + f.describe()));
    case MongoFailure::Kind::Documents: {
      for (const auto& d : f.doc_errors) {
        if (d.index >= out.sent.size()) {
          return error::fatal(
              errc::refused,
              secrets::redact(where + "a write error names index " + std::to_string(d.index) +
                              " of " + std::to_string(out.sent.size()) + " operations"));
        }
      }
      for (const auto& d : f.doc_errors) {
        planner_.dead_letter(*evs[ops[out.sent[d.index]]->event], errc::refused, d.message, dead);
      }
      if (ordered && !f.doc_errors.empty()) {
        // An ordered write stops at its first error: the ops after it were not applied.
        size_t failed = f.doc_errors.front().index;
        stats_.ops += failed;
        std::vector<const WriteOp*> rest;
        for (size_t i = failed + 1; i < out.sent.size(); ++i) rest.push_back(ops[out.sent[i]]);
        return run(collection, rest, evs, dead, true);
      }
      stats_.ops += out.sent.size() - f.doc_errors.size();
      return {};
    }
    case MongoFailure::Kind::Batch: {
      stats_.split_attempts++;
      std::vector<const WriteOp*> sent;
      sent.reserve(out.sent.size());
      for (size_t i : out.sent) sent.push_back(ops[i]);
      if (sent.size() == 1) {
        planner_.dead_letter(*evs[sent[0]->event], errc::refused, f.describe(), dead);
        return {};
      }
      size_t mid = sent.size() / 2;
      std::vector<const WriteOp*> lo(sent.begin(), sent.begin() + static_cast<long>(mid));
      std::vector<const WriteOp*> hi(sent.begin() + static_cast<long>(mid), sent.end());
      auto r = run(collection, lo, evs, dead, ordered);
      if (!r.ok()) return r;
      return run(collection, hi, evs, dead, ordered);
    }
  }
  return {};
}

result<void> MongoSink::flush(const std::vector<const Event*>& evs, std::vector<Event>& dead) {
  if (evs.empty()) return {};
  std::vector<Event> local_dead;
  std::vector<CollectionBatch> batches = planner_.plan(evs, local_dead);
  for (const auto& b : batches) {
    if (b.ordered && keyless_logged_.insert(b.collection).second) {
      log::info("mongodb", "sink " + opts_.stage + ": collection " + b.collection +
                               " receives a table without a key: creates insert, updates and "
                               "deletes change one document equal to the before image, in order");
    }
  }
  std::vector<const WriteOp*> ops;
  for (const auto& b : batches) {
    ops.clear();
    ops.reserve(b.ops.size());
    for (const auto& op : b.ops) ops.push_back(&op);
    auto r = run(b.collection, ops, evs, local_dead, b.ordered);
    if (!r.ok()) return r;  // nothing of this call is taken: its dead letters are redone too
  }
  stats_.dead += local_dead.size();
  for (auto& e : local_dead) dead.push_back(std::move(e));
  return {};
}

result<void> MongoSink::write(std::vector<Event>& events, std::vector<Event>& dead) {
  for (auto& e : deferred_dead_) dead.push_back(std::move(e));
  deferred_dead_.clear();
  int64_t now = temporal::now_micros();
  if (events.empty() && (pending_.empty() || now - first_pending_us_ < opts_.batch_delay_us)) {
    return {};
  }
  if (pending_.empty()) first_pending_us_ = now;
  if (!events.empty() && static_cast<int64_t>(pending_.size() + events.size()) < opts_.batch_rows &&
      now - first_pending_us_ < opts_.batch_delay_us) {
    pending_.insert(pending_.end(), events.begin(), events.end());
    return {};
  }
  std::vector<const Event*> evs;
  evs.reserve(pending_.size() + events.size());
  for (const auto& e : pending_) evs.push_back(&e);
  for (const auto& e : events) evs.push_back(&e);
  auto r = flush(evs, dead);
  if (r.ok()) pending_.clear();
  return r;
}

result<void> MongoSink::flush_pending(std::vector<Event>& dead) {
  std::vector<const Event*> evs;
  evs.reserve(pending_.size());
  for (const auto& e : pending_) evs.push_back(&e);
  auto r = flush(evs, dead);
  if (r.ok()) pending_.clear();
  return r;
}

result<void> MongoSink::idle(std::vector<Event>& dead) {
  if (!opts_.batch_adaptive || pending_.empty()) return {};
  return flush_pending(dead);
}

result<std::string> MongoSink::checkpoint(uint64_t /*id*/) {
  if (!pending_.empty()) {
    auto r = flush_pending(deferred_dead_);
    if (!r.ok()) return r.err();
  }
  return std::string("{}");
}

void MongoSink::close() { pending_.clear(); }

void MongoSink::report_stats(OperatorStats& out) const {
  auto add = [&](const char* name, const char* help, uint64_t v) {
    out.push_back({name, help, true, static_cast<int64_t>(v)});
  };
  add("operations", "Write operations the MongoDB server accepted.", stats_.ops);
  add("bulk_writes", "Bulk write calls (split attempts included).", stats_.bulk_writes);
  add("dead_letters", "Records the MongoDB sink dead-lettered.", stats_.dead);
  add("split_attempts", "Failed bulk writes split to find the bad record.", stats_.split_attempts);
}

}  // namespace sluice::operators::mongodb
