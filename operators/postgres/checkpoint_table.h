// The sink's row in `public.sluice_checkpoints (pipeline, stage, position, updated_at)`:
// written in the same transaction as each batch's rows, so the target itself records which
// source position it holds (exactly once). All calls may throw libpqxx exceptions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

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

  void ensure(pqxx::connection_base& c);
  // The stored position (JSON text of Event::position), nullopt when none is stored.
  std::optional<std::string> read(pqxx::connection_base& c);
  // True when the stored row carries exactly this updated_at (micros): that commit happened.
  bool committed_at(pqxx::connection_base& c, int64_t updated_at_us);
  // Upserts the row; position "" stores NULL.
  void write(pqxx::transaction_base& tx, const std::string& position, int64_t updated_at_us);

 private:
  std::string where() const;
  std::string pipeline_;
  std::string stage_;
};

}  // namespace sluice::operators::postgres
