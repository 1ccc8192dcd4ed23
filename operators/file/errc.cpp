#include "operators/file/errc.h"

#include <iterator>

namespace sluice::operators::file {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"open", "source", "the file cannot be opened"},
    {"read", "source", "reading the file failed"},
    {"decode", "decode", "a record of the file is malformed"},
    {"write", "write", "writing to the file failed"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::write) + 1, "one row per errc");

constexpr error_category kCategory{"file", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::operators::file
