#include "engine/actors/failpoint.h"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace sluice::engine::failpoint {
namespace {

struct State {
  std::mutex mu;
  bool loaded = false;
  bool armed = false;
  std::string stage;
  size_t at = 0;
  size_t seen = 0;
};

State& state() {
  static State s;
  return s;
}

void load(State& s) {
  s.loaded = true;
  s.armed = false;
  s.seen = 0;
  const char* env = std::getenv("SLUICE_FAILPOINT");
  if (env == nullptr) return;
  std::string v = env;
  auto colon = v.rfind(':');
  if (colon == std::string::npos) return;
  s.stage = v.substr(0, colon);
  try {
    s.at = static_cast<size_t>(std::stoull(v.substr(colon + 1)));
  } catch (...) {
    return;
  }
  s.armed = s.at > 0;
}

}  // namespace

void check(const std::string& stage, size_t records) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.loaded) load(s);
  if (!s.armed || stage != s.stage) return;
  s.seen += records;
  if (s.seen >= s.at) {
    s.armed = false;
    throw std::runtime_error("failpoint: stage '" + stage + "' at record " + std::to_string(s.at));
  }
}

void reset() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  load(s);
}

}  // namespace sluice::engine::failpoint
