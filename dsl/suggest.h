// "did you mean" helpers for checker messages.
#pragma once
#include <string>
#include <vector>

namespace sluice::dsl {

// Edit distance (Levenshtein, case-insensitive).
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, or "" when none is close enough to be a likely typo.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// "a, b, c" (sorted? no: in the given order).
std::string join_names(const std::vector<std::string>& names, const std::string& sep = ", ");

}  // namespace sluice::dsl
