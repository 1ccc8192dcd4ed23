// The messages exchanged by the engine's actors (CAF 0.17 atoms). All are local-only.
#pragma once
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <memory>

#include "base/event.h"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sluice::BatchPtr)

namespace sluice::engine {
struct Rewiring;
struct ReloadTicket;
}  // namespace sluice::engine
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<sluice::engine::Rewiring>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<sluice::engine::ReloadTicket>)

namespace sluice::engine {

// upstream -> downstream: (data_atom, int32 channel, BatchPtr) — Data, Barrier or End batch.
using data_atom = caf::atom_constant<caf::atom("data")>;
// downstream -> upstream: (credit_atom, int32 port, int32 target, int64 records).
using credit_atom = caf::atom_constant<caf::atom("credit")>;
// self-messages: keep polling / resume processing / retry the kept batch.
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using pump_atom = caf::atom_constant<caf::atom("pump")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
// stage self: (idle_atom, uint64 seq) sent when its inputs ran dry; current seq = caught up.
using idle_atom = caf::atom_constant<caf::atom("idle")>;
// coordinator -> source: (trigger_atom, uint64 barrier) inject barrier N.
using trigger_atom = caf::atom_constant<caf::atom("trigger")>;
// actor -> coordinator: (ack_atom, int32 actor_index, uint64 barrier, std::string state).
using ack_atom = caf::atom_constant<caf::atom("ack")>;
// actor -> coordinator: (finished_atom, int32 actor_index) End forwarded, no more barriers.
using finished_atom = caf::atom_constant<caf::atom("finished")>;
// source -> coordinator: (endreq_atom) my input ended, please inject a final barrier.
using endreq_atom = caf::atom_constant<caf::atom("endreq")>;
// coordinator -> source: (commit_atom, uint64 barrier) checkpoint N is durable.
using commit_atom = caf::atom_constant<caf::atom("commit")>;
// runner -> supervisor -> coordinator -> sources: stop reading, drain, checkpoint.
using stop_atom = caf::atom_constant<caf::atom("stop")>;
// coordinator timer.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// timer of a coordinator / supervisor busy with a checkpoint / a restart: counts as activity
// (`--exit-when-idle` never stops a run that is checkpointing records that moved, or about to
// restart; the periodic checkpoints of an idle pipeline do not keep it running).
using busy_atom = caf::atom_constant<caf::atom("busy")>;
// coordinator <- supervisor: (start_atom, std::vector<caf::actor> sources).
using start_atom = caf::atom_constant<caf::atom("start")>;
// actor -> supervisor: (fail_atom, std::string reason, bool permanent) before quitting.
using fail_atom = caf::atom_constant<caf::atom("fail")>;
// coordinator -> supervisor: (done_atom, uint64 last checkpoint) the pipeline completed.
using done_atom = caf::atom_constant<caf::atom("done")>;
// supervisor self: (restart_atom, uint64 generation).
using restart_atom = caf::atom_constant<caf::atom("restart")>;
// coordinator -> supervisor: (progress_atom) a checkpoint completed (resets the failure count).
using progress_atom = caf::atom_constant<caf::atom("progress")>;

// Hot reload (docs/engine.md "Hot reload"):
// runner -> supervisor: (reload_atom, shared_ptr<ReloadTicket>) swap in a new definition.
using reload_atom = caf::atom_constant<caf::atom("reload")>;
// supervisor -> coordinator: (quiesce_atom) take a barrier and keep the sources paused after it;
// coordinator -> source: (quiesce_atom, uint64 barrier) inject barrier N, then stop polling.
using quiesce_atom = caf::atom_constant<caf::atom("quiesce")>;
// coordinator -> supervisor: (quiesced_atom, uint64 checkpoint, bool ok) checkpoint N is
// written and nothing moves (ok), or the pipeline is ending and cannot be reloaded (!ok).
using quiesced_atom = caf::atom_constant<caf::atom("quiesced")>;
// supervisor -> coordinator -> sources: (resume_atom) the reload was abandoned: poll again.
using resume_atom = caf::atom_constant<caf::atom("resume")>;
// supervisor -> kept actor: (rewire_atom, shared_ptr<Rewiring>) new coordinator, index and
// outputs; a source resumes polling.
using rewire_atom = caf::atom_constant<caf::atom("rewire")>;

}  // namespace sluice::engine
