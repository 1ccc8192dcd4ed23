// Renders the compiled actor graph of a checked file as Graphviz dot or Mermaid.
#pragma once
#include <string>

#include "dsl/ast.h"

namespace sluice::runtime {

enum class GraphFormat { Dot, Mermaid };

std::string render_graph(const ast::File& file, GraphFormat format);

}  // namespace sluice::runtime
