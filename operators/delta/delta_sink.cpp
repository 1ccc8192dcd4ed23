#include "operators/delta/delta_sink.h"

#include <cctype>
#include <random>

#include "base/logger.h"
#include "operators/common/stage_options.h"
#include "operators/delta/errc.h"
#include "operators/delta/local_table_store.h"
#include "operators/delta/s3_table_store.h"
#include "operators/delta/s3_url.h"
#include "operators/delta/sink_tables.h"
#include "operators/delta/table_location.h"

namespace sluice::operators::delta {
namespace {

std::string run_prefix() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%08x%08x", rd(), rd());
  return buf;
}

}  // namespace

DeltaSink::DeltaSink(DeltaOptions opts) : opts_(std::move(opts)) {
  settings_.file_rows = opts_.file_rows;
  settings_.file_size = opts_.file_size;
  settings_.parquet.row_group_rows = opts_.row_group_rows;
  settings_.parquet.zstd = opts_.compression == Compression::Zstd;
  settings_.file_prefix = run_prefix();
  settings_.upsert = opts_.mode == Mode::Upsert;
  settings_.key = opts_.key;
  settings_.optimize_files = opts_.optimize_files;
  settings_.log_checkpoint_every = opts_.log_checkpoint_every;
}

DeltaSink::~DeltaSink() = default;

result<std::unique_ptr<Sink>> DeltaSink::make(const StageConfig& cfg) {
  auto o = DeltaOptions::from_config(cfg);
  if (!o.ok()) return o.err();
  return std::unique_ptr<Sink>(new DeltaSink(std::move(o.value())));
}

result<void> DeltaSink::open(const std::string& state) {
  auto pending = decode_pending(state);
  if (!pending.ok()) return pending.err();
  pending_ = std::move(pending.value());
  // Every commit the state owes belongs to a checkpoint the engine wrote: complete them.
  if (!pending_.empty()) {
    committed_up_to_ = pending_.back().id;
    has_committed_ = true;
  }
  return commit_due();
}

result<std::string> DeltaSink::path_of(const Event& e) const { return table_location(opts_, e); }

result<std::shared_ptr<TableStore>> DeltaSink::store_for(const std::string& location) {
  return open_table_store(opts_, location, &s3_);  // one S3 client for every table
}

result<DeltaTable*> DeltaSink::table_for(const Event& e) {
  if (!opts_.path && constant_table_ != nullptr) return constant_table_;
  auto path = path_of(e);
  if (!path.ok()) return path.err();
  auto it = tables_.find(path.value());
  if (it != tables_.end()) return it->second.get();
  auto store = store_for(path.value());
  if (!store.ok()) return store.err();
  auto t = std::make_unique<DeltaTable>(std::move(store.value()), settings_);
  if (auto r = t->open(); !r) return r.err();
  DeltaTable* raw = t.get();
  tables_.emplace(path.value(), std::move(t));
  if (!opts_.path) constant_table_ = raw;
  return raw;
}

void DeltaSink::dead_letter(Event& e, const error& err, std::vector<Event>& dead) const {
  mark_dead(e, opts_.stage, err.code, "delta: " + err.message);
  dead.push_back(std::move(e));
}

result<void> DeltaSink::write(std::vector<Event>& events, std::vector<Event>& dead) {
  if (auto c = commit_due(); !c) return c;
  for (Event& e : events) {
    if (e.op == Op::Schema) continue;
    auto t = table_for(e);
    if (!t.ok()) {
      if (t.err().kind != failure_kind::permanent) return t.err();
      dead_letter(e, t.err(), dead);
      continue;
    }
    auto r = t.value()->apply(e);
    if (!r) {
      if (r.err().kind != failure_kind::permanent) return r.err();
      dead_letter(e, r.err(), dead);
      continue;
    }
    ++rows_;
  }
  return {};
}

result<std::string> DeltaSink::checkpoint(uint64_t id) {
  if (auto c = commit_due(); !c) return c.err();
  PendingCommit p;
  p.id = id;
  for (auto& [dir, t] : tables_) {
    auto c = t->prepare_commit();
    if (!c.ok()) return c.err();
    if (c->adds.empty() && c->removes.empty()) continue;
    files_ += static_cast<int64_t>(c->adds.size());
    p.tables.push_back(std::move(c.value()));
  }
  if (!p.tables.empty()) pending_.push_back(std::move(p));
  return encode_pending(pending_);
}

void DeltaSink::checkpoint_committed(uint64_t id) {
  committed_up_to_ = id;
  has_committed_ = true;
  if (auto c = commit_due(); !c) {
    log::warn("delta", "sink " + opts_.stage + ": " + c.err().message +
                           " (the commit is made again with the next write)");
  }
}

result<void> DeltaSink::commit_due() {
  while (has_committed_ && !pending_.empty() && pending_.front().id <= committed_up_to_) {
    PendingCommit& p = pending_.front();
    while (!p.tables.empty()) {
      if (auto r = commit_table(p.tables.front(), p.id); !r) return r;
      p.tables.erase(p.tables.begin());
    }
    pending_.erase(pending_.begin());
  }
  return {};
}

result<void> DeltaSink::commit_table(const TableCommit& t, uint64_t id) {
  // A table this run writes has its log loaded (and its files planned past this commit); after
  // a restart the log is read for the commit alone, the table opened anew when events come.
  auto it = tables_.find(t.dir);
  std::unique_ptr<DeltaLog> fresh;
  DeltaLog* log = nullptr;
  if (it != tables_.end()) {
    log = &it->second->log();
  } else {
    auto store = store_for(t.dir);
    if (!store.ok()) return store.err();
    fresh = std::make_unique<DeltaLog>(std::move(store.value()));
    if (auto r = fresh->load(); !r) return r;
    log = fresh.get();
  }
  if (log->txn_version(opts_.app_id) >= static_cast<int64_t>(id)) return {};  // already there
  log->set_checkpoint_every(settings_.log_checkpoint_every);
  CommitSpec c;
  c.schema = t.schema;
  c.adds = t.adds;
  c.removes = t.removes;
  c.operation = settings_.upsert ? "MERGE" : "WRITE";
  c.app_id = opts_.app_id;
  c.txn_version = static_cast<int64_t>(id);
  auto v = log->commit(c);
  if (!v.ok()) return v.err();
  ++commits_;
  return {};
}

void DeltaSink::report_stats(OperatorStats& out) const {
  out.push_back({"rows_written", "Rows appended to data files.", true, rows_});
  out.push_back({"files_committed", "Data files sealed for a commit.", true, files_});
  out.push_back({"commits", "Delta log versions written.", true, commits_});
  out.push_back(
      {"tables", "Tables this instance writes.", false, static_cast<int64_t>(tables_.size())});
}

void DeltaSink::close() {
  // Open files hold rows of no checkpoint: the sources replay them after a restart.
  constant_table_ = nullptr;
  tables_.clear();
}

}  // namespace sluice::operators::delta
