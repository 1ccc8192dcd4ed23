// Kafka Connect's Decimal wire form: the unscaled value as big-endian two's complement bytes
// (minimal length), the scale in the schema. Exact in both directions (no floating point).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/decimal.h"

namespace sluice::operators::debezium {

// nullopt when the value needs more than 128 bits (more than 38 digits).
std::optional<int128> unscaled_from_bytes(std::string_view be);
std::string unscaled_to_bytes(int128 v);

}  // namespace sluice::operators::debezium
