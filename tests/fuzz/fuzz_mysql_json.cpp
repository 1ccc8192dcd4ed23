// MySQL 8's binary JSON column format (json_binary.cpp decode_json_binary): objects and arrays
// small and large, inline and offset values, every scalar, opaque DECIMAL and temporal values.
// The decoded value is encoded as JSON text as a sink would write it. An error result is fine;
// a crash, sanitizer report or exception is not.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/json.h"
#include "operators/mysql/json_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto v = sluice::operators::mysql::decode_json_binary(data, size);
  if (v.ok()) {
    std::string out;
    sluice::json::encode(*v, out);
  }
  return 0;
}
