// BSON documents from a MongoDB server as `source mongodb` decodes them
// (operators/mongodb/bson_value_decoder.cpp BsonValueDecoder::document: every BSON type to its
// Sluice value — Decimal128 exactly, dates, ObjectId, binary, nested documents and arrays to the
// depth limit, the types without a value as extended JSON objects). The input is one document,
// taken as libmongoc hands a change or a snapshot read over (bson_init_static: length and the
// final NUL checked, elements read by iterators). A decoded document must encode to JSON and parse
// back. A crash, sanitizer report or exception is a failure.
#include <bson/bson.h>

#include <cstddef>
#include <cstdint>

#include "base/json.h"
#include "operators/mongodb/bson_value_decoder.h"

using sluice::operators::mongodb::BsonValueDecoder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bson_t doc;
  if (!bson_init_static(&doc, data, size)) return 0;
  auto row = BsonValueDecoder::document(&doc);
  if (!row.ok()) return 0;
  const std::string text = sluice::json::encode(sluice::Value::object(std::move(row.value())));
  if (!sluice::json::parse(text).ok()) __builtin_trap();
  return 0;
}
