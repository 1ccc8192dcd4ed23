#include "operators/postgres/postgres_sink.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <random>

#include "engine/common/logger.h"
#include "engine/common/secrets.h"
#include "engine/value/json.h"
#include "engine/value/temporal.h"

namespace sluice::operators::postgres {
namespace {

void set_session(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  tx.exec(
      "SET TimeZone = 'UTC'; SET client_min_messages = warning; SET DateStyle = 'ISO, YMD'; "
      "SET extra_float_digits = 3");
}

}  // namespace

PostgresSink::PostgresSink(SinkOptions opts)
    : opts_(std::move(opts)),
      planner_(opts_, catalog_),
      writer_(opts_.mode),
      ckpt_(opts_.pipeline, opts_.stage) {}

PostgresSink::~PostgresSink() = default;

result<std::unique_ptr<Sink>> PostgresSink::make(const StageConfig& cfg) {
  auto o = SinkOptions::from_config(cfg);
  if (!o.ok()) return o.err();
  return std::unique_ptr<Sink>(new PostgresSink(std::move(o.value())));
}

error PostgresSink::fail(const PgFailure& f, const char* what) {
  std::string msg =
      secrets::redact("sink postgres " + opts_.stage + ": " + what + ": " + f.describe());
  writer_.aborted();
  if (f.kind == PgFailure::Kind::Transient) {
    conn_.reset();
    writer_.reset();
    return error::transient(msg);
  }
  conn_.reset();
  writer_.reset();
  catalog_.clear();
  // Unexpected errors (a table changed under us: 42703, 42P01) get one retry with a fresh
  // catalog; a second one in a row stops the stage.
  if (++other_failures_ <= 1) return error::transient(msg);
  return error::fatal(msg);
}

result<void> PostgresSink::connect() {
  if (conn_ && conn_->is_open()) return {};
  conn_.reset();
  writer_.reset();
  try {
    conn_ = std::make_unique<pqxx::connection>(opts_.url);
    set_session(*conn_);
  } catch (const std::exception& e) {
    conn_.reset();
    PgFailure f = PgFailure::from(e);
    if (f.kind != PgFailure::Kind::Other || dynamic_cast<const pqxx::failure*>(&e) != nullptr) {
      f.kind = PgFailure::Kind::Transient;
    }
    return fail(f, "cannot connect");
  }
  return {};
}

std::string PostgresSink::event_id(const Event& e) {
  std::string id = op_code(e.op);
  id += '|';
  if (!e.position.is_null()) json::encode(e.position, id);
  id += '|';
  if (!e.key.is_null()) {
    json::encode(e.key, id);
  } else if (e.source) {
    for (const auto& k : e.source->primary_key) {
      const Value* v = e.row.find(intern(k));
      if (v != nullptr) json::encode(*v, id);
      id += ',';
    }
  }
  return id;
}

result<void> PostgresSink::open(const std::string& state) {
  accepted_ = 0;
  replay_until_ = 0;
  replay_id_.clear();
  held_.clear();
  pending_.clear();
  skip_next_ = 0;
  in_doubt_.reset();
  lineage_.clear();
  takeover_tables_.clear();
  lineage_tables_.clear();
  tables_dirty_ = false;
  acked_ = false;
  if (!state.empty()) {
    auto st = json::parse(state);
    if (st.ok() && st->type() == Type::Object) {
      const Value* seq = st->as_object().find(intern("seq"));
      if (seq != nullptr && seq->type() == Type::Int) accepted_ = seq->as_int();
      const Value* lin = st->as_object().find(intern("lineage"));
      if (lin != nullptr && lin->type() == Type::String) lineage_ = lin->as_string();
    }
  }
  const bool same_lineage_possible = !lineage_.empty();
  if (lineage_.empty()) {  // a fresh start: whatever the target holds is not our replay
    std::random_device rd;
    uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                 static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r));
    lineage_ = buf;
  }
  auto r = connect();
  if (!r.ok()) return r;
  std::optional<CheckpointTable::Stored> stored;
  try {
    ckpt_.ensure(*conn_);
    stored = ckpt_.read_row(*conn_);
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot read sluice_checkpoints");
  }
  stored_position_ = stored ? stored->position : std::nullopt;
  last_position_ = stored_position_.value_or("");
  acked_ = same_lineage_possible;  // a state exists: a checkpoint of this lineage completed
  const bool stored_ours = stored && stored->event_id.rfind(lineage_ + "|", 0) == 0;
  if (stored_ours) lineage_tables_ = stored->tables;
  // Only a start with no engine state at all takes over: a state without a lineage (e.g.
  // `sluice reconcile --repair`, which carries the stored seq over) never clears tables.
  if (state.empty() && stored && !stored->event_id.empty()) {
    // Parallel instances (stage NAME#i) share tables: one instance's clear could remove rows
    // another instance of this run already wrote, so they never clear.
    const bool instance = opts_.stage.find('#') != std::string::npos;
    if (!stored->acked && opts_.mode != Mode::Append && !stored->tables.empty() && !instance) {
      takeover_tables_ = stored->tables;
      takeover_event_ = Event();
      takeover_event_.op = Op::Truncate;
      takeover_event_.ts = temporal::now_micros();
      std::string list;
      for (const auto& t : takeover_tables_) list += (list.empty() ? "" : ", ") + t;
      log::warn("postgres", "sink " + opts_.stage + ": no checkpoint, and the target holds the " +
                                "output of an earlier run that never reached one; its tables (" +
                                list + ") are cleared in the first transaction of this run");
    } else if (stored->acked) {
      log::warn("postgres", "sink " + opts_.stage + ": no checkpoint, but the target holds the " +
                                "output of an earlier run that reached checkpoints (was the " +
                                "state directory deleted?): its rows are kept");
    }
  }
  if (same_lineage_possible && stored && stored->seq > accepted_ &&
      stored->event_id.rfind(lineage_ + "|", 0) == 0) {
    replay_until_ = stored->seq;
    replay_id_ = stored->event_id;
    log::info("postgres", "sink " + opts_.stage + ": the target holds " +
                              std::to_string(replay_until_ - accepted_) +
                              " event(s) beyond the engine checkpoint; replayed events up to " +
                              "them are dropped");
  } else if (stored && stored->seq > 0 && stored->seq < accepted_) {
    log::warn("postgres", "sink " + opts_.stage + ": the target is behind the engine checkpoint (" +
                              std::to_string(stored->seq) + " < " + std::to_string(accepted_) +
                              " events): was it restored from a backup?");
  }
  opened_ = true;
  return {};
}

result<std::optional<std::string>> PostgresSink::read_stored_position(const std::string& url,
                                                                      const std::string& pipeline,
                                                                      const std::string& stage) {
  register_url_secrets(url);
  try {
    pqxx::connection c(url);
    CheckpointTable t(pipeline, stage);
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec("SELECT to_regclass('public.sluice_checkpoints') IS NOT NULL");
    tx.commit();
    if (!r[0][0].as<bool>()) return std::optional<std::string>();
    return t.read(c);
  } catch (const std::exception& e) {
    PgFailure f = PgFailure::from(e);
    std::string msg = secrets::redact("sink postgres " + stage + ": " + f.describe());
    if (f.kind == PgFailure::Kind::Other) return error::fatal(msg);
    return error::transient(msg);
  }
}

int64_t PostgresSink::next_token() {
  int64_t now = temporal::now_micros();
  last_token_ = now > last_token_ ? now : last_token_ + 1;
  return last_token_;
}

result<void> PostgresSink::resolve_in_doubt(std::vector<Event>& dead) {
  if (!in_doubt_) return {};
  auto r = connect();
  if (!r.ok()) return r;
  bool committed = false;
  try {
    committed = ckpt_.committed_at(*conn_, in_doubt_->token);
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot check an in-doubt commit");
  }
  if (committed) {
    pending_.clear();
    skip_next_ = in_doubt_->call_events;
    last_position_ = in_doubt_->position;
    stats_.transactions++;
    stats_.rows += in_doubt_->rows;
    for (auto& e : in_doubt_->dead) dead.push_back(std::move(e));
  }
  in_doubt_.reset();
  return {};
}

void PostgresSink::apply_range(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo,
                               size_t hi, std::vector<Event>& dead) {
  stats_.split_attempts++;
  if (g.truncate) {  // a truncate the table refuses (e.g. 0A000: referenced by a foreign key)
    try {
      pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "sluice_split");
      writer_.apply(sub, g, 0, 0);
      sub.commit();
    } catch (const std::exception& e) {
      PgFailure f = PgFailure::from(e);
      if (f.kind == PgFailure::Kind::Transient) throw;
      planner_.dead_letter(*g.events[0], "write",
                           "TRUNCATE: " + f.describe() + " (table " + g.table->name.display() + ")",
                           dead);
    }
    return;
  }
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "sluice_split");
    writer_.apply(sub, g, lo, hi);
    sub.commit();
    return;
  } catch (const std::exception& e) {
    PgFailure f = PgFailure::from(e);
    if (f.kind != PgFailure::Kind::Data) throw;
    if (hi - lo == 1) {
      planner_.dead_letter(*g.items[lo].ev, "write",
                           f.describe() + " (table " + g.table->name.display() + ")", dead);
      return;
    }
  }
  size_t mid = lo + (hi - lo) / 2;
  apply_range(tx, g, lo, mid, dead);
  apply_range(tx, g, mid, hi, dead);
}

result<void> PostgresSink::flush(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                                 size_t call_events, int64_t last_seq) {
  if (evs.empty() && takeover_tables_.empty()) return {};
  auto r = connect();
  if (!r.ok()) return r;
  std::vector<Event> local_dead;
  std::vector<WriteGroup> groups;
  try {
    // The earlier run's tables are cleared first (same transaction as this flush's rows).
    for (const auto& name : takeover_tables_) {
      WriteGroup t;
      t.table = &catalog_.get(*conn_, name);
      if (!t.table->exists) continue;
      // soft_delete marks rows deleted: a table without cdc_deleted was not written that way.
      if (opts_.mode == Mode::SoftDelete && t.table->column("cdc_deleted") == nullptr) continue;
      t.events.push_back(&takeover_event_);
      t.truncate = true;
      // Empty once this transaction commits: snapshot rows after it may go by COPY (a
      // conflict, should it fail and be retried, turns that off again).
      if (opts_.mode == Mode::Upsert) t.table->copy_safe = true;
      groups.push_back(std::move(t));
    }
    auto planned = planner_.plan(*conn_, evs, local_dead);
    for (auto& g : planned) groups.push_back(std::move(g));
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot prepare tables");
  }
  for (const auto& g : groups) {
    std::string name = g.table->name.display();
    if (std::find(lineage_tables_.begin(), lineage_tables_.end(), name) == lineage_tables_.end()) {
      lineage_tables_.push_back(std::move(name));
      tables_dirty_ = true;
    }
  }
  const Event* last = evs.empty() ? nullptr : evs.back();
  std::string position = last == nullptr || last->position.is_null()
                             ? (last == nullptr ? last_position_ : std::string())
                             : json::encode(last->position);
  uint64_t rows = 0;
  for (const auto& g : groups) rows += g.items.size();
  int64_t token = next_token();
  std::string last_id = lineage_ + "|" + (last == nullptr ? std::string("t||") : event_id(*last));
  auto commit = [&](pqxx::work& tx) -> result<void> {
    bool new_tables = tables_dirty_ || !takeover_tables_.empty();
    ckpt_.write(tx, position, token, last_seq, last_id, new_tables ? &lineage_tables_ : nullptr,
                acked_);
    try {
      tx.commit();
    } catch (const std::exception& e) {
      PgFailure f = PgFailure::from(e);
      if (f.in_doubt || f.kind == PgFailure::Kind::Transient) {
        in_doubt_ = InDoubt{token, call_events, position, local_dead, rows};
      }
      return fail(f, "commit failed");
    }
    writer_.committed();
    if (!takeover_tables_.empty()) {
      log::info("postgres", "sink " + opts_.stage + ": cleared the earlier run's tables");
      takeover_tables_.clear();
    }
    tables_dirty_ = false;
    for (auto& g : groups) {
      if (!g.direct && !g.truncate) g.table->copy_safe = false;  // a truncate leaves it empty
      if (g.direct) stats_.direct_copies++;
    }
    last_position_ = position;
    other_failures_ = 0;
    stats_.transactions++;
    stats_.rows += rows;
    stats_.dead += local_dead.size();
    for (auto& e : local_dead) dead.push_back(std::move(e));
    return {};
  };
  // Fast path: everything at once.
  size_t current = groups.size();
  size_t dead_before = local_dead.size();
  try {
    pqxx::work tx(*conn_);
    for (size_t i = 0; i < groups.size(); ++i) {
      current = i;
      writer_.prepare(tx, groups[i]);
      writer_.apply(tx, groups[i], 0, groups[i].items.size());
    }
    current = groups.size();
    return commit(tx);
  } catch (const std::exception& e) {
    writer_.aborted();
    PgFailure f = PgFailure::from(e);
    bool refused_truncate =
        current < groups.size() && groups[current].truncate && f.kind == PgFailure::Kind::Other;
    if (f.kind != PgFailure::Kind::Data && !refused_truncate) return fail(f, "write failed");
    if (current < groups.size() && groups[current].direct && opts_.mode != Mode::Append) {
      groups[current].direct = false;  // e.g. a snapshot row already there: go by staging
      groups[current].table->copy_safe = false;
    }
  }
  // Careful path: isolate the bad records with savepoints.
  local_dead.resize(dead_before);
  try {
    pqxx::work tx(*conn_);
    for (auto& g : groups) {
      writer_.prepare(tx, g);
      apply_range(tx, g, 0, g.items.size(), local_dead);
    }
    rows -= local_dead.size() - dead_before;
    return commit(tx);
  } catch (const std::exception& e) {
    writer_.aborted();
    return fail(PgFailure::from(e), "write failed");
  }
}

result<void> PostgresSink::write(std::vector<Event>& events, std::vector<Event>& dead) {
  if (!opened_) return error::fatal("sink postgres " + opts_.stage + ": write before open");
  auto r = resolve_in_doubt(dead);
  if (!r.ok()) return r;
  for (auto& e : deferred_dead_) dead.push_back(std::move(e));
  deferred_dead_.clear();
  if (skip_next_ > 0) {
    size_t skip = skip_next_;
    skip_next_ = 0;
    if (skip == events.size()) {  // the retried call already committed
      accepted_ += static_cast<int64_t>(skip);
      if (replay_until_ > 0 && replay_until_ <= accepted_) {
        held_.clear();
        replay_until_ = 0;
      }
      return {};
    }
  }
  if (events.empty()) return {};
  // Replay after a restart: events the target already holds are held back until the event
  // at the stored seq shows whether this is the same stream (then they are dropped).
  size_t first = 0;
  bool replay_done = false;
  if (replay_until_ > accepted_) {
    size_t n = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(events.size()), replay_until_ - accepted_));
    // Events without a source position come from an aggregate or a join: their number and
    // content depend on how the replay was batched (and on now()), so the replay cannot be
    // recognised; holding them until an event count that may never be reached would keep
    // them from the target. Write them (upserts absorb the repeat).
    bool derived = false;
    for (size_t i = 0; i < n && !derived; ++i) derived = events[i].position.is_null();
    if (derived) {
      log::info("postgres", "sink " + opts_.stage +
                                ": the replay carries events without a source position " +
                                "(aggregate/join output), which cannot be matched; writing them");
      pending_ = std::move(held_);
      held_.clear();
      replay_until_ = 0;
    } else if (accepted_ + static_cast<int64_t>(n) == replay_until_) {
      if (lineage_ + "|" + event_id(events[n - 1]) == replay_id_) {
        first = n;
        replay_done = true;  // applied once this call succeeds
      } else {
        log::warn("postgres", "sink " + opts_.stage +
                                  ": the replayed events differ from those the target holds " +
                                  "(the source replay is not identical); writing them again");
        pending_ = std::move(held_);
        held_.clear();
        replay_until_ = 0;
      }
    } else if (held_.size() + events.size() > kMaxHeld) {
      log::warn("postgres", "sink " + opts_.stage + ": more than " + std::to_string(kMaxHeld) +
                                " possible replays held back; writing them");
      pending_ = std::move(held_);
      held_.clear();
      replay_until_ = 0;
    } else {
      held_.insert(held_.end(), events.begin(), events.end());
      accepted_ += static_cast<int64_t>(events.size());
      return {};
    }
  }
  auto succeeded = [&]() {
    if (replay_done) {
      stats_.replay_skipped += held_.size() + first;
      log::info("postgres", "sink " + opts_.stage + ": dropped " +
                                std::to_string(held_.size() + first) +
                                " replayed event(s) the target already held");
      held_.clear();
      replay_until_ = 0;
    }
    accepted_ += static_cast<int64_t>(events.size());
  };
  int64_t now = temporal::now_micros();
  if (pending_.empty()) first_pending_us_ = now;
  size_t count = events.size() - first;
  if (count == 0 || (static_cast<int64_t>(pending_.size() + count) < opts_.batch_rows &&
                     now - first_pending_us_ < opts_.batch_delay_us)) {
    pending_.insert(pending_.end(), events.begin() + static_cast<long>(first), events.end());
    succeeded();
    return {};
  }
  std::vector<const Event*> evs;
  evs.reserve(pending_.size() + count);
  for (const auto& e : pending_) evs.push_back(&e);
  for (size_t i = first; i < events.size(); ++i) evs.push_back(&events[i]);
  auto f = flush(evs, dead, events.size(), accepted_ + static_cast<int64_t>(events.size()));
  if (f.ok()) {
    pending_.clear();
    succeeded();
  }
  return f;
}

result<std::string> PostgresSink::checkpoint(uint64_t id) {
  if (!opened_) return error::fatal("sink postgres " + opts_.stage + ": checkpoint before open");
  auto r = resolve_in_doubt(deferred_dead_);
  if (!r.ok()) return r.err();
  if (!held_.empty() || replay_until_ > 0) {
    // The replay has not reached the event the target holds by this barrier: the checkpoint
    // counts the held events as received (the source will not send them again), so they must
    // be in the target now. Write them (an append table may then get a repeat).
    log::warn("postgres", "sink " + opts_.stage + ": the replay did not reach the " +
                              "target's last event by checkpoint " + std::to_string(id) +
                              "; writing the " + std::to_string(held_.size()) + " held event(s)");
    for (auto& e : pending_) held_.push_back(std::move(e));
    pending_ = std::move(held_);
    held_.clear();
    replay_until_ = 0;
  }
  if (!pending_.empty() || !takeover_tables_.empty()) {
    std::vector<const Event*> evs;
    evs.reserve(pending_.size());
    for (const auto& e : pending_) evs.push_back(&e);
    auto f = flush(evs, deferred_dead_, 0, accepted_);
    if (!f.ok()) return f.err();
    pending_.clear();
  }
  if (!acked_) {
    // This lineage reached a barrier: a later fresh lineage keeps its rows (see open()).
    auto c = connect();
    if (!c.ok()) return c.err();
    try {
      ckpt_.mark_acked(*conn_, lineage_);
    } catch (const std::exception& e) {
      return fail(PgFailure::from(e), "cannot update sluice_checkpoints");
    }
    acked_ = true;
  }
  return std::string("{\"position\":") + (last_position_.empty() ? "null" : last_position_) +
         ",\"seq\":" + std::to_string(accepted_) + ",\"lineage\":\"" + lineage_ + "\"}";
}

void PostgresSink::take_dead(std::vector<Event>& dead) {
  for (auto& e : deferred_dead_) dead.push_back(std::move(e));
  deferred_dead_.clear();
}

void PostgresSink::close() {
  conn_.reset();
  writer_.reset();
}

}  // namespace sluice::operators::postgres
