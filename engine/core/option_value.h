// How BoundSpec (bound_spec.h) turns one evaluated option into a field: one overload per field
// type. The checker has validated the value against the option's spec; these only convert
// (a value of a neighbouring type, e.g. an older checkpoint's, is converted as well as it can).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "base/value.h"
#include "dsl/option_spec.h"

namespace sluice::option_value {

// The value at `path` (an option, then children of blocks); nullptr when absent.
const Value* at(const Object& options, const std::vector<std::string>& path);

using Words = std::vector<std::string>;  // an Enum option's values, in order

// True when a required option is absent, null or an empty string.
bool missing(const Value* v);
// "" when `v` fits the option's range and words; else the rest of a message that starts
// with the option's name: " must be between 1 and 16, not 0".
std::string problem(const dsl::OptionSpec& spec, const Value& v);
// "batch.rows"
std::string dotted(const std::vector<std::string>& path);

void assign(std::string& f, const Value& v, const Words& words);
void assign(bool& f, const Value& v, const Words& words);
void assign(double& f, const Value& v, const Words& words);
void assign(std::vector<std::string>& f, const Value& v, const Words& words);
void assign(Value& f, const Value& v, const Words& words);

// The conversions, shared with StageConfig's accessors: strings (and bytes) as they are,
// anything else as displayed; Int, UInt, an integral Decimal, Bool as 1/0; Bool, Int
// (non-zero), "true"/"false". nullopt: not convertible.
std::string text_of(const Value& v);
std::optional<int64_t> int_of(const Value& v);
std::optional<bool> bool_of(const Value& v);
// The position of the value's word in `words`; -1 when it is none of them.
int word_index(const Value& v, const Words& words);

// Integers of any width.
template <class F>
std::enable_if_t<std::is_integral_v<F> && !std::is_same_v<F, bool>> assign(F& f, const Value& v,
                                                                           const Words& /*w*/) {
  if (auto i = int_of(v)) f = static_cast<F>(*i);
}

// An enum class bound to an Enum option: its enumerators in the order of enum_values.
template <class F>
std::enable_if_t<std::is_enum_v<F>> assign(F& f, const Value& v, const Words& words) {
  int i = word_index(v, words);
  if (i >= 0) f = static_cast<F>(i);
}

// An option whose absence means something (journal unset): set when given.
template <class T>
void assign(std::optional<T>& f, const Value& v, const Words& words) {
  T t{};
  assign(t, v, words);
  f = t;
}

}  // namespace sluice::option_value
