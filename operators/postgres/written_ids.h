// `public.sluice_written (pipeline, stage, lineage, ckpt, kind, ids)`: the identities of the
// events an append-mode sink wrote, one row per committed transaction, written in that same
// transaction (docs/ods.md "Exactly once"). After a crash the engine replays from its last
// checkpoint C, in an order that may differ from the first time (parallel stages and several
// inputs merge their channels in arrival order); the sink loads the identities written after
// C and drops each replayed event found there, whatever the order.
//
// `ckpt` is the last checkpoint the sink had taken when it wrote the row; kind 'f' marks a
// flush, kind 'c' a carry: at checkpoint N the identities still waiting for their replay are
// written again as one row with ckpt N, so that a restart from N needs only rows with
// ckpt >= N (flushes) and the carry of N, and every older row can be deleted once N is
// committed. `ids` holds 64-bit FNV-1a hashes of EventIdentity::id, 8 bytes each
// (little endian). All calls may throw libpqxx exceptions.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "operators/postgres/pqxx_fwd.h"

namespace sluice::operators::postgres {

class WrittenIds {
 public:
  static constexpr const char* kTable = "public.sluice_written";
  using Counts = std::unordered_map<uint64_t, uint32_t>;

  WrittenIds(std::string pipeline, std::string stage)
      : pipeline_(std::move(pipeline)), stage_(std::move(stage)) {}

  static uint64_t hash(const std::string& event_id);

  void ensure(pqxx::connection_base& c);
  // Adds a row (nothing when `ids` is empty).
  void record(pqxx::transaction_base& tx, const std::string& lineage, uint64_t ckpt, char kind,
              const std::vector<uint64_t>& ids) const;
  // The identities a restart from checkpoint `ckpt` of `lineage` may see replayed: flushes
  // with ckpt >= it and the carry of it, counted.
  Counts load(pqxx::connection_base& c, const std::string& lineage, uint64_t ckpt) const;
  // Deletes this lineage's rows that no restart from checkpoint `ckpt` or later needs.
  void prune(pqxx::connection_base& c, const std::string& lineage, uint64_t ckpt) const;
  // Deletes the rows of every other lineage of this stage (a fresh start: they are garbage).
  void drop_other_lineages(pqxx::connection_base& c, const std::string& lineage) const;

 private:
  std::string where() const;
  std::string pipeline_;
  std::string stage_;
};

}  // namespace sluice::operators::postgres
