// The postgres sink's checkpoint lineage (docs/ods.md): a random id kept in the engine state,
// prefixed to every event_id the sink stores, so a restart knows which stored rows are its
// own; the tables the lineage wrote and whether it acknowledged a barrier (both stored in the
// checkpoint row). A restart with no engine checkpoint that finds the output of an earlier
// lineage which never acknowledged a barrier takes it over: that run's rows are covered by no
// checkpoint and the new run derives everything again, so its tables are cleared (a truncate)
// in the new lineage's first flush (docs/ods.md "A restart with no checkpoint"). Only tables
// that hold nothing but that run's output: not one that held rows when the run first wrote it
// (WrittenTables::shared) or that another sink's checkpoint row lists.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "base/event.h"
#include "operators/postgres/checkpoint_table.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/table_catalog.h"
#include "operators/postgres/write_group.h"

namespace sluice::operators::postgres {

class Lineage {
 public:
  explicit Lineage(const SinkOptions& opts) : opts_(opts) {}

  // open(): the lineage of the engine state, or a new one when it has none ("").
  void start(const std::string& stored);
  // The state named a lineage: stored rows with its id may be this run's replay.
  bool continued() const { return continued_; }
  const std::string& id() const { return id_; }
  // True when a stored event_id was written by this lineage.
  bool owns(const std::string& event_id) const;
  // "<lineage>|<event identity>" of a flush's last event ("t||" for a takeover alone).
  std::string event_id(const Event* last) const;

  // After reading slot 0's checkpoint row: a row of this lineage gives its table list.
  void adopt(const std::optional<CheckpointTable::Stored>& stored);
  // A start with no engine state that found a row of an earlier lineage: its tables that hold
  // only its output are cleared when that lineage never acknowledged a barrier (a warning
  // either way, naming the tables kept and why).
  // `written_by_others`: CheckpointTable::tables_of_others.
  void plan_takeover(const CheckpointTable::Stored& stored,
                     const std::vector<std::string>& written_by_others);
  bool taking_over() const { return !takeover_tables_.empty(); }
  // The truncates of the taken-over tables that exist, ahead of a flush's groups.
  void takeover_groups(pqxx::connection_base& c, TableCatalog& catalog,
                       std::vector<WriteGroup>& groups);

  // Adds the tables of a flush's groups to the tables this lineage wrote.
  void note_tables(const std::vector<WriteGroup>& groups);
  // The flush must store the table list: it grew, or a takeover clears tables.
  bool new_tables() const { return tables_dirty_ || taking_over(); }
  const WrittenTables& tables() const { return tables_; }
  // A flush committed: the takeover is done and the stored list is up to date.
  void committed();

  bool acked() const { return acked_; }
  void set_acked(bool acked) { acked_ = acked; }

 private:
  static std::string new_id();
  // The stored lineage's tables a takeover clears; the others are logged with the reason.
  std::vector<std::string> clearable(const CheckpointTable::Stored& stored,
                                     const std::vector<std::string>& written_by_others) const;

  const SinkOptions& opts_;
  std::string id_;
  bool continued_ = false;
  WrittenTables tables_;       // tables this lineage wrote (stored in the row)
  bool tables_dirty_ = false;  // tables_ grew since the last commit
  bool acked_ = false;         // this lineage acknowledged a barrier
  std::vector<std::string> takeover_tables_;
  Event takeover_event_;  // the synthetic truncate of those tables
};

}  // namespace sluice::operators::postgres
