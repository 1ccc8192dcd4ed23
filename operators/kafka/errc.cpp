#include "operators/kafka/errc.h"

#include <iterator>

namespace sluice::operators::kafka {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"client", "write", "the Kafka client could not be created or configured"},
    {"decode", "decode", "a consumed message does not parse"},
    {"encode", "write", "the record cannot be encoded as a message"},
    {"topic", "write", "the topic name is unusable"},
    {"produce", "write", "the producer refused the message"},
    {"delivery", "write", "the broker did not confirm the delivery"},
    {"offsets", "source", "committing or reading consumer offsets failed"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::offsets) + 1, "one row per errc");

constexpr error_category kCategory{"kafka", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::operators::kafka
