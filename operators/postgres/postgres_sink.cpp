#include "operators/postgres/postgres_sink.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "base/json.h"
#include "base/logger.h"
#include "base/secrets.h"
#include "base/temporal.h"

namespace sluice::operators::postgres {
namespace {

// A flush with fewer rows than this goes through one connection: splitting it would cost
// more commits than it saves.
constexpr size_t kParallelMin = 256;

std::string new_lineage() {
  std::random_device rd;
  uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r));
  return buf;
}

}  // namespace

PostgresSink::PostgresSink(SinkOptions opts)
    : opts_(std::move(opts)), planner_(opts_, catalog_), written_(opts_.pipeline, opts_.stage) {
  by_identity_ = opts_.mode == Mode::Append;
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
  if (f.kind == PgFailure::Kind::Transient) return error::transient(msg);
  for (auto& s : slots_) s->drop();
  catalog_.clear();
  // A newer owner holds the target: no retry; the restarted stage's open() finds the newer
  // epoch again and gives the pipeline up for good (a permanent error there).
  if (f.kind == PgFailure::Kind::Fenced) {
    return error::fatal(msg + " (rolled back, nothing written)");
  }
  // Unexpected errors (a table changed under us: 42703, 42P01) get one retry with a fresh
  // catalog; a second one in a row stops the stage.
  if (++other_failures_ <= 1) return error::transient(msg);
  return error::fatal(msg);
}

result<void> PostgresSink::connect() {
  if (auto f = main_slot().connect()) return fail(*f, "cannot connect");
  return {};
}

std::string PostgresSink::event_id(const Event& e) {
  std::string id;
  append_event_id(e, id);
  return id;
}

void PostgresSink::append_event_id(const Event& e, std::string& id) {
  id += op_code(e.op);
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
}

uint64_t PostgresSink::event_hash(const Event& e, std::string& buf) {
  buf.clear();
  append_event_id(e, buf);
  if (e.key.is_null() && (!e.source || e.source->primary_key.empty())) {
    for (const auto& f : e.row.fields()) {  // no key: the row identifies the event
      json::encode_string(sym_name(f.name), buf);
      json::encode(f.value, buf);
    }
  }
  return WrittenIds::hash(buf);
}

result<void> PostgresSink::open(const std::string& state) {
  const size_t n_slots = slots_.size();
  accepted_ = 0;
  replay_until_ = 0;
  replay_checks_.clear();
  held_.clear();
  pending_.clear();
  deferred_dead_.clear();
  lineage_.clear();
  takeover_tables_.clear();
  lineage_tables_.clear();
  tables_dirty_ = false;
  acked_ = false;
  done_seq_.assign(n_slots, -1);
  done_id_.assign(n_slots, std::string());
  in_doubt_.assign(n_slots, std::nullopt);
  drop_until_.assign(n_slots, 0);
  filter_until_ = 0;
  replay_ids_.clear();
  replay_dropped_ = 0;
  ckpt_ = 0;
  bool has_ckpt = false;
  int prev_slots = 1;
  if (!state.empty()) {
    auto st = json::parse(state);
    if (st.ok() && st->type() == Type::Object) {
      const Value* seq = st->as_object().find(intern("seq"));
      if (seq != nullptr && seq->type() == Type::Int) accepted_ = seq->as_int();
      const Value* lin = st->as_object().find(intern("lineage"));
      if (lin != nullptr && lin->type() == Type::String) lineage_ = lin->as_string();
      const Value* sl = st->as_object().find(intern("slots"));
      if (sl != nullptr && sl->type() == Type::Int) prev_slots = static_cast<int>(sl->as_int());
      const Value* ck = st->as_object().find(intern("ckpt"));
      if (ck != nullptr && ck->type() == Type::Int) {
        ckpt_ = static_cast<uint64_t>(ck->as_int());
        has_ckpt = true;
      }
    }
  }
  const bool same_lineage_possible = !lineage_.empty();
  // A fresh start: whatever the target holds is not our replay.
  if (lineage_.empty()) lineage_ = new_lineage();
  auto r = connect();
  if (!r.ok()) return r;
  std::optional<CheckpointTable::Stored> stored;
  try {
    main_slot().checkpoint_row().ensure(main_slot().connection());
    if (opts_.epoch > 0) {
      // A cluster owner makes every slot's row its own first, at once: from now on a flush of
      // an older owner rolls back (one in progress ends before the claim commits).
      pqxx::work tx(main_slot().connection());
      for (auto& s : slots_) s->checkpoint_row().claim(tx);
      tx.commit();
    }
    stored = main_slot().checkpoint_row().read_row(main_slot().connection());
    if (by_identity_) {
      written_.ensure(main_slot().connection());
      if (!same_lineage_possible) written_.drop_other_lineages(main_slot().connection(), lineage_);
    }
  } catch (const std::exception& e) {
    PgFailure f = PgFailure::from(e);
    if (f.kind == PgFailure::Kind::Fenced) {
      for (auto& s : slots_) s->drop();
      return error::permanent(secrets::redact("sink postgres " + opts_.stage + ": " + f.describe() +
                                              "; giving the pipeline up"));
    }
    return fail(f, "cannot read sluice_checkpoints");
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
  if (same_lineage_possible) {
    try {
      if (by_identity_ && has_ckpt) {
        replay_ids_ = written_.load(main_slot().connection(), lineage_, ckpt_);
        if (!replay_ids_.empty()) {
          size_t n = 0;
          for (const auto& [h, c] : replay_ids_) n += c;
          log::info("postgres", "sink " + opts_.stage + ": the target holds " + std::to_string(n) +
                                    " event(s) written after checkpoint " + std::to_string(ckpt_) +
                                    "; their replays are dropped by identity");
        }
      } else {
        // A state of an older version (or upsert/soft_delete): the ordered replay filter.
        setup_replay(stored, prev_slots);
      }
    } catch (const std::exception& e) {
      return fail(PgFailure::from(e), "cannot read sluice_checkpoints");
    }
  }
  opened_ = true;
  return {};
}

void PostgresSink::setup_replay(const std::optional<CheckpointTable::Stored>& first,
                                int prev_slots) {
  // The rows of this lineage, slot by slot (slot 0's is `first`); a slot without one holds
  // nothing of this lineage.
  const size_t n = std::max(slots_.size(), static_cast<size_t>(std::max(prev_slots, 1)));
  std::vector<ReplayCheck> rows(n);
  for (size_t i = 0; i < n; ++i) {
    std::optional<CheckpointTable::Stored> st;
    if (i == 0) {
      st = first;
    } else {
      CheckpointTable row(opts_.pipeline, SinkSlot::stage_name(opts_.stage, i));
      st = row.read_row(main_slot().connection());
    }
    if (st && st->seq > 0 && st->event_id.rfind(lineage_ + "|", 0) == 0) {
      rows[i] = {st->seq, st->event_id};
    }
  }
  int64_t max_seq = 0;
  for (const auto& c : rows) max_seq = std::max(max_seq, c.seq);
  if (first && first->seq > 0 && first->seq < accepted_) {
    log::warn("postgres", "sink " + opts_.stage + ": the target is behind the engine checkpoint (" +
                              std::to_string(first->seq) + " < " + std::to_string(accepted_) +
                              " events): was it restored from a backup?");
  }
  if (max_seq <= accepted_) return;
  if (static_cast<size_t>(prev_slots) == slots_.size()) {
    // Each slot holds its share of the events up to its own seq.
    for (size_t i = 0; i < slots_.size(); ++i) {
      drop_until_[i] = rows[i].seq;
      if (rows[i].seq > accepted_) replay_checks_.push_back(rows[i]);
    }
  } else {
    // `connections` changed since the killed run: events map to other slots now, so only what
    // every old slot held is known to be in the target; the rest is written again (an append
    // table may get a repeat).
    int64_t min_seq = max_seq;
    size_t at = 0;
    for (size_t i = 0; i < static_cast<size_t>(prev_slots) && i < n; ++i) {
      if (rows[i].seq < min_seq) {
        min_seq = rows[i].seq;
        at = i;
      }
    }
    log::warn("postgres", "sink " + opts_.stage + ": connections changed from " +
                              std::to_string(prev_slots) + " to " + std::to_string(slots_.size()) +
                              " since the last run; events the old connections held in part are "
                              "written again");
    if (min_seq <= accepted_) return;
    drop_until_.assign(slots_.size(), min_seq);
    replay_checks_.push_back(rows[at]);
  }
  for (const auto& c : replay_checks_) replay_until_ = std::max(replay_until_, c.seq);
  if (replay_until_ == 0) return;
  for (int64_t d : drop_until_) filter_until_ = std::max(filter_until_, d);
  log::info("postgres", "sink " + opts_.stage + ": the target holds " +
                            std::to_string(replay_until_ - accepted_) +
                            " event(s) beyond the engine checkpoint; replayed events up to " +
                            "them are dropped");
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
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (!in_doubt_[i]) continue;
    SinkSlot& slot = *slots_[i];
    bool committed = false;
    if (auto f = slot.connect()) return fail(*f, "cannot connect");
    try {
      committed = slot.checkpoint_row().committed_at(slot.connection(), in_doubt_[i]->token);
    } catch (const std::exception& e) {
      slot.drop();
      return fail(PgFailure::from(e), "cannot check an in-doubt commit");
    }
    InDoubt d = std::move(*in_doubt_[i]);
    in_doubt_[i].reset();
    if (!committed) continue;
    for (size_t j = 0; j < slots_.size(); ++j) {
      if (j != i && !d.all_rows) continue;
      done_seq_[j] = d.seq;
      done_id_[j] = d.event_id;
    }
    stats_.rows += d.rows;
    for (auto& e : d.dead) dead.push_back(std::move(e));
  }
  return {};
}

size_t PostgresSink::home_slot(const WriteItem& it, int64_t first_seq) const {
  if (slots_.size() == 1) return 0;
  if (opts_.mode == Mode::Append) {
    return static_cast<size_t>((first_seq + it.at) % static_cast<int64_t>(slots_.size()));
  }
  return it.hash % slots_.size();
}

std::vector<std::vector<WriteGroup>> PostgresSink::split(std::vector<WriteGroup>& groups,
                                                         int64_t first_seq, bool serial) const {
  const size_t n = slots_.size();
  std::vector<std::vector<WriteGroup>> jobs(n);
  const bool filter = first_seq <= filter_until_;
  auto held = [&](const WriteItem& it, size_t home) {
    return filter && first_seq + it.at <= drop_until_[home];
  };
  if (serial) {
    for (auto& g : groups) {
      if (g.truncate) {
        // A truncate runs serially: every slot's row got its seq in the same transaction.
        if (filter && first_seq + g.event_at[0] <= filter_until_) continue;
      } else if (filter) {
        g.items.erase(
            std::remove_if(g.items.begin(), g.items.end(),
                           [&](const WriteItem& it) { return held(it, home_slot(it, first_seq)); }),
            g.items.end());
        if (g.items.empty()) continue;
      }
      jobs[0].push_back(std::move(g));
    }
    return jobs;
  }
  for (const auto& g : groups) {
    std::vector<WriteGroup*> sub(n, nullptr);
    for (const auto& it : g.items) {
      size_t home = home_slot(it, first_seq);
      if (held(it, home)) continue;
      if (sub[home] == nullptr) {
        WriteGroup s;
        s.table = g.table;
        s.cols = g.cols;
        s.key_cols = g.key_cols;
        s.direct = g.direct;
        s.full_identity = g.full_identity;
        jobs[home].push_back(std::move(s));
        sub[home] = &jobs[home].back();
      }
      sub[home]->items.push_back(it);
    }
  }
  return jobs;
}

result<void> PostgresSink::flush(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                                 int64_t last_seq) {
  if (evs.empty() && takeover_tables_.empty()) return {};
  const Event* last = evs.empty() ? nullptr : evs.back();
  std::string position = last == nullptr || last->position.is_null()
                             ? (last == nullptr ? last_position_ : std::string())
                             : json::encode(last->position);
  std::string last_id = lineage_ + "|" + (last == nullptr ? std::string("t||") : event_id(*last));
  const size_t n = slots_.size();
  std::vector<bool> todo(n);
  bool any_done = false, all_done = true;
  for (size_t i = 0; i < n; ++i) {
    todo[i] = !(done_seq_[i] == last_seq && done_id_[i] == last_id);
    any_done = any_done || !todo[i];
    all_done = all_done && !todo[i];
  }
  if (all_done) {  // a retried call whose flush every slot already committed
    last_position_ = position;
    return {};
  }
  auto r = connect();
  if (!r.ok()) return r;
  std::vector<Event> plan_dead;   // records that cannot be written (planned again on a retry)
  std::vector<Event> local_dead;  // found by committed transactions
  std::vector<WriteGroup> groups;
  try {
    pqxx::connection& conn = main_slot().connection();
    // The earlier run's tables are cleared first (same transaction as this flush's rows).
    for (const auto& name : takeover_tables_) {
      WriteGroup t;
      t.table = &catalog_.get(conn, name);
      if (!t.table->exists) continue;
      // soft_delete marks rows deleted: a table without cdc_deleted was not written that way.
      if (opts_.mode == Mode::SoftDelete && t.table->column("cdc_deleted") == nullptr) continue;
      t.events.push_back(&takeover_event_);
      t.event_at.push_back(0);
      t.truncate = true;
      // Empty once this transaction commits: snapshot rows after it may go by COPY (a
      // conflict, should it fail and be retried, turns that off again).
      if (opts_.mode == Mode::Upsert) t.table->copy_safe = true;
      groups.push_back(std::move(t));
    }
    auto planned = planner_.plan(conn, evs, plan_dead);
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
  size_t items = 0;
  bool has_truncate = false;
  for (const auto& g : groups) {
    items += g.items.size();
    has_truncate = has_truncate || g.truncate;
  }
  // Serial: one transaction on slot 0 writes every slot's row. A flush is either serial or
  // parallel in all its attempts (a retry after some slots committed stays parallel).
  const bool serial = n == 1 || (!any_done && (has_truncate || items < kParallelMin));
  const int64_t first_seq = last_seq - static_cast<int64_t>(evs.size()) + 1;
  std::vector<std::vector<WriteGroup>> jobs = split(groups, first_seq, serial);
  const bool new_tables = tables_dirty_ || !takeover_tables_.empty();
  std::vector<SinkSlot::Commit> commits(n);
  for (size_t i = 0; i < n; ++i) {
    SinkSlot::Commit& c = commits[i];
    c.position = position;
    c.token = next_token();
    c.seq = last_seq;
    c.event_id = last_id;
    c.tables = new_tables ? &lineage_tables_ : nullptr;
    c.acked = acked_;
    c.split_any = other_failures_ > 0;
    if (by_identity_) {
      c.written = &written_;
      c.lineage = lineage_;
      c.ckpt = ckpt_;
      for (const auto& g : jobs[i]) {
        for (const auto& it : g.items) {
          if (!it.ev->position.is_null()) c.ids.push_back(event_hash(*it.ev, id_buf_));
        }
      }
    }
    if (!serial) {
      c.rows.push_back(&slots_[i]->checkpoint_row());
    } else if (i == 0) {
      for (auto& s : slots_) c.rows.push_back(&s->checkpoint_row());
    }
  }
  std::vector<SinkSlot::Outcome> outcomes(n);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n && !serial; ++i) {
    if (!todo[i]) continue;
    threads.emplace_back([&, i] { outcomes[i] = slots_[i]->run(jobs[i], commits[i], planner_); });
  }
  if (todo[0] || serial) outcomes[0] = main_slot().run(jobs[0], commits[0], planner_);
  for (auto& t : threads) t.join();

  const PgFailure* failure = nullptr;
  const char* what = "";
  for (size_t i = 0; i < n; ++i) {
    if (serial && i > 0) break;
    if (!serial && !todo[i]) continue;
    SinkSlot::Outcome& o = outcomes[i];
    stats_.binary_copies += o.binary_copies;
    for (TableInfo* t : o.copy_unsafe) t->copy_safe = false;
    if (!o.committed) {
      if (o.in_doubt) {
        in_doubt_[i] =
            InDoubt{commits[i].token, last_seq, last_id, std::move(o.dead), o.rows, serial};
      }
      if (failure == nullptr) {
        failure = &*o.failure;
        what = o.what;
      }
      continue;
    }
    for (size_t j = 0; j < n; ++j) {
      if (j != i && !serial) continue;
      done_seq_[j] = last_seq;
      done_id_[j] = last_id;
    }
    for (const auto& g : jobs[i]) {
      if (!g.direct && !g.truncate) g.table->copy_safe = false;  // a truncate leaves it empty
    }
    stats_.rows += o.rows;
    stats_.dead += o.dead.size();
    stats_.split_attempts += o.split_attempts;
    stats_.direct_copies += o.direct_copies;
    for (auto& e : o.dead) local_dead.push_back(std::move(e));
  }
  if (failure != nullptr) {
    // What committed is durable: its dead letters go out with the next call.
    for (auto& e : local_dead) deferred_dead_.push_back(std::move(e));
    return fail(*failure, what);
  }
  if (!takeover_tables_.empty()) {
    log::info("postgres", "sink " + opts_.stage + ": cleared the earlier run's tables");
    takeover_tables_.clear();
  }
  tables_dirty_ = false;
  last_position_ = position;
  other_failures_ = 0;
  stats_.transactions++;
  stats_.dead += plan_dead.size();
  for (auto& e : plan_dead) dead.push_back(std::move(e));
  for (auto& e : local_dead) dead.push_back(std::move(e));
  return {};
}

void PostgresSink::drop_replayed(std::vector<Event>& events) {
  // In place: a retried call gets the same (already filtered) vector back.
  size_t kept = 0;
  uint64_t dropped = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].position.is_null()) {
      auto it = replay_ids_.find(event_hash(events[i], id_buf_));
      if (it != replay_ids_.end()) {
        if (--it->second == 0) replay_ids_.erase(it);
        ++dropped;
        continue;
      }
    }
    if (kept != i) events[kept] = std::move(events[i]);
    ++kept;
  }
  events.resize(kept);
  replay_dropped_ += dropped;
  stats_.replay_skipped += dropped;
  accepted_ += static_cast<int64_t>(dropped);  // received, like every other event
  if (dropped > 0 && replay_ids_.empty()) {
    log::info("postgres", "sink " + opts_.stage + ": dropped " + std::to_string(replay_dropped_) +
                              " replayed event(s) the target already held");
  }
}

void PostgresSink::release_held() {
  for (auto& e : pending_) held_.push_back(std::move(e));
  pending_ = std::move(held_);
  held_.clear();
  replay_until_ = 0;
  replay_checks_.clear();
  drop_until_.assign(slots_.size(), 0);
  filter_until_ = 0;
}

result<void> PostgresSink::write(std::vector<Event>& events, std::vector<Event>& dead) {
  if (!opened_) return error::fatal("sink postgres " + opts_.stage + ": write before open");
  auto r = resolve_in_doubt(dead);
  if (!r.ok()) return r;
  for (auto& e : deferred_dead_) dead.push_back(std::move(e));
  deferred_dead_.clear();
  if (!replay_ids_.empty()) drop_replayed(events);
  if (events.empty()) return {};
  // Replay after a restart: events the target already holds are held back until the event
  // at the stored seq shows whether this is the same stream (then they are dropped).
  size_t first = 0;
  bool replay_done = false;
  int64_t drop_all = 0;  // replay_done: events up to this seq are in the target already
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
      release_held();
    } else if (accepted_ + static_cast<int64_t>(n) == replay_until_) {
      // The replayed event at each stored seq must be the one stored there.
      const int64_t held_from = accepted_ - static_cast<int64_t>(held_.size());  // seq before
      auto at = [&](int64_t seq) -> const Event& {
        return seq <= accepted_ ? held_[static_cast<size_t>(seq - held_from - 1)]
                                : events[static_cast<size_t>(seq - accepted_ - 1)];
      };
      bool same = true;
      for (const auto& c : replay_checks_) {
        if (c.seq <= held_from) continue;
        same = same && lineage_ + "|" + event_id(at(c.seq)) == c.event_id;
      }
      if (same) {
        // Events every slot holds are dropped; those only some slots hold are written to the
        // others (split() leaves out each slot's share up to its drop_until_).
        drop_all = replay_until_;
        for (int64_t d : drop_until_) drop_all = std::min(drop_all, d);
        drop_all = std::max(drop_all, held_from);
        first = static_cast<size_t>(std::max<int64_t>(drop_all - accepted_, 0));
        replay_done = true;
      } else {
        log::warn("postgres", "sink " + opts_.stage +
                                  ": the replayed events differ from those the target holds " +
                                  "(the source replay is not identical); writing them again");
        release_held();
      }
    } else if (held_.size() + events.size() > kMaxHeld) {
      log::warn("postgres", "sink " + opts_.stage + ": more than " + std::to_string(kMaxHeld) +
                                " possible replays held back; writing them");
      release_held();
    } else {
      held_.insert(held_.end(), events.begin(), events.end());
      accepted_ += static_cast<int64_t>(events.size());
      return {};
    }
  }
  if (replay_done) {
    // The held events some slot lacks, then the rest of this call; nothing changes unless
    // the flush commits (a retried call makes the same checks).
    const int64_t held_from = accepted_ - static_cast<int64_t>(held_.size());
    std::vector<const Event*> evs;
    for (size_t i = 0; i < held_.size(); ++i) {
      if (held_from + 1 + static_cast<int64_t>(i) > drop_all) evs.push_back(&held_[i]);
    }
    for (size_t i = first; i < events.size(); ++i) evs.push_back(&events[i]);
    if (!evs.empty()) {
      auto f = flush(evs, dead, accepted_ + static_cast<int64_t>(events.size()));
      if (!f.ok()) return f;
    }
    const int64_t dropped = drop_all - held_from;
    stats_.replay_skipped += static_cast<uint64_t>(dropped);
    log::info("postgres", "sink " + opts_.stage + ": dropped " + std::to_string(dropped) +
                              " replayed event(s) the target already held");
    held_.clear();
    replay_until_ = 0;
    replay_checks_.clear();
    accepted_ += static_cast<int64_t>(events.size());
    return {};
  }
  int64_t now = temporal::now_micros();
  if (pending_.empty()) first_pending_us_ = now;
  size_t count = events.size() - first;
  if (count == 0 || (static_cast<int64_t>(pending_.size() + count) < opts_.batch_rows &&
                     now - first_pending_us_ < opts_.batch_delay_us)) {
    // The call succeeds: the events are ours to move (engine/core/operator.h).
    pending_.insert(pending_.end(),
                    std::make_move_iterator(events.begin() + static_cast<long>(first)),
                    std::make_move_iterator(events.end()));
    accepted_ += static_cast<int64_t>(events.size());
    return {};
  }
  std::vector<const Event*> evs;
  evs.reserve(pending_.size() + count);
  for (const auto& e : pending_) evs.push_back(&e);
  for (size_t i = first; i < events.size(); ++i) evs.push_back(&events[i]);
  auto f = flush(evs, dead, accepted_ + static_cast<int64_t>(events.size()));
  if (f.ok()) {
    pending_.clear();
    accepted_ += static_cast<int64_t>(events.size());
  }
  return f;
}

result<void> PostgresSink::idle(std::vector<Event>& dead) {
  // Held replays wait for the target's last event or the checkpoint; nothing to do without
  // pending rows.
  if (!opts_.batch_adaptive || !opened_ || pending_.empty() || !held_.empty() ||
      replay_until_ > 0) {
    return {};
  }
  return flush_pending(dead);
}

result<void> PostgresSink::flush_pending(std::vector<Event>& dead) {
  std::vector<const Event*> evs;
  evs.reserve(pending_.size());
  for (const auto& e : pending_) evs.push_back(&e);
  auto f = flush(evs, dead, accepted_);
  if (f.ok()) pending_.clear();
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
    release_held();
  }
  if (!pending_.empty() || !takeover_tables_.empty()) {
    auto f = flush_pending(deferred_dead_);
    if (!f.ok()) return f.err();
  }
  if (!replay_ids_.empty()) {
    // Replays still to come after this barrier: their identities go with checkpoint `id`
    // (a restart from it no longer reads the rows written before it).
    auto c = connect();
    if (!c.ok()) return c.err();
    std::vector<uint64_t> carry;
    for (const auto& [h, n] : replay_ids_) carry.insert(carry.end(), n, h);
    try {
      pqxx::work tx(main_slot().connection());
      main_slot().checkpoint_row().check(tx);
      written_.record(tx, lineage_, id, 'c', carry);
      tx.commit();
    } catch (const std::exception& e) {
      return fail(PgFailure::from(e), "cannot update sluice_written");
    }
  }
  ckpt_ = id;
  if (!acked_) {
    // This lineage reached a barrier: a later fresh lineage keeps its rows (see open()).
    auto c = connect();
    if (!c.ok()) return c.err();
    try {
      for (auto& s : slots_) s->checkpoint_row().mark_acked(main_slot().connection(), lineage_);
    } catch (const std::exception& e) {
      return fail(PgFailure::from(e), "cannot update sluice_checkpoints");
    }
    acked_ = true;
  }
  return std::string("{\"position\":") + (last_position_.empty() ? "null" : last_position_) +
         ",\"seq\":" + std::to_string(accepted_) + ",\"lineage\":\"" + lineage_ +
         "\",\"slots\":" + std::to_string(slots_.size()) + ",\"ckpt\":" + std::to_string(id) + "}";
}

void PostgresSink::take_dead(std::vector<Event>& dead) {
  for (auto& e : deferred_dead_) dead.push_back(std::move(e));
  deferred_dead_.clear();
}

void PostgresSink::checkpoint_committed(uint64_t id) {
  if (!by_identity_ || !opened_) return;
  // Rows tagged before `id` are needed by no restart any more. Best effort: a failure leaves
  // them for the next commit.
  try {
    if (main_slot().connect()) return;
    written_.prune(main_slot().connection(), lineage_, id);
  } catch (const std::exception& e) {
    main_slot().drop();
    log::warn("postgres", secrets::redact("sink postgres " + opts_.stage +
                                          ": cannot prune sluice_written: " + e.what()));
  }
}

void PostgresSink::close() {
  for (auto& s : slots_) s->drop();
}

}  // namespace sluice::operators::postgres
