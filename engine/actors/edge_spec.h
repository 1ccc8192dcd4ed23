// The static wiring of one actor: where its outputs go and what its input channels are.
#pragma once
#include <caf/actor.hpp>
#include <cstdint>
#include <vector>

namespace sluice::engine {

// One downstream actor instance reached by an output port.
struct TargetSpec {
  caf::actor actor;
  int32_t channel = 0;  // the channel index at the downstream actor
  int64_t credit = 0;   // initial credit in records (the channel's bound)
};

// An output port: one group per downstream stage (its instances, partitioned by key).
struct PortSpec {
  std::vector<std::vector<TargetSpec>> groups;
  bool empty() const { return groups.empty(); }
};

// One input channel of a downstream actor: which upstream output it is (for credit).
struct ChannelSpec {
  int input_index = 0;    // index of the `from` stage (Processor::process input_index); -1 = DLQ
  int32_t up_port = 0;    // 0 = main output, 1 = dead-letter output
  int32_t up_target = 0;  // target index inside that upstream port
};

inline constexpr int32_t kMainPort = 0;
inline constexpr int32_t kDeadPort = 1;

}  // namespace sluice::engine
