// Parses option texts as written in OptionSpec::default_text: "100ms", "64KB", "5000/s",
// "exponential(100ms, 10s)", "true", "42".
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/value.h"
#include "dsl/option_spec.h"

namespace sluice::engine {

std::optional<int64_t> parse_duration_text(std::string_view s);  // micros
std::optional<int64_t> parse_size_text(std::string_view s);      // bytes
std::optional<int64_t> parse_rate_text(std::string_view s);      // per second
// Value for a default text of the given type; nullopt when the text is not a value
// ("unbounded", "(none)", empty).
std::optional<Value> parse_default_text(const dsl::OptionSpec& spec);

}  // namespace sluice::engine
