#include "engine/core/errc.h"

#include <iterator>

namespace sluice::engine {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"require_failed", "require", "a require statement was not met"},
    {"truncate_unsupported", "truncate", "the stage cannot apply a truncate"},
    {"decode_failed", "decode", "a source could not decode the record"},
    {"process_failed", "process", "a processing stage rejected the record"},
    {"write_failed", "write", "a sink could not write the record"},
    {"retries_exhausted", "retries_exhausted", "a transient failure lasted through all retries"},
    {"stage_failed", "process", "a stage failed and stops the pipeline"},
    {"actor_failed", "process", "a stage actor stopped with an exception"},
    {"checkpoint_failed", "process", "a checkpoint could not be taken or stored"},
    {"restore_failed", "process", "a stage could not restore its checkpoint state"},
    {"dead_letter_unrouted", "process", "a dead_letter option names no sink of the pipeline"},
    {"invalid_pipeline", "process", "the pipeline's stages, options or graph cannot be built"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::invalid_pipeline) + 1,
              "one row per errc");

constexpr error_category kCategory{"engine", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::engine
