// An order-preserving ("memcomparable") byte encoding of Values: for any a, b,
//   sort_key(a) < sort_key(b) (bytewise)  <=>  ValueLess: Value::compare(a, b) < 0, or equal and
//   a.type() < b.type().
// Numbers of every type share one exact decimal encoding (Int 2 < Decimal 2.5 < Float 3.0),
// with the type as the tie-breaker; Decimal 1.5 and 1.50 give the same key. Used as the tail
// of on-disk state keys so that a store's key order is the value order (min/max are a seek).
#pragma once
#include <string>

#include "base/value.h"

namespace sluice {

void append_sort_key(const Value& v, std::string& out);

}  // namespace sluice
