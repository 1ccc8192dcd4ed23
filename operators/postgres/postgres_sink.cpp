#include "operators/postgres/postgres_sink.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "base/json.h"
#include "base/logger.h"
#include "base/secrets.h"
#include "base/temporal.h"
#include "operators/postgres/slot_flush.h"
#include "operators/postgres/slot_splitter.h"

namespace sluice::operators::postgres {

PostgresSink::PostgresSink(SinkOptions opts)
    : opts_(std::move(opts)),
      planner_(opts_, catalog_),
      lineage_(opts_),
      gate_(opts_, lineage_),
      identity_(opts_) {
  if (opts_.connections < 1) opts_.connections = 1;
  for (int i = 0; i < opts_.connections; ++i) {
    slots_.push_back(std::make_unique<SinkSlot>(opts_, static_cast<size_t>(i)));
  }
}

PostgresSink::~PostgresSink() = default;

result<std::unique_ptr<Sink>> PostgresSink::make(const StageConfig& cfg) {
  auto o = SinkOptions::from_config(cfg);
  if (!o.ok()) return o.err();
  return std::unique_ptr<Sink>(new PostgresSink(std::move(o.value())));
}

error PostgresSink::fail(const PgFailure& f, const char* what) {
  std::string msg =
      secrets::redact("sink postgres " + opts_.stage + ": " + what + ": " + f.describe());
  main_slot().drop();
  if (f.kind == PgFailure::Kind::Transient) return error::transient(f.code(), msg);
  for (auto& s : slots_) s->drop();
  catalog_.clear();
  // A newer owner holds the target: no retry; the restarted stage's open() finds the newer
  // epoch again and gives the pipeline up for good (a permanent error there).
  if (f.kind == PgFailure::Kind::Fenced) {
    return error::fatal(f.code(), msg + " (rolled back, nothing written)");
  }
  // A record the target refuses, with on_error = fail (SinkSlot::refused): nothing committed.
  if (f.kind == PgFailure::Kind::Data) return error::permanent(f.code(), msg);
  // Unexpected errors (a table changed under us: 42703, 42P01) get one retry with a fresh
  // catalog; a second one in a row stops the stage.
  if (++other_failures_ <= 1) return error::transient(f.code(), msg);
  return error::fatal(f.code(), msg);
}

result<void> PostgresSink::connect() {
  if (auto f = main_slot().connect()) return fail(*f, "cannot connect");
  return {};
}

int64_t PostgresSink::next_token() {
  int64_t now = temporal::now_micros();
  last_token_ = now > last_token_ ? now : last_token_ + 1;
  return last_token_;
}

// ---- open ----

result<void> PostgresSink::open(const std::string& state) {
  reset();
  const SinkState st = SinkState::parse(state);
  accepted_ = st.seq;
  identity_.reset(st.ckpt.value_or(0));
  lineage_.start(st.lineage);
  auto r = connect();
  if (!r.ok()) return r;
  auto stored = read_target();
  if (!stored.ok()) return stored.err();
  stored_position_ = *stored ? (*stored)->position : std::nullopt;
  last_position_ = stored_position_.value_or("");
  // A state exists: a checkpoint of this lineage completed.
  lineage_.set_acked(lineage_.continued());
  lineage_.adopt(*stored);
  auto restored = restore(state, st, *stored);
  if (!restored.ok()) return restored;
  opened_ = true;
  return {};
}

void PostgresSink::reset() {
  inflight_.reset();  // joins: a flush still running is given up with the old lineage
  accepted_ = 0;
  gate_.reset(slots_.size());
  pending_.clear();
  deferred_dead_.clear();
  progress_.reset(slots_.size());
}

result<PostgresSink::Stored> PostgresSink::read_target() {
  try {
    main_slot().checkpoint_row().ensure(main_slot().connection());
    if (opts_.epoch > 0) {
      // A cluster owner makes every slot's row its own first, at once: from now on a flush of
      // an older owner rolls back (one in progress ends before the claim commits).
      pqxx::work tx(main_slot().connection());
      for (auto& s : slots_) s->checkpoint_row().claim(tx);
      tx.commit();
    }
    Stored stored = main_slot().checkpoint_row().read_row(main_slot().connection());
    identity_.prepare(main_slot().connection(), lineage_.id(), !lineage_.continued());
    return stored;
  } catch (const std::exception& e) {
    PgFailure f = PgFailure::from(e);
    if (f.kind == PgFailure::Kind::Fenced) {
      for (auto& s : slots_) s->drop();
      return error::permanent(errc::fenced,
                              secrets::redact("sink postgres " + opts_.stage + ": " + f.describe() +
                                              "; giving the pipeline up"));
    }
    return fail(f, "cannot prepare or read sluice_checkpoints");
  }
}

result<void> PostgresSink::restore(const std::string& state, const SinkState& st,
                                   const Stored& stored) {
  // Only a start with no engine state at all takes over: a state without a lineage (e.g.
  // `sluice reconcile --repair`, which carries the stored seq over) never clears tables.
  try {
    if (state.empty() && stored && !stored->event_id.empty()) {
      auto& row = main_slot().checkpoint_row();
      lineage_.plan_takeover(*stored, row.tables_of_others(main_slot().connection()));
    }
    if (!lineage_.continued()) return {};
    if (identity_.enabled() && st.ckpt) {
      identity_.load(main_slot().connection(), lineage_.id());
    } else {
      // A state of an older version (or upsert/soft_delete): the ordered replay filter.
      gate_.setup(main_slot().connection(), stored, st.slots, accepted_);
    }
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot read sluice_checkpoints");
  }
  return {};
}

result<std::optional<std::string>> PostgresSink::read_stored_position(const std::string& url,
                                                                      const std::string& pipeline,
                                                                      const std::string& stage) {
  secrets::add_connection_string(url);
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
    if (f.kind == PgFailure::Kind::Other) return error::fatal(f.code(), msg);
    return error::transient(f.code(), msg);
  }
}

// ---- write ----

result<void> PostgresSink::write(std::vector<Event>& events, std::vector<Event>& dead) {
  if (!opened_)
    return error::fatal(errc::config, "sink postgres " + opts_.stage + ": write before open");
  // A flush still running is collected by the next flush unless this call needs the target.
  if (!inflight_ || !inflight_->running() || identity_.waiting() || gate_.waiting(accepted_)) {
    auto c = catch_up(dead);
    if (!c.ok()) return c;
  }
  take_dead(dead);
  if (identity_.waiting()) drop_replayed(events);
  if (events.empty()) return {};
  // Replay after a restart: events the target already holds are held back until the event
  // at the stored seq shows whether this is the same stream (then they are dropped).
  if (gate_.waiting(accepted_)) {
    const ReplayGate::Admission a = gate_.admit(events, accepted_, pending_.events());
    if (a.kind == ReplayGate::Admission::Kind::Hold) {
      accepted_ += static_cast<int64_t>(events.size());
      return {};
    }
    if (a.kind == ReplayGate::Admission::Kind::Match) return write_matched(events, a, dead);
  }
  return write_batched(events, dead);
}

void PostgresSink::drop_replayed(std::vector<Event>& events) {
  const uint64_t dropped = identity_.drop(events);
  stats_.replay_skipped += dropped;
  accepted_ += static_cast<int64_t>(dropped);  // received, like every other event
}

result<void> PostgresSink::write_matched(std::vector<Event>& events, const ReplayGate::Admission& a,
                                         std::vector<Event>& dead) {
  // The held events some slot lacks, then the rest of this call; nothing changes unless the
  // flush commits (a retried call makes the same checks).
  std::vector<const Event*> evs = gate_.unmatched(events, a, accepted_);
  if (!evs.empty()) {
    auto f = flush(evs, dead, accepted_ + static_cast<int64_t>(events.size()));
    if (!f.ok()) return f;
  }
  stats_.replay_skipped += static_cast<uint64_t>(gate_.finish(a, accepted_));
  accepted_ += static_cast<int64_t>(events.size());
  return {};
}

result<void> PostgresSink::write_batched(std::vector<Event>& events, std::vector<Event>& dead) {
  if (pending_.absorbs(events.size(), opts_)) {
    pending_.add(events);
    accepted_ += static_cast<int64_t>(events.size());
    return {};
  }
  if (pipelining()) return launch(events, dead);
  auto f = flush(pending_.with(events), dead, accepted_ + static_cast<int64_t>(events.size()));
  if (f.ok()) {
    pending_.clear();
    accepted_ += static_cast<int64_t>(events.size());
  }
  return f;
}

result<void> PostgresSink::idle(std::vector<Event>& dead) {
  if (!opened_) return {};
  // The input is idle: a flush in flight is collected now (its outcome shows at once).
  if (inflight_) {
    auto c = catch_up(dead);
    if (!c.ok()) return c;
  }
  // Held replays wait for the target's last event or the checkpoint; nothing to do without
  // pending rows.
  if (!opts_.batch_adaptive || pending_.empty() || gate_.holding()) return {};
  return flush_pending(dead);
}

// ---- flush ----

result<void> PostgresSink::flush_pending(std::vector<Event>& dead) {
  auto f = flush(pending_.with({}), dead, accepted_);
  if (f.ok()) pending_.clear();
  return f;
}

result<void> PostgresSink::flush(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                                 int64_t last_seq) {
  auto s = settle(dead);
  if (!s.ok()) return s;
  return flush_now(evs, dead, last_seq);
}

result<void> PostgresSink::flush_now(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                                     int64_t last_seq) {
  if (evs.empty() && !lineage_.taking_over()) return {};
  const Event* last = evs.empty() ? nullptr : evs.back();
  std::string position = position_of(last);
  std::string last_id = lineage_.event_id(last);
  std::vector<bool> todo = progress_.todo(last_seq, last_id);
  if (std::find(todo.begin(), todo.end(), true) == todo.end()) {
    last_position_ = position;  // a retried call whose flush every slot already committed
    return {};
  }
  auto r = connect();
  if (!r.ok()) return r;
  std::vector<Event> plan_dead;  // records that cannot be written (planned again on a retry)
  std::vector<WriteGroup> groups;
  auto planned = plan(evs, groups, plan_dead);
  if (!planned.ok()) return planned;
  if (auto refused = refuse_planned(plan_dead); !refused.ok()) return refused;
  auto run = make_run(groups, std::move(todo), evs.size(), last_seq, position, last_id);
  run->run(planner_);
  return collect(*run, position, plan_dead, dead);
}

result<void> PostgresSink::refuse_planned(const std::vector<Event>& plan_dead) const {
  if (!opts_.dead_letters_fail || plan_dead.empty()) return {};
  const Event& e = plan_dead.front();
  const DeadLetterInfo* d = e.dead_letter.get();
  return error::permanent(
      d != nullptr ? d->code : error_code(errc::schema),
      secrets::redact("sink postgres " + opts_.stage + ": the record at position " +
                      e.position.to_display() + ": " + (d != nullptr ? d->message : "") +
                      "; nothing of its batch is committed (on_error = fail), so a restart "
                      "writes it again"));
}

std::string PostgresSink::position_of(const Event* last) const {
  if (last == nullptr) return last_position_;  // a takeover's flush of no event
  return last->position.is_null() ? std::string() : json::encode(last->position);
}

std::unique_ptr<SlotFlush> PostgresSink::make_run(std::vector<WriteGroup>& groups,
                                                  std::vector<bool> todo, size_t count,
                                                  int64_t last_seq, const std::string& position,
                                                  const std::string& last_id) {
  const bool any_done = std::find(todo.begin(), todo.end(), false) != todo.end();
  lineage_.note_tables(groups);
  const bool serial = SlotFlush::serial(slots_.size(), any_done, groups,
                                        planner_.order() != BatchPlanner::Order::Tables);
  const int64_t first_seq = last_seq - static_cast<int64_t>(count) + 1;
  auto run = std::make_unique<SlotFlush>(
      slots_, std::move(todo), serial,
      SlotSplitter(slots_.size(), opts_.mode, gate_).split(groups, first_seq, serial));
  std::vector<int64_t> tokens(slots_.size());
  for (auto& t : tokens) t = next_token();
  run->prepare(commit_base(position, last_seq, last_id), tokens, identity_);
  return run;
}

result<void> PostgresSink::collect(SlotFlush& run, const std::string& position,
                                   std::vector<Event>& plan_dead, std::vector<Event>& dead) {
  std::vector<Event> local_dead;  // found by committed transactions
  if (auto failed = run.collect(progress_, stats_, local_dead)) {
    // What committed is durable: its dead letters go out with the next call.
    for (auto& e : local_dead) deferred_dead_.push_back(std::move(e));
    if (failed->failure.sqlstate == kForeignKeyViolation && planner_.stricter_order()) {
      failed->failure.kind = PgFailure::Kind::Transient;  // written again at once, in order
      const bool keys = planner_.order() == BatchPlanner::Order::Keys;
      log::warn("postgres",
                "sink " + opts_.stage + ": a foreign key of the target refused a batch applied " +
                    (keys ? "table by table" : "in the order of the target's foreign keys") + " (" +
                    failed->failure.describe() + "); from now on batches are applied " +
                    (keys ? "in the order of the foreign keys (a table's upserts after those of "
                            "the tables it refers to, its deletes before theirs)"
                          : "in the source's order (runs of one table's changes), which the "
                            "source's own keys allow"));
    }
    return fail(*failed);
  }
  committed(position, plan_dead, local_dead, dead);
  return {};
}

// ---- pipelined flush ----

bool PostgresSink::pipelining() const {
  return opts_.batch_pipelined && !lineage_.taking_over() && !identity_.waiting() &&
         !gate_.holding();
}

result<void> PostgresSink::launch(std::vector<Event>& events, std::vector<Event>& dead) {
  const int64_t last_seq = accepted_ + static_cast<int64_t>(events.size());
  std::vector<const Event*> evs = pending_.with(events);
  std::vector<Event> plan_dead;
  std::vector<WriteGroup> groups;
  bool planned = false;
  if (inflight_ && inflight_->running()) {
    try {  // while the flush before commits: from the catalog's cache alone
      groups = planner_.plan(nullptr, evs, plan_dead);
      planned = true;
    } catch (...) {  // NeedsCatalog, or an error the planning below reports: after the commit
      groups.clear();
      plan_dead.clear();
    }
  }
  auto s = settle(dead);
  if (!s.ok()) return s;
  if (planned) {
    recheck_direct(groups, opts_.mode);
    stats_.planned_ahead++;
  } else {
    auto r = connect();
    if (!r.ok()) return r;
    auto p = plan(evs, groups, plan_dead);
    if (!p.ok()) return p;
  }
  if (auto refused = refuse_planned(plan_dead); !refused.ok()) return refused;
  const Event* last = evs.back();
  const std::string position = position_of(last);
  const std::string last_id = lineage_.event_id(last);
  std::vector<bool> todo = progress_.todo(last_seq, last_id);
  if (std::find(todo.begin(), todo.end(), true) == todo.end()) {
    last_position_ = position;  // every slot holds these events already
    pending_.clear();
    accepted_ = last_seq;
    return {};
  }
  auto run = make_run(groups, std::move(todo), evs.size(), last_seq, position, last_id);
  // From here the events are the flush's: this call has succeeded; the flush's outcome is
  // the next call's.
  const size_t batch = pending_.events().size();
  inflight_ = std::make_unique<InFlightFlush>(pending_.events(), events, std::move(evs),
                                              InFlightFlush::Commit{position, last_seq});
  inflight_->start(std::move(run), std::move(plan_dead), planner_);
  stats_.pipelined++;
  pending_.clear();
  pending_.events().reserve(batch);
  accepted_ = last_seq;
  return {};
}

void PostgresSink::recheck_direct(std::vector<WriteGroup>& groups, Mode mode) {
  if (mode == Mode::Append) return;  // append COPies every group into its table
  for (auto& g : groups) g.direct = g.direct && g.table->copy_safe;
}

result<void> PostgresSink::catch_up(std::vector<Event>& dead) {
  if (inflight_ && inflight_->running()) {
    auto s = settle(dead);
    if (!s.ok()) return s;
  }
  if (auto f = progress_.resolve(slots_, dead, stats_.rows)) return fail(*f);
  return settle(dead);  // a failed flush is written again
}

result<void> PostgresSink::settle(std::vector<Event>& dead) {
  if (!inflight_) return {};
  result<void> r;
  if (!inflight_->failed()) {
    inflight_->join();
    r = collect(inflight_->run(), inflight_->commit().position, inflight_->plan_dead(), dead);
    if (!r.ok()) inflight_->set_failed();
  } else {
    // Its transactions failed (reported by an earlier call): write its events again here.
    r = flush_now(inflight_->events(), dead, inflight_->commit().last_seq);
  }
  if (r.ok()) inflight_.reset();
  return r;
}

result<void> PostgresSink::plan(const std::vector<const Event*>& evs,
                                std::vector<WriteGroup>& groups, std::vector<Event>& plan_dead) {
  try {
    pqxx::connection& conn = main_slot().connection();
    // The earlier run's tables are cleared first (same transaction as this flush's rows).
    lineage_.takeover_groups(conn, catalog_, groups);
    auto planned = planner_.plan(&conn, evs, plan_dead);
    for (auto& g : planned) groups.push_back(std::move(g));
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot prepare tables");
  }
  return {};
}

SinkSlot::Commit PostgresSink::commit_base(const std::string& position, int64_t last_seq,
                                           const std::string& last_id) {
  SinkSlot::Commit c;
  c.position = position;
  c.seq = last_seq;
  c.event_id = last_id;
  c.tables = lineage_.new_tables() ? &lineage_.tables() : nullptr;
  c.acked = lineage_.acked();
  c.split_any = other_failures_ > 0;
  identity_.tag(c, lineage_.id());
  return c;
}

void PostgresSink::committed(const std::string& position, std::vector<Event>& plan_dead,
                             std::vector<Event>& local_dead, std::vector<Event>& dead) {
  lineage_.committed();
  last_position_ = position;
  other_failures_ = 0;
  stats_.transactions++;
  stats_.dead += plan_dead.size();
  for (auto& e : plan_dead) dead.push_back(std::move(e));
  for (auto& e : local_dead) dead.push_back(std::move(e));
}

// ---- checkpoint ----

result<std::string> PostgresSink::checkpoint(uint64_t id) {
  if (!opened_)
    return error::fatal(errc::config, "sink postgres " + opts_.stage + ": checkpoint before open");
  if (auto c = catch_up(deferred_dead_); !c.ok()) return c.err();
  if (gate_.holding()) {
    // The replay has not reached the event the target holds by this barrier: the checkpoint
    // counts the held events as received (the source will not send them again), so they must
    // be in the target now. Write them (an append table may then get a repeat).
    log::warn("postgres", "sink " + opts_.stage + ": the replay did not reach the " +
                              "target's last event by checkpoint " + std::to_string(id) +
                              "; writing the " + std::to_string(gate_.held()) + " held event(s)");
    gate_.release(pending_.events());
  }
  if (!pending_.empty() || lineage_.taking_over()) {
    auto f = flush_pending(deferred_dead_);
    if (!f.ok()) return f.err();
  }
  if (identity_.waiting()) {
    auto c = carry_identities(id);
    if (!c.ok()) return c.err();
  }
  identity_.set_checkpoint(id);
  if (!lineage_.acked()) {
    auto a = acknowledge();
    if (!a.ok()) return a.err();
  }
  SinkState st;
  st.seq = accepted_;
  st.lineage = lineage_.id();
  st.slots = static_cast<int>(slots_.size());
  st.ckpt = id;
  return st.encode(last_position_);
}

result<void> PostgresSink::carry_identities(uint64_t id) {
  // Replays still to come after this barrier: their identities go with checkpoint `id` (a
  // restart from it no longer reads the rows written before it).
  auto c = connect();
  if (!c.ok()) return c;
  try {
    identity_.carry(main_slot(), lineage_.id(), id);
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot update sluice_written");
  }
  return {};
}

result<void> PostgresSink::acknowledge() {
  auto c = connect();
  if (!c.ok()) return c;
  try {
    for (auto& s : slots_) s->checkpoint_row().mark_acked(main_slot().connection(), lineage_.id());
  } catch (const std::exception& e) {
    return fail(PgFailure::from(e), "cannot update sluice_checkpoints");
  }
  lineage_.set_acked(true);
  return {};
}

void PostgresSink::take_dead(std::vector<Event>& dead) {
  for (auto& e : deferred_dead_) dead.push_back(std::move(e));
  deferred_dead_.clear();
}

void PostgresSink::checkpoint_committed(uint64_t id) {
  if (!identity_.enabled() || !opened_) return;
  // Rows tagged before `id` are needed by no restart any more. Best effort: a failure leaves
  // them for the next commit.
  if (inflight_ && inflight_->running() && !settle(deferred_dead_).ok()) return;  // next call
  try {
    if (main_slot().connect()) return;
    identity_.prune(main_slot().connection(), lineage_.id(), id);
  } catch (const std::exception& e) {
    main_slot().drop();
    log::warn("postgres", secrets::redact("sink postgres " + opts_.stage +
                                          ": cannot prune sluice_written: " + e.what()));
  }
}

void PostgresSink::close() {
  inflight_.reset();  // joins: what it committed is durable, what it did not is replayed
  for (auto& s : slots_) s->drop();
}

void PostgresSink::report_stats(OperatorStats& out) const {
  auto add = [&](const char* name, const char* help, uint64_t v) {
    out.push_back({name, help, true, static_cast<int64_t>(v)});
  };
  add("rows_applied", "Rows the PostgreSQL sink applied (after collapsing per key).", stats_.rows);
  add("transactions", "Transactions the PostgreSQL sink committed.", stats_.transactions);
  add("dead_letters", "Records the PostgreSQL sink dead-lettered.", stats_.dead);
  add("split_attempts", "Failed batches the PostgreSQL sink split to find the bad record.",
      stats_.split_attempts);
  add("direct_copies", "Table batches COPied straight into the target table.",
      stats_.direct_copies);
  add("binary_copies", "COPYs sent in binary format.", stats_.binary_copies);
  add("replay_skipped", "Replayed events dropped because the target already held them.",
      stats_.replay_skipped);
  add("pipelined_flushes", "Flushes the PostgreSQL sink committed while accepting the next batch.",
      stats_.pipelined);
  add("planned_ahead", "Pipelined flushes planned while the previous one was committing.",
      stats_.planned_ahead);
}

}  // namespace sluice::operators::postgres
