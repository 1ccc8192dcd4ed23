// Append mode's replay filter (written_ids.h, docs/ods.md "Exactly once"): every transaction
// records the identities of the events it writes; a restart loads those written after its
// checkpoint and drops their replays by identity, whatever their order. At a checkpoint the
// identities still awaited are carried over to it, and once it is committed older rows go.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/event.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/sink_slot.h"
#include "operators/postgres/write_group.h"
#include "operators/postgres/written_ids.h"

namespace sluice::operators::postgres {

class IdentityReplay {
 public:
  explicit IdentityReplay(const SinkOptions& opts)
      : opts_(opts), enabled_(opts.mode == Mode::Append), written_(opts.pipeline, opts.stage) {}

  bool enabled() const { return enabled_; }
  // Open: nothing awaited; `ckpt` is the engine checkpoint the state was taken at.
  void reset(uint64_t ckpt);
  // The checkpoint the rows written from now on are tagged with.
  void set_checkpoint(uint64_t ckpt) { ckpt_ = ckpt; }

  // Enabled only (the calls below may throw libpqxx exceptions): creates sluice_written; a
  // fresh lineage deletes the rows of every other one.
  void prepare(pqxx::connection_base& c, const std::string& lineage, bool fresh);
  // The identities written after checkpoint `ckpt()` of `lineage`: their replays are awaited.
  void load(pqxx::connection_base& c, const std::string& lineage);
  // Carries the awaited identities over to checkpoint `id` (one transaction on `slot`).
  void carry(SinkSlot& slot, const std::string& lineage, uint64_t id);
  // Deletes the rows no restart from checkpoint `id` needs.
  void prune(pqxx::connection_base& c, const std::string& lineage, uint64_t id);

  // Replays are still awaited.
  bool waiting() const { return !ids_.empty(); }
  // Drops (in place) the events whose identity the target holds; returns how many.
  uint64_t drop(std::vector<Event>& events);
  // Enabled only: a commit of `lineage` records identities in sluice_written, tagged with the
  // last checkpoint...
  void tag(SinkSlot::Commit& c, const std::string& lineage);
  // ...namely those of the rows of `groups`.
  void add_ids(const std::vector<WriteGroup>& groups, std::vector<uint64_t>& ids);

 private:
  const SinkOptions& opts_;
  bool enabled_;
  WrittenIds written_;
  WrittenIds::Counts ids_;  // awaited replays
  uint64_t ckpt_ = 0;       // the last checkpoint taken (or restored): tags the rows
  uint64_t dropped_ = 0;    // replayed events dropped since open()
  std::string buf_;         // EventIdentity::hash() scratch
};

}  // namespace sluice::operators::postgres
