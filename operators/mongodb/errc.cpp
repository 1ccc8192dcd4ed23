#include "operators/mongodb/errc.h"

#include <iterator>

namespace sluice::operators::mongodb {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"connect", "write", "cannot connect to the MongoDB server"},
    {"refused", "write", "the server refused the document (code in the message)"},
    {"driver_refused", "write", "libmongoc refused to append the document"},
    {"encode", "write", "a value cannot be written as BSON (e.g. decimal beyond Decimal128)"},
    {"no_key", "write", "the record has no key and no _id"},
    {"no_before_image", "write", "an update without a before image cannot be applied"},
    {"bad_collection", "write", "the target collection name is not usable"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::bad_collection) + 1,
              "one row per errc");

constexpr error_category kCategory{"mongodb", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::operators::mongodb
