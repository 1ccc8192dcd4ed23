// `sluice list --json`: every operator kind with its option spec and every function, as one
// JSON document:
//   {"operators": [{"role" ("source", "processor", "sink"), "kind", "summary",
//                   "options": [...], "free_blocks": [...], "shape" (processors: "min_inputs",
//                   "keyed_on", "input_names", "fields", "changelog")}],
//    "common_options": [...], "settings": [...],
//    "functions": [{"name", "signature", "types", "description", "example"}],
//    "aggregate_functions": [{"name", "signature", "description", "example"}]}
// An option is {"name", "type", "required", "default", "values", "min", "max", "doc",
// "children"} ("values", "min", "max" and "children" only when set).
#pragma once
#include <string>

#include "engine/core/operator.h"

namespace sluice::runtime {

std::string render_catalog_json(const OperatorRegistry& reg);

}  // namespace sluice::runtime
