// The error codes of module "engine" (base/error_code.h). What the engine reports: the verdicts on
// records it routes to a dead-letter sink (a failed require, a truncate a stage cannot apply, the
// defaults for a source, processor or sink that gives no code, retries exhausted) and the failures
// of stages, actors and checkpoints.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_ENGINE_ERRORS(X)                                                               \
  X(require_failed, "require", "a require statement was not met")                             \
  X(truncate_unsupported, "truncate", "the stage cannot apply a truncate")                    \
  X(decode_failed, "decode", "a source could not decode the record")                          \
  X(process_failed, "process", "a processing stage rejected the record")                      \
  X(write_failed, "write", "a sink could not write the record")                               \
  X(retries_exhausted, "retries_exhausted", "a transient failure lasted through all retries") \
  X(stage_failed, "process", "a stage failed and stops the pipeline")                         \
  X(actor_failed, "process", "a stage actor stopped with an exception")                       \
  X(checkpoint_failed, "process", "a checkpoint could not be taken or stored")                \
  X(restore_failed, "process", "a stage could not restore its checkpoint state")              \
  X(dead_letter_unrouted, "process", "a dead_letter option names no sink of the pipeline")    \
  X(invalid_pipeline, "process", "the pipeline's stages, options or graph cannot be built")   \
  X(late_event, "late", "the event belongs to a window that has already closed")

SLUICE_ERRC_ENUM(sluice::engine, SLUICE_ENGINE_ERRORS)
