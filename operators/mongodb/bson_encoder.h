// Values -> BSON, exactly (DSL.md §4, docs/mongodb.md "Types"):
//   null -> null, bool -> bool, int -> int64, uint -> int64 (above INT64_MAX: Decimal128),
//   float -> double, decimal -> Decimal128 from its exact text (more than 34 significant
//   digits is an error, never a rounded value), string -> UTF-8 string (invalid UTF-8 is an
//   error), bytes -> binary subtype 0, date -> BSON date at 00:00 UTC, datetime/timestamp ->
//   BSON date (milliseconds since epoch; sub-millisecond digits are dropped, rounding toward
//   the past), time -> string "13:45:59.123", object -> embedded document, list -> array.
// Errors are returned as text (the caller dead-letters the record): no exceptions, no crash.
#pragma once
#include <bson/bson.h>

#include <string>
#include <string_view>

#include "base/value.h"

namespace sluice::operators::mongodb {

class BsonEncoder {
 public:
  // Decimal128 holds 34 significant digits; Decimal holds 76 (MySQL DECIMAL(65,30) has 65).
  static constexpr int kMaxDecimal128Digits = 34;
  // Deeper nesting is refused (the server's own limit is 100 levels).
  static constexpr int kMaxDepth = 100;

  // Appends `v` under `key`. false + `err` on a value BSON cannot hold exactly.
  static bool append(bson_t* out, std::string_view key, const Value& v, std::string& err,
                     int depth = 0);
  // Appends every field of `row` to `out` (skipping a field named `skip`, e.g. "_id", when
  // skip_id is set).
  static bool append_fields(bson_t* out, const Object& row, std::string& err, int depth = 0,
                            bool skip_id = false);
  // Milliseconds since the epoch of a micros value, rounding toward the past.
  static int64_t micros_to_millis(int64_t micros);
};

}  // namespace sluice::operators::mongodb
