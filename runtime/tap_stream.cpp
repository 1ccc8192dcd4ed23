#include "runtime/tap_stream.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/event_codec.h"
#include "engine/actors/clock.h"

namespace sluice::runtime {
namespace {
constexpr size_t kMaxPerChunk = 1024;
constexpr int kPolls = 4;
constexpr auto kPollEvery = std::chrono::milliseconds(50);
constexpr int64_t kHeartbeatUs = 1'000'000;
}  // namespace

TapStream::TapStream(std::shared_ptr<engine::LiveRegistry> live, std::string pipeline,
                     std::string stage, uint64_t limit)
    : live_(std::move(live)),
      pipeline_(std::move(pipeline)),
      stage_(std::move(stage)),
      left_(limit ? limit : UINT64_MAX),
      last_write_us_(engine::monotonic_us()) {
  still_running();
}

TapStream::~TapStream() { attach(nullptr); }

void TapStream::attach(std::shared_ptr<engine::StageCounters> counters) {
  if (counters_) counters_->tap.detach();
  counters_ = std::move(counters);
  if (counters_) cursor_ = counters_->tap.attach();
}

bool TapStream::still_running() {
  auto p = live_->find(pipeline_);
  const engine::LiveStage* s = p ? p->find_stage(stage_) : nullptr;
  if (!s) return false;
  const std::string state = engine::LiveRegistry::state_of(*p).state;
  if (state == "completed" || state == "failed") return false;
  if (s->counters != counters_) attach(s->counters);
  return true;
}

bool TapStream::next(std::string& chunk) {
  // One chunk per poll at most (~20 writes a second whatever the stage's rate).
  for (int i = 0; i < kPolls && counters_; ++i) {
    std::this_thread::sleep_for(kPollEvery);
    const auto max = static_cast<size_t>(std::min<uint64_t>(left_, kMaxPerChunk));
    auto t = counters_->tap.take(cursor_, max);
    cursor_ = t.cursor;
    if (t.events.empty()) continue;
    for (const auto& e : t.events) {
      event_codec::append_event(e, chunk);
      chunk += '\n';
    }
    left_ -= t.events.size();
    last_write_us_ = engine::monotonic_us();
    return left_ > 0;
  }
  if (!still_running()) return false;
  if (engine::monotonic_us() - last_write_us_ >= kHeartbeatUs) {
    chunk += '\n';
    last_write_us_ = engine::monotonic_us();
  }
  return true;
}

}  // namespace sluice::runtime
