// BSON -> Values, exactly (the inverse of BsonEncoder; docs/mongodb.md "Source: types"):
//   double -> float, string -> string (UTF-8 checked), document -> object (field order kept),
//   array -> list, binary (any subtype) -> bytes, ObjectId -> string of 24 lowercase hex
//   digits, bool -> bool, date -> timestamp (micros; milliseconds * 1000), null and undefined
//   -> null, int32/int64 -> int, Decimal128 -> exact decimal (NaN and +-Infinity -> float;
//   beyond 76 digits or a scale above 38 -> error, never rounded), symbol -> string.
//   Types with no Sluice counterpart become the object of their canonical extended JSON:
//   regex {"$regularExpression": {"pattern", "options"}}, timestamp {"$timestamp": {"t", "i"}},
//   minKey {"$minKey": 1}, maxKey {"$maxKey": 1}, JavaScript {"$code"} (with scope: and
//   "$scope"), DBPointer {"$dbPointer": {"$ref", "$id"}}.
// Errors (errc::decode) name the field path; nothing throws.
#pragma once
#include <bson/bson.h>

#include <string>

#include "base/result.h"
#include "base/value.h"

namespace sluice::operators::mongodb {

class BsonValueDecoder {
 public:
  // Deeper nesting is refused (the server's own limit is 100 levels of documents).
  static constexpr int kMaxDepth = 200;

  // The value `it` points at; `path` names it in errors ("address.lines.1").
  static result<Value> value(const bson_iter_t* it, const std::string& path, int depth = 0);
  // Every field of `doc`, in order.
  static result<Object> document(const bson_t* doc);
  // Every field of the embedded document `it` points at (BSON_ITER_HOLDS_DOCUMENT).
  static result<Object> embedded(const bson_iter_t* it, const std::string& path, int depth = 0);
  // A Decimal128 as an exact decimal (NaN, Infinity: float); error beyond a Sluice decimal.
  static result<Value> decimal128(const bson_decimal128_t& d);
  // Milliseconds since the epoch as micros; error when that overflows int64.
  static result<Value> date_time(int64_t millis);
  // The fields `it` iterates (positioned before the first), each named path.KEY in errors.
  static result<Object> fields_of(bson_iter_t& it, const std::string& path, int depth);
};

}  // namespace sluice::operators::mongodb
