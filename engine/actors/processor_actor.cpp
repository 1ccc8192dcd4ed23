#include "engine/actors/processor_actor.h"

namespace sluice::engine {

ProcessorActor::ProcessorActor(caf::actor_config& cfg, ActorSetup setup,
                               std::shared_ptr<Processor> op)
    : OperatorActor(cfg, std::move(setup), std::move(op)), out_(kMainPort, setup_.out) {}

bool ProcessorActor::on_data(int channel, BatchPtr& batch) {
  drop_schema_events(batch->events);
  std::vector<Event> out;
  out.reserve(batch->events.size());
  // A batch has a single owner once delivered (one downstream per message), so events move.
  const int input = is_replay(channel) ? replay_input(channel) : inputs_.input_index(channel);
  op_->process(static_cast<size_t>(input), batch->events, out, dead_buf_);
  dead_input_ = input;
  batch.reset();
  setup_.counters->out.fetch_add(out.size(), std::memory_order_relaxed);
  if (setup_.counters->tap.attached()) setup_.counters->tap.offer(out);
  out_.emit_data(this, std::move(out));
  route_dead(dead_buf_, {}, errc::process_failed, "", 0);
  dead_buf_.clear();
  return true;
}

void ProcessorActor::on_progress(int64_t progress_us) {
  std::vector<Event> out;
  op_->progress(progress_us, out);
  if (out.empty()) return;
  setup_.counters->out.fetch_add(out.size(), std::memory_order_relaxed);
  if (setup_.counters->tap.attached()) setup_.counters->tap.offer(out);
  out_.emit_data(this, std::move(out));
}

result<std::string> ProcessorActor::snapshot(uint64_t barrier) { return op_->checkpoint(barrier); }

void ProcessorActor::on_committed(uint64_t id) { op_->checkpoint_committed(id); }

void ProcessorActor::on_credit(int32_t port, int32_t target, int64_t records) {
  if (port == kMainPort) {
    out_.on_credit(this, target, records);
  } else {
    dead_.on_credit(this, target, records);
  }
}

void ProcessorActor::emit_control(Batch::Kind kind, uint64_t barrier, int64_t progress_us) {
  out_.emit_control(this, kind, barrier, progress_us);
  dead_.emit_control(this, kind, barrier, progress_us);
}

void ProcessorActor::rewire(Rewiring& w) {
  StageActor::rewire(w);
  out_ = OutputPort(kMainPort, setup_.out);
}

void ProcessorActor::on_exit() {
  out_.clear();
  StageActor::on_exit();
}

}  // namespace sluice::engine
