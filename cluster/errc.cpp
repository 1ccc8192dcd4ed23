#include "cluster/errc.h"

#include <iterator>

namespace sluice::cluster {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"transport", "cluster", "a message between nodes could not be delivered"},
    {"no_coordinator", "cluster", "no coordinator is reachable"},
    {"lease_lost", "cluster", "this node lost its lease on a pipeline"},
    {"state_store", "cluster", "reading or writing the shared state failed"},
    {"assignment", "cluster", "pipelines cannot be assigned to the workers"},
    {"checkpoint_backend", "cluster", "the shared checkpoint store failed"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::checkpoint_backend) + 1,
              "one row per errc");

constexpr error_category kCategory{"cluster", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::cluster
