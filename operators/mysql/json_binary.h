// MySQL 8's binary JSON column format -> Value (objects keep key order as stored: MySQL sorts
// keys by length then bytes). Opaque DECIMAL becomes an exact Decimal; other opaque MySQL
// types (date/time inside JSON) become their text when known, else bytes.
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/result.h"
#include "base/value.h"

namespace sluice::operators::mysql {

result<Value> decode_json_binary(const uint8_t* p, size_t n);

}  // namespace sluice::operators::mysql
