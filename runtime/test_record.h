// The records of a test block (docs/testing.md) as change events, and how a received event is
// compared with an expected record and shown in a failing test's diff.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/event.h"

namespace sluice::runtime {

// The event a test record stands for: fields without '@' form the row; `@op` (default "c"),
// `@before`, `@key`, `@table`, `@db` and `@ts` its metadata (checked by dsl::check_tests).
Event test_event(const Object& record, const std::string& stage, int64_t index);

// Whether `actual` is the expected record: the same fields with the same types and values
// (in any order, nested objects too) and the metadata the expected record sets.
bool record_matches(const Object& expected, const Event& actual);

// One line of JSON: the expected record as written.
std::string show_expected(const Object& expected);
// One line of JSON: the received event with `@op` (when not "c" or when `meta_like` sets it)
// and the other metadata keys `meta_like` sets.
std::string show_actual(const Event& actual, const Object& meta_like);
// Why `actual` is not `expected`, field by field with types ("amount: expected 5000 (int),
// got 5000.00 (decimal)"), one reason per entry.
std::vector<std::string> record_differences(const Object& expected, const Event& actual);

}  // namespace sluice::runtime
