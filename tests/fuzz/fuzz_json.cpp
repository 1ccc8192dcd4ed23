// JSON text from outside (base/json.cpp json::parse: file sources' JSON/JSONL, Kafka
// `json` messages, MariaDB JSON columns, management API answers) and what is made of it:
// the value encoded back must parse again (a sink never writes JSON it could not read) and
// encode to the same text from then on; base64 text (bytes in JSON) decodes or fails cleanly;
// the Kafka `json` format (operators/kafka/message_decoder.cpp) turns the text into an event,
// which is encoded as the JSON sinks write it. An error result is fine; a crash, sanitizer
// report, exception or a broken round trip is not.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/event_codec.h"
#include "base/json.h"
#include "operators/kafka/message_decoder.h"

namespace json = sluice::json;

namespace {

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "%s\n  first:  %s\n  second: %s\n", what, a.c_str(), b.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = json::parse(text);
  if (v.ok()) {
    std::string once = json::encode(*v);
    auto again = json::parse(once);
    if (!again.ok()) fail("encoded JSON does not parse", once, again.err().message);
    std::string twice = json::encode(*again);
    auto third = json::parse(twice);
    if (!third.ok()) fail("encoded JSON does not parse", twice, third.err().message);
    if (json::encode(*third) != twice) fail("encoding is not stable", twice, json::encode(*third));
  }
  (void)json::base64_decode(text);

  static sluice::operators::kafka::MessageDecoder decoder(sluice::operators::kafka::Format::Json,
                                                          "fuzz");
  sluice::Event e;
  auto r = decoder.decode("topic", nullptr, 0, text.data(), text.size(), e);
  if (r.ok() && *r) (void)sluice::event_codec::encode(e);
  return 0;
}
