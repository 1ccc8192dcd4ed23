#include "operators/postgres/lineage.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "base/logger.h"
#include "base/temporal.h"
#include "operators/postgres/event_identity.h"

namespace sluice::operators::postgres {

std::string Lineage::new_id() {
  std::random_device rd;
  uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r));
  return buf;
}

void Lineage::start(const std::string& stored) {
  tables_ = {};
  tables_dirty_ = false;
  acked_ = false;
  takeover_tables_.clear();
  continued_ = !stored.empty();
  // A fresh start: whatever the target holds is not our replay.
  id_ = continued_ ? stored : new_id();
}

bool Lineage::owns(const std::string& event_id) const { return event_id.rfind(id_ + "|", 0) == 0; }

std::string Lineage::event_id(const Event* last) const {
  return id_ + "|" + (last == nullptr ? std::string("t||") : EventIdentity::id(*last));
}

void Lineage::adopt(const std::optional<CheckpointTable::Stored>& stored) {
  if (stored && owns(stored->event_id)) tables_ = stored->tables;
}

namespace {

bool listed(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& t : names) list += (list.empty() ? "" : ", ") + t;
  return list;
}

}  // namespace

std::vector<std::string> Lineage::clearable(
    const CheckpointTable::Stored& stored,
    const std::vector<std::string>& written_by_others) const {
  std::vector<std::string> clear, held, others;
  for (const auto& t : stored.tables.all) {
    if (listed(stored.tables.shared, t)) {
      held.push_back(t);
    } else if (listed(written_by_others, t)) {
      others.push_back(t);
    } else {
      clear.push_back(t);
    }
  }
  const std::string kept = "sink " + opts_.stage + ": no checkpoint, and the target holds the " +
                           "output of an earlier run that never reached one; ";
  const std::string stay =
      ": the fresh snapshot writes the source's rows again, but a row that run wrote whose "
      "source row was deleted since stays (sluice reconcile finds it)";
  if (!held.empty()) {
    log::warn("postgres", kept + "its tables " + joined(held) +
                              " are kept, not cleared: they held rows when that run first wrote "
                              "them (a table made or filled before), rows it did not write" +
                              stay);
  }
  if (!others.empty()) {
    log::warn("postgres", kept + "its tables " + joined(others) +
                              " are kept, not cleared: the checkpoint row of another sink (" +
                              CheckpointTable::kTable + ") lists them, its rows are there too" +
                              stay);
  }
  return clear;
}

void Lineage::plan_takeover(const CheckpointTable::Stored& stored,
                            const std::vector<std::string>& written_by_others) {
  // Parallel instances (stage NAME#i) share tables: one instance's clear could remove rows
  // another instance of this run already wrote, so they never clear.
  const bool instance = opts_.stage.find('#') != std::string::npos;
  if (!stored.acked && opts_.mode != Mode::Append && !stored.tables.all.empty() && !instance) {
    takeover_tables_ = clearable(stored, written_by_others);
    if (takeover_tables_.empty()) return;
    takeover_event_ = Event();
    takeover_event_.op = Op::Truncate;
    takeover_event_.ts = temporal::now_micros();
    log::warn("postgres", "sink " + opts_.stage + ": no checkpoint, and the target holds the " +
                              "output of an earlier run that never reached one; its tables (" +
                              joined(takeover_tables_) +
                              ") are cleared in the first transaction of this run");
  } else if (stored.acked) {
    log::warn("postgres", "sink " + opts_.stage + ": no checkpoint, but the target holds the " +
                              "output of an earlier run that reached checkpoints (was the " +
                              "state directory deleted?): its rows are kept");
  }
}

void Lineage::takeover_groups(pqxx::connection_base& c, TableCatalog& catalog,
                              std::vector<WriteGroup>& groups) {
  WriteGroup* together = nullptr;  // upsert: one TRUNCATE of every table
  for (const auto& name : takeover_tables_) {
    TableInfo& table = catalog.get(c, name);
    if (!table.exists) continue;
    // soft_delete marks rows deleted: a table without cdc_deleted was not written that way.
    if (opts_.mode == Mode::SoftDelete && table.column("cdc_deleted") == nullptr) continue;
    table.held_rows = false;  // empty once this transaction commits: this lineage's own
    // Empty once this transaction commits: snapshot rows after it may go by COPY (a
    // conflict, should it fail and be retried, turns that off again).
    if (opts_.mode == Mode::Upsert) table.copy_safe = true;
    if (together != nullptr) {
      together->truncate_with.push_back(&table);
      continue;
    }
    WriteGroup t;
    t.table = &table;
    t.events.push_back(&takeover_event_);
    t.event_at.push_back(0);
    t.truncate = true;
    groups.push_back(std::move(t));
    if (opts_.mode == Mode::Upsert) together = &groups.back();
  }
}

void Lineage::note_tables(const std::vector<WriteGroup>& groups) {
  auto note = [&](const TableInfo& t) {
    std::string name = t.name.display();
    if (listed(tables_.all, name)) return;
    // Whether it held rows is known from the table's first load, before this first write.
    if (t.held_rows) tables_.shared.push_back(name);
    tables_.all.push_back(std::move(name));
    tables_dirty_ = true;
  };
  for (const auto& g : groups) {
    note(*g.table);
    for (const TableInfo* t : g.truncate_with) note(*t);
  }
}

void Lineage::committed() {
  if (!takeover_tables_.empty()) {
    log::info("postgres", "sink " + opts_.stage + ": cleared the earlier run's tables");
    takeover_tables_.clear();
  }
  tables_dirty_ = false;
}

}  // namespace sluice::operators::postgres
