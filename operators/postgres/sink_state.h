// The postgres sink's engine checkpoint state (the blob checkpoint() returns and open() gets
// back): {"position": <JSON of the last committed flush's position, or null>, "seq": <events
// received>, "lineage": "<id>", "slots": <connections>, "ckpt": <checkpoint id>}.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace sluice::operators::postgres {

struct SinkState {
  int64_t seq = 0;               // events the sink received (0 when absent)
  std::string lineage;           // "" when absent: a fresh start
  int slots = 1;                 // connections of the run that wrote the state
  std::optional<uint64_t> ckpt;  // the checkpoint the state was taken at

  // Fields that are missing, or not of their type, keep their defaults ("" = all defaults).
  static SinkState parse(const std::string& text);
  // `position` "" is written as null.
  std::string encode(const std::string& position) const;
};

}  // namespace sluice::operators::postgres
