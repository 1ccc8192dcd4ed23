// A figure an operator keeps about its own work (rows applied, reconnects, ...). The engine
// collects them from each instance about once a second and at every checkpoint; /metrics exports
// each as sluice_<kind>_<name> (counters with _total) with pipeline, stage and instance labels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

struct OperatorStat {
  std::string name;     // snake_case, unique per kind, e.g. "rows_applied"
  std::string help;     // one sentence for # HELP
  bool counter = true;  // only grows (else a gauge: the value now)
  int64_t value = 0;
};

using OperatorStats = std::vector<OperatorStat>;

}  // namespace sluice
