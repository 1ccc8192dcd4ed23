// What `sluice status` and `sluice top` read from a running node's management API and how
// they word it: the pipelines with their stages, counts in k/M/G, a stage's note.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"

namespace sluice::runtime {

// GET /pipelines, then GET /pipelines/NAME of each (state, rates, lag, counts and stages), in
// the node's order; only pipeline `only` when not empty (none when it does not exist).
result<std::vector<Value>> fetch_pipelines(const std::string& endpoint, const std::string& only);

// 950, 12.3k, 4.5M, 1.2G.
std::string human_count(double n);
// "source generate", "transform", "sink null".
std::string stage_type(const Value& stage);
// Source lag and progress, health, paused, retrying after an error ("" when nothing to say).
std::string stage_note(const Value& stage);

}  // namespace sluice::runtime
