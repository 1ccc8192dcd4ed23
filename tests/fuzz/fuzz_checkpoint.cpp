// Checkpoint files read back from disk at a restart: checkpoint.json
// (engine/actors/checkpoint_store.cpp CheckpointStore::decode) and the source states it holds,
// decoded by their sources: the mysql source's key=value state (operators/mysql/source_state.cpp
// SourceState::decode) with its GTID state (gtid_state.cpp GtidState::parse), and the kafka
// source's partition offsets (operators/kafka/partition_offsets.cpp PartitionOffsets::decode).
// The whole input goes to every decoder, and each state found in a decoded checkpoint goes to
// the state decoders again. A decoded checkpoint is encoded and decoded back to the same thing.
// An error result is fine; a crash, sanitizer report, exception or broken round trip is not.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/actors/checkpoint_store.h"
#include "operators/kafka/partition_offsets.h"
#include "operators/mysql/gtid_state.h"
#include "operators/mysql/source_state.h"

namespace {

void decode_state(const std::string& text) {
  auto st = sluice::operators::mysql::SourceState::decode(text);
  if (st.ok()) {
    (void)sluice::operators::mysql::GtidState::parse(st->position.gtid);
    (void)st->encode();
  }
  (void)sluice::operators::mysql::GtidState::parse(text);
  auto offsets = sluice::operators::kafka::PartitionOffsets::decode(text);
  if (offsets.ok()) (void)offsets->encode();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  using sluice::engine::CheckpointStore;
  auto cp = CheckpointStore::decode(text);
  if (cp.ok()) {
    for (const auto& [name, state] : cp->sources) decode_state(state);
    for (const auto& [name, states] : cp->stages) {
      for (const auto& s : states) decode_state(s);
    }
    std::string once = CheckpointStore::encode("p", *cp);
    auto back = CheckpointStore::decode(once);
    if (!back.ok() || CheckpointStore::encode("p", *back) != once) {
      std::fprintf(stderr, "checkpoint does not round-trip: %s\n", once.c_str());
      std::abort();
    }
  }
  decode_state(text);
  return 0;
}
