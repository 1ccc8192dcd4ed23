#include "operators/postgres/sink_slot.h"

#include <pqxx/pqxx>

namespace sluice::operators::postgres {
std::string SinkSlot::stage_name(const std::string& stage, size_t index) {
  return index == 0 ? stage : stage + "~" + std::to_string(index);
}

SinkSlot::SinkSlot(const SinkOptions& opts, size_t index)
    : opts_(opts),
      index_(index),
      writer_(opts.mode, opts.binary_copy()),
      ckpt_(opts.pipeline, stage_name(opts.stage, index), opts.epoch) {}

SinkSlot::~SinkSlot() = default;

std::optional<PgFailure> SinkSlot::connect() {
  if (conn_ && conn_->is_open()) return std::nullopt;
  drop();
  try {
    conn_ = std::make_unique<pqxx::connection>(opts_.url);
    pqxx::nontransaction tx(*conn_);
    tx.exec(
        "SET TimeZone = 'UTC'; SET client_min_messages = warning; SET DateStyle = 'ISO, YMD'; "
        "SET extra_float_digits = 3");
  } catch (const std::exception& e) {
    conn_.reset();
    PgFailure f = PgFailure::from(e);
    if (f.kind != PgFailure::Kind::Other || dynamic_cast<const pqxx::failure*>(&e) != nullptr) {
      f.kind = PgFailure::Kind::Transient;
    }
    return f;
  }
  return std::nullopt;
}

void SinkSlot::drop() {
  writer_.aborted();
  conn_.reset();
  writer_.reset();
}

SinkSlot::Outcome SinkSlot::failed(Outcome out, const std::exception& e, const char* what) {
  out.failure = PgFailure::from(e);
  out.what = what;
  drop();
  return out;
}

SinkSlot::Outcome SinkSlot::refused(Outcome out) {
  writer_.aborted();  // the transaction rolls back as it goes out of scope
  PgFailure f = out.refusal.value_or(PgFailure{});
  f.kind = PgFailure::Kind::Data;
  f.message = "the record at position " + out.dead.front().position.to_display() + ": " +
              f.message + "; nothing of its transaction is committed (on_error = fail), so a " +
              "restart writes it again";
  out.failure = std::move(f);
  out.what = "write failed";
  out.dead.clear();
  out.rows = 0;
  return out;
}

void SinkSlot::apply_range(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo, size_t hi,
                           const BatchPlanner& planner, Outcome& out) {
  out.split_attempts++;
  if (g.truncate) {  // a truncate the table refuses (e.g. 0A000: referenced by a foreign key)
    try {
      pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "sluice_split");
      writer_.apply(sub, g, 0, 0);
      sub.commit();
    } catch (const std::exception& e) {
      PgFailure f = PgFailure::from(e);
      if (f.kind == PgFailure::Kind::Transient) throw;
      if (!out.refusal) out.refusal = f;
      planner.dead_letter(*g.events[0], f.code(),
                          "TRUNCATE: " + f.describe() + " (table " + g.table->name.display() + ")",
                          out.dead);
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
    if (!splits(f)) throw;
    if (hi - lo == 1) {
      if (!out.refusal) out.refusal = f;
      planner.dead_letter(*g.items[lo].ev, f.code(),
                          f.describe() + " (table " + g.table->name.display() + ")", out.dead);
      return;
    }
  }
  size_t mid = lo + (hi - lo) / 2;
  apply_range(tx, g, lo, mid, planner, out);
  apply_range(tx, g, mid, hi, planner, out);
}

void SinkSlot::commit(pqxx::transaction_base& tx, std::vector<WriteGroup>& groups, const Commit& c,
                      Outcome& out) {
  if (c.written != nullptr) c.written->record(tx, c.lineage, c.ckpt, 'f', c.ids);
  for (CheckpointTable* row : c.rows) {
    row->write(tx, c.position, c.token, c.seq, c.event_id, c.tables, c.acked);
  }
  try {
    tx.commit();
  } catch (const std::exception& e) {
    PgFailure f = PgFailure::from(e);
    out.in_doubt = f.in_doubt || f.kind == PgFailure::Kind::Transient;
    throw;
  }
  writer_.committed();
  out.committed = true;
  for (const auto& g : groups) {
    if (g.direct) out.direct_copies++;
  }
}

SinkSlot::Outcome SinkSlot::run(std::vector<WriteGroup>& groups, const Commit& c,
                                const BatchPlanner& planner) {
  const uint64_t before = writer_.binary_copies();
  Outcome out = attempt(groups, c, planner);
  out.binary_copies = writer_.binary_copies() - before;
  return out;
}

bool SinkSlot::splits(const PgFailure& f) const {
  return f.kind == PgFailure::Kind::Data ||
         (split_any_ && f.kind == PgFailure::Kind::Other && !f.sqlstate.empty());
}

SinkSlot::Outcome SinkSlot::attempt(std::vector<WriteGroup>& groups, const Commit& c,
                                    const BatchPlanner& planner) {
  Outcome out;
  split_any_ = c.split_any;
  if (auto f = connect()) {
    out.failure = std::move(f);
    out.what = "cannot connect";
    return out;
  }
  for (const auto& g : groups) out.rows += g.items.size();
  // Fast path: everything at once.
  size_t current = groups.size();
  try {
    pqxx::work tx(*conn_);
    for (size_t i = 0; i < groups.size(); ++i) {
      current = i;
      writer_.prepare(tx, groups[i]);
      writer_.apply(tx, groups[i], 0, groups[i].items.size());
    }
    current = groups.size();
    commit(tx, groups, c, out);
    return out;
  } catch (const std::exception& e) {
    writer_.aborted();
    PgFailure f = PgFailure::from(e);
    bool refused_truncate =
        current < groups.size() && groups[current].truncate && f.kind == PgFailure::Kind::Other;
    // A foreign key refused the groups' order (a child's rows before its parent's): the sink
    // plans the batch again in the source's order, nothing is isolated here.
    const bool order =
        f.sqlstate == kForeignKeyViolation && planner.order() != BatchPlanner::Order::Source;
    if (out.in_doubt || order || (!splits(f) && !refused_truncate)) {
      const char* what = out.in_doubt ? "commit failed" : "write failed";
      return failed(std::move(out), e, what);
    }
    if (current < groups.size() && groups[current].direct && opts_.mode != Mode::Append) {
      groups[current].direct = false;  // e.g. a snapshot row already there: go by staging
      out.copy_unsafe.push_back(groups[current].table);
    }
  }
  // Careful path: isolate the bad records with savepoints.
  try {
    pqxx::work tx(*conn_);
    for (auto& g : groups) {
      writer_.prepare(tx, g);
      apply_range(tx, g, 0, g.items.size(), planner, out);
    }
    out.rows -= out.dead.size();
    if (opts_.dead_letters_fail && !out.dead.empty()) return refused(std::move(out));
    commit(tx, groups, c, out);
    return out;
  } catch (const std::exception& e) {
    const char* what = out.in_doubt ? "commit failed" : "write failed";
    return failed(std::move(out), e, what);
  }
}

}  // namespace sluice::operators::postgres
