// A hand-built live registry (no engine run) for the runtime unit tests.
#pragma once
#include <memory>

#include "engine/actors/live_registry.h"
#include "engine/core/errc.h"

namespace sluice::test {

inline std::shared_ptr<engine::LiveRegistry> make_live() {
  auto live = std::make_shared<engine::LiveRegistry>();
  engine::LivePipeline p;
  p.name = "demo";
  p.status = std::make_shared<engine::PipelineStatus>();
  auto stage = [&](const char* name, const char* type, const char* kind,
                   std::vector<std::string> from) {
    engine::LiveStage s;
    s.name = name;
    s.type = type;
    s.kind = kind;
    s.from = std::move(from);
    s.counters = std::make_shared<engine::StageCounters>();
    p.stages.push_back(s);
    return s.counters;
  };
  auto gen = stage("gen", "source", "generate", {});
  auto t = stage("t", "transform", "", {"gen"});
  auto out = stage("out", "sink", "null", {"t"});
  p.stages[1].dead_letter = "dlq";
  auto dlq = stage("dlq", "sink", "file", {});
  gen->out = 1000;
  gen->lag_us = 2'500'000;
  gen->progress_done = 1000;
  gen->progress_total = 4000;
  gen->observe_batch(1000, 300);
  t->in = 900;
  t->out = 880;
  t->dead = 20;
  t->observe_batch(900, 1200);
  out->in = 850;
  out->out = 850;
  out->errors = 2;
  out->observe_batch(850, 40'000);
  dlq->in = 20;
  dlq->out = 20;
  Event e;
  e.row.set(intern("n"), Value::int64(7));
  auto info = std::make_shared<DeadLetterInfo>();
  info->stage = "t";
  info->code = engine::errc::require_failed;
  info->message = "n must be even";
  info->at = 1'700'000'000'000'000;
  e.dead_letter = info;
  t->dead_letters.push({e});
  live->add(std::move(p));
  return live;
}

}  // namespace sluice::test
