// The summary table printed at the end of `sluice run`.
#pragma once
#include <cstdio>

#include "engine/actors/runner.h"

namespace sluice::runtime {

void print_run_summary(const engine::RunResult& result, std::FILE* out);

}  // namespace sluice::runtime
