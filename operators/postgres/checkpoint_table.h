// The sink's row in `public.sluice_checkpoints (pipeline, stage, position, updated_at, seq,
// event_id)`: written in the same transaction as each batch's rows, so the target itself
// records which source position it holds (exactly once). `seq` is the sink's running count of
// events received (kept across restarts through the engine checkpoint) up to the flush's last
// event, `event_id` that event's identity (op, position, key): together they let a restarted
// sink recognise and drop events the engine replays but the target already holds
// (docs/ods.md). `tables` lists the tables the row's lineage wrote (newline-separated),
// `shared_tables` those of them that held rows the lineage had not written when it first wrote
// them, and `acked` whether that lineage's sink ever acknowledged a barrier: a fresh lineage
// that finds a row of an earlier lineage that never did clears those of its tables that hold
// nothing but that lineage's output (docs/ods.md "A restart with no checkpoint"). All calls
// may throw libpqxx exceptions.
//
// Fencing (cluster workers, epoch > 0): `epoch` holds the assignment epoch of the owner that
// wrote the row last. claim() (at open) raises it to ours; write() upserts only while the
// stored epoch is not newer than ours, in the batch's own transaction, and throws Fenced
// otherwise: a partitioned old owner's flush rolls back instead of overwriting what the new
// owner wrote. With epoch 0 (`sluice run`) the column is neither checked nor written.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/postgres/pqxx_fwd.h"

namespace sluice::operators::postgres {

// The stored row belongs to a newer owner: this one must not write.
class Fenced : public std::runtime_error {
 public:
  Fenced(const std::string& row, int64_t stored, int64_t mine);
  int64_t stored = 0;
  int64_t mine = 0;
};

// The tables a sink's lineage wrote ("schema.name", as QualifiedName::display()).
struct WrittenTables {
  std::vector<std::string> all;
  // Of `all`, the tables that held rows when the lineage first wrote them (made by hand, written
  // before Sluice or by another sink): other rows than the lineage's own, never cleared.
  std::vector<std::string> shared;
};

class CheckpointTable {
 public:
  static constexpr const char* kTable = "public.sluice_checkpoints";

  CheckpointTable(std::string pipeline, std::string stage, int64_t epoch = 0)
      : pipeline_(std::move(pipeline)), stage_(std::move(stage)), epoch_(epoch) {}

  struct Stored {
    std::optional<std::string> position;
    int64_t seq = 0;       // 0 = unknown (written by an older sink)
    std::string event_id;  // "" = unknown
    WrittenTables tables;  // tables the row's lineage wrote
    bool acked = false;    // that lineage acknowledged at least one barrier
  };

  void ensure(pqxx::connection_base& c);
  // The whole stored row; nullopt when there is none.
  std::optional<Stored> read_row(pqxx::connection_base& c);
  // The tables the rows of other sinks list (other pipelines or stages; not this sink's
  // connection slots, "STAGE~i"): those sinks write them too.
  std::vector<std::string> tables_of_others(pqxx::connection_base& c);
  // The stored position (JSON text of Event::position), nullopt when none is stored.
  std::optional<std::string> read(pqxx::connection_base& c);
  // True when the stored row carries exactly this updated_at (micros): that commit happened.
  bool committed_at(pqxx::connection_base& c, int64_t updated_at_us);
  // Upserts the row; position "" stores NULL. `tables` null keeps the stored list.
  void write(pqxx::transaction_base& tx, const std::string& position, int64_t updated_at_us,
             int64_t seq = 0, const std::string& event_id = "",
             const WrittenTables* tables = nullptr, bool acked = false);
  // Sets acked on the row when its event_id starts with `lineage|` (and, fenced, when the
  // row's epoch is not newer than ours).
  void mark_acked(pqxx::connection_base& c, const std::string& lineage);
  // Fenced only: makes the row ours in `tx` (inserted without a position when absent): once
  // `tx` commits, every transaction of an older owner that writes the row fails. Waits for a
  // transaction holding the row to end. Throws Fenced when a newer epoch holds it.
  void claim(pqxx::transaction_base& tx);
  // Fenced only: locks the row for `tx` and throws Fenced when a newer epoch holds it.
  void check(pqxx::transaction_base& tx);
  // The stored epoch (0 when none or NULL).
  int64_t stored_epoch(pqxx::connection_base& c);
  int64_t epoch() const { return epoch_; }

 private:
  std::string where() const;
  // The rows of other sinks (see tables_of_others).
  std::string where_others() const;
  [[noreturn]] void fenced(pqxx::transaction_base& tx);
  std::string pipeline_;
  std::string stage_;
  int64_t epoch_ = 0;
};

}  // namespace sluice::operators::postgres
