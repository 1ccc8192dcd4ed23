#include "operators/debezium/errc.h"

#include <iterator>

namespace sluice::operators::debezium {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"decode", "decode", "the message is not a Debezium change event"},
    {"schema", "decode", "the envelope's schema does not describe its payload"},
    {"unsupported_type", "decode", "a field has a type the codec does not support"},
    {"encode", "write", "the record cannot be encoded as a Debezium envelope"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::encode) + 1, "one row per errc");

constexpr error_category kCategory{"debezium", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::operators::debezium
