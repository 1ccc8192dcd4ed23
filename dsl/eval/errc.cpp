#include "dsl/eval/errc.h"

#include <iterator>

namespace sluice::eval {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"type_mismatch", "eval", "a value has the wrong type for the operation"},
    {"overflow", "eval", "the result does not fit its type"},
    {"division_by_zero", "eval", "division by zero"},
    {"bad_cast", "eval", "a value cannot be converted to the asked type"},
    {"invalid_argument", "eval", "a function argument is outside what the function takes"},
    {"unknown_input", "eval", "the record comes from an input the expression does not know"},
    {"failed", "eval", "the expression cannot be evaluated"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::failed) + 1, "one row per errc");

constexpr error_category kCategory{"eval", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::eval
