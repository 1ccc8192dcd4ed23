// Debezium change messages (operators/debezium/debezium_decoder.cpp DebeziumDecoder::decode,
// the Kafka `debezium` format): envelopes with and without a schema, bare payloads, keys, logical
// types (decimals, dates, times...), tombstones. Input: messages as key NUL value NUL key NUL
// value..., decoded by one decoder in order (the second message with a schema already seen takes
// the cached-schema path); an empty value is a tombstone. Decoded events are encoded as the JSON
// sinks write them. An error result is fine; a crash, sanitizer report or exception is not.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/event_codec.h"
#include "operators/debezium/debezium_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    size_t nul = in.find('\0', at);
    parts.push_back(in.substr(at, nul == std::string_view::npos ? in.size() - at : nul - at));
    if (nul == std::string_view::npos) break;
    at = nul + 1;
  }
  if (parts.size() == 1) parts.insert(parts.begin(), std::string_view());  // a value alone
  sluice::operators::debezium::DebeziumDecoder decoder("fuzz");
  for (size_t i = 0; i + 1 < parts.size(); i += 2) {
    sluice::Event e;
    auto r = decoder.decode(parts[i], parts[i + 1], !parts[i + 1].empty(), e);
    if (r.ok() && *r) (void)sluice::event_codec::encode(e);
  }
  return 0;
}
