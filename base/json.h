// JSON text <-> Value, exactly as DSL.md §10 says: decimals keep digits and scale, dates as
// "2024-02-29", times "13:45:59.123", datetimes "...T13:45:59.123000", timestamps "...Z",
// bytes base64, objects/lists nested.
#pragma once
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/value.h"

namespace sluice::json {

// Appends the JSON encoding of v to out.
void encode(const Value& v, std::string& out);
std::string encode(const Value& v);
// Appends a JSON string literal (with quotes and escapes).
void encode_string(std::string_view s, std::string& out);

// Parses JSON text. Integers that fit become Int (or UInt above INT64_MAX); numbers with a
// fraction or exponent become Decimal when they fit 76 digits (exact), else Float.
// Strings stay strings (no guessing of dates). Error message includes the byte offset.
result<Value> parse(std::string_view text);

std::string base64_encode(std::string_view bytes);
result<std::string> base64_decode(std::string_view text);

}  // namespace sluice::json
