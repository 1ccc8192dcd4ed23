// An order-preserving ("memcomparable") byte encoding of Values: for any a, b,
//   sort_key(a) < sort_key(b) (bytewise)  <=>  ValueLess: Value::compare(a, b) < 0, or equal and
//   a.type() < b.type().
// Numbers of every type share one exact decimal encoding (Int 2 < Decimal 2.5 < Float 3.0),
// with the type as the tie-breaker; Decimal 1.5 and 1.50 give the same key. Used as the tail
// of on-disk state keys so that a store's key order is the value order (min/max are a seek).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/value.h"

namespace sluice {

void append_sort_key(const Value& v, std::string& out);

// 8 bytes big-endian (byte order = unsigned order), and its reverse (0 when s is short).
void append_be64(uint64_t v, std::string& out);
uint64_t read_be64(std::string_view s);
// A signed integer as 8 bytes whose byte order is its numeric order (sign bit flipped).
inline void append_ordered_i64(int64_t v, std::string& out) {
  append_be64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63), out);
}
inline int64_t read_ordered_i64(std::string_view s) {
  return static_cast<int64_t>(read_be64(s) ^ (uint64_t{1} << 63));
}

}  // namespace sluice
