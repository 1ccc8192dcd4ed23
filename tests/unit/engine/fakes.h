// Fake operators for the engine tests: a counting source with positions, a storing sink
// (truncates to its checkpointed state on open, like the file sink), slow / transiently
// failing sinks, and processors selected by stage name prefix.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/operator.h"

namespace sluice::test {

struct StoredEvent {
  int64_t id = 0;
  int64_t key = 0;
  Value position;
  std::shared_ptr<const DeadLetterInfo> dead;
};

// Everything a fake sink stage saw (shared by its instances, survives restarts).
struct Store {
  std::mutex mu;
  std::vector<StoredEvent> events;
  std::vector<std::string> open_states;
  std::vector<uint64_t> checkpoints;
  int64_t max_in_flight = 0;
  int writes = 0;
  int failures_left = 0;
};

struct Fakes {
  std::map<std::string, std::shared_ptr<Store>> stores;   // by sink stage name
  std::map<std::string, std::vector<std::string>> opens;  // stage -> open() states
  std::map<std::string, std::atomic<int64_t>> emitted;    // source stage -> events polled
  std::mutex mu;
  std::shared_ptr<Store> store(const std::string& name);
  std::atomic<int64_t>& emitted_of(const std::string& source);
  void log_open(const std::string& stage, const std::string& state);
  std::vector<std::string> opens_of(const std::string& stage);
};

// Resets and returns the global fakes.
Fakes& fakes();
void reset_fakes();

// counter source: count (Int, absent = unbounded), key_mod (Int), idle_after (Int: after that
// many records return Idle forever), pace_us (Int: sleep per poll).
// store sink: delay_us (Int per write), fail_times (Int: transient failures of the first writes),
// discard (Bool).
// processors (transform), by stage name prefix: "odd" dead-letters odd ids (kind "require"),
// "boom" throws on every batch, anything else passes records through (state = count).
OperatorRegistry make_registry();

// Parses and checks a pipeline text against make_registry(); fails the test on errors.
struct Parsed;
std::shared_ptr<ast::File> parse(const std::string& text);

}  // namespace sluice::test
