// Implementations of the built-in functions listed in functions.cpp (DSL.md §6 and §9).
// Each takes already-evaluated arguments; null propagation is done by the caller when the
// function's spec says null_propagates. Failures throw eval_error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dsl/eval/expr.h"

namespace sluice::eval::builtins {

#define SLUICE_BUILTIN(name) Value name(const Value* a, size_t n, const Context& ctx)
// strings
SLUICE_BUILTIN(lower);
SLUICE_BUILTIN(upper);
SLUICE_BUILTIN(trim);
SLUICE_BUILTIN(length);
SLUICE_BUILTIN(substr);
SLUICE_BUILTIN(replace);
SLUICE_BUILTIN(concat);
SLUICE_BUILTIN(mask);
SLUICE_BUILTIN(regex_match);
SLUICE_BUILTIN(to_string);
// general
SLUICE_BUILTIN(coalesce);
SLUICE_BUILTIN(hash);
SLUICE_BUILTIN(sha256);
SLUICE_BUILTIN(env);
SLUICE_BUILTIN(secret);
SLUICE_BUILTIN(secret_file);
// numbers
SLUICE_BUILTIN(to_int);
SLUICE_BUILTIN(to_float);
SLUICE_BUILTIN(to_decimal);
SLUICE_BUILTIN(round);
SLUICE_BUILTIN(abs);
// time
SLUICE_BUILTIN(now);
SLUICE_BUILTIN(to_date);
SLUICE_BUILTIN(to_timestamp);
SLUICE_BUILTIN(to_datetime);
SLUICE_BUILTIN(to_time);
SLUICE_BUILTIN(date_trunc);
SLUICE_BUILTIN(year);
SLUICE_BUILTIN(month);
SLUICE_BUILTIN(day);
// generate (§9)
SLUICE_BUILTIN(seq);
SLUICE_BUILTIN(random_int);
SLUICE_BUILTIN(random_decimal);
SLUICE_BUILTIN(pick);
SLUICE_BUILTIN(random_string);
#undef SLUICE_BUILTIN

// Helpers shared by the implementations and the compiler.
// "lower(x)" style argument-type error.
[[noreturn]] void type_error(const char* fn, int pos, const Value& got, const char* want);
// Argument i as an int64 (an Int, or a UInt that fits); else a type error naming fn.
int64_t int_arg(const char* fn, const Value* a, int i);
// Number of UTF-8 code points.
size_t utf8_length(std::string_view s);
// The text form used by to_string and `+` on strings: strings as they are, the rest as
// Value::to_display().
std::string text_of(const Value& v);
// Regex match with a compiled pattern cached per call site by the compiler; this uncached
// version compiles each time (used for non-literal patterns).
bool regex_matches(const std::string& s, const std::string& pattern);

}  // namespace sluice::eval::builtins
