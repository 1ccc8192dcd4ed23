// The sink's row in `public.sluice_checkpoints (pipeline, stage, position, updated_at, seq,
// event_id)`: written in the same transaction as each batch's rows, so the target itself
// records which source position it holds (exactly once). `seq` is the sink's running count of
// events received (kept across restarts through the engine checkpoint) up to the flush's last
// event, `event_id` that event's identity (op, position, key): together they let a restarted
// sink recognise and drop events the engine replays but the target already holds
// (docs/ods.md). `tables` lists the tables the row's lineage wrote (newline-separated) and
// `acked` whether that lineage's sink ever acknowledged a barrier: a fresh lineage that finds
// a row of an earlier lineage that never did clears those tables (docs/ods.md "A restart with
// no checkpoint"). All calls may throw libpqxx exceptions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace sluice::operators::postgres {

class CheckpointTable {
 public:
  static constexpr const char* kTable = "public.sluice_checkpoints";

  CheckpointTable(std::string pipeline, std::string stage)
      : pipeline_(std::move(pipeline)), stage_(std::move(stage)) {}

  struct Stored {
    std::optional<std::string> position;
    int64_t seq = 0;                  // 0 = unknown (written by an older sink)
    std::string event_id;             // "" = unknown
    std::vector<std::string> tables;  // tables the row's lineage wrote ("schema.name")
    bool acked = false;               // that lineage acknowledged at least one barrier
  };

  void ensure(pqxx::connection_base& c);
  // The whole stored row; nullopt when there is none.
  std::optional<Stored> read_row(pqxx::connection_base& c);
  // The stored position (JSON text of Event::position), nullopt when none is stored.
  std::optional<std::string> read(pqxx::connection_base& c);
  // True when the stored row carries exactly this updated_at (micros): that commit happened.
  bool committed_at(pqxx::connection_base& c, int64_t updated_at_us);
  // Upserts the row; position "" stores NULL. `tables` null keeps the stored list.
  void write(pqxx::transaction_base& tx, const std::string& position, int64_t updated_at_us,
             int64_t seq = 0, const std::string& event_id = "",
             const std::vector<std::string>* tables = nullptr, bool acked = false);
  // Sets acked on the row when its event_id starts with `lineage|`.
  void mark_acked(pqxx::connection_base& c, const std::string& lineage);

 private:
  std::string where() const;
  std::string pipeline_;
  std::string stage_;
};

}  // namespace sluice::operators::postgres
