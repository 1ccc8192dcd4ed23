// The error codes of module "engine" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the engine reports: the verdicts on records it routes to a dead-letter sink (a
// failed require, a truncate a stage cannot apply, the defaults for a source, processor or sink
// that gives no code, retries exhausted) and the failures of stages, actors and checkpoints.
#pragma once
#include "base/error_code.h"

namespace sluice::engine {

enum class errc : int {
  require_failed,        // a require statement was not met
  truncate_unsupported,  // the stage cannot apply a truncate
  decode_failed,         // a source could not decode the record
  process_failed,        // a processing stage rejected the record
  write_failed,          // a sink could not write the record
  retries_exhausted,     // a transient failure lasted through all retries
  stage_failed,          // a stage failed and stops the pipeline
  actor_failed,          // a stage actor stopped with an exception
  checkpoint_failed,     // a checkpoint could not be taken or stored
  restore_failed,        // a stage could not restore its checkpoint state
  dead_letter_unrouted,  // a dead_letter option names no sink of the pipeline
  invalid_pipeline,      // the pipeline's stages, options or graph cannot be built
};

// The error_code of e: module "engine", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::engine
