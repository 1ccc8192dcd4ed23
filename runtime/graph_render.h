// Renders the compiled actor graph of a checked file as Graphviz dot or Mermaid.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "dsl/ast.h"

namespace sluice::runtime {

enum class GraphFormat { Dot, Mermaid };

// Live numbers of a stage from a running node (`sluice graph --endpoint`).
struct StageLive {
  double out_per_second = 0;
  uint64_t out = 0;
  uint64_t dead = 0;
  uint64_t in_flight = 0;
  double lag_seconds = -1;  // sources only
  std::string state;        // of the pipeline
};
using GraphLive = std::map<std::string, StageLive>;  // "pipeline/stage"

// With `live`, stage labels carry their rate (and lag for sources), data edges the upstream's
// rate and dead-letter edges the number of dead letters.
std::string render_graph(const ast::File& file, GraphFormat format,
                         const GraphLive* live = nullptr);

}  // namespace sluice::runtime
