#include "reconcile/errc.h"

#include <iterator>

namespace sluice::reconcile {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"connect", "reconcile", "cannot connect to the source or the target"},
    {"discovery", "reconcile", "the table pairs to compare cannot be found"},
    {"compare", "reconcile", "reading or comparing the rows failed"},
    {"repair", "reconcile", "writing the repair events failed"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::repair) + 1, "one row per errc");

constexpr error_category kCategory{"reconcile", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::reconcile
