// What the stages that keep state per key (aggregate, join) share: a changelog in, a changelog
// out, the state in the checkpoint. They keep no per-table index of the rows they have folded
// in, so they cannot retract a truncated table's rows: a truncate event (Op::Truncate) is
// counted, logged as a warning and sent to the dead letters with kind "truncate".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/event.h"
#include "engine/core/operator.h"

namespace sluice::operators {

class KeyedStateProcessor : public Processor {
 public:
  // Truncate events seen (each is logged and dead-lettered with kind "truncate").
  uint64_t truncates() const { return truncates_; }

 protected:
  // kind: the stage type ("aggregate", "join") the dead letters name.
  explicit KeyedStateProcessor(const char* kind) : kind_(kind) {}

  // true when e is a truncate event: then it is counted, logged and moved to dead.
  bool dead_letter_truncate(Event& e, std::vector<Event>& dead);

  std::string stage_;  // the stage's name

 private:
  const char* kind_;
  uint64_t truncates_ = 0;
};

}  // namespace sluice::operators
