// Reference docs generated from the operators' option specs (docs/operators/*.md).
#pragma once
#include <map>
#include <string>

#include "engine/core/operator.h"

namespace sluice::runtime {

// File name -> Markdown text, one file per operator kind plus index.md.
std::map<std::string, std::string> render_operator_docs(const OperatorRegistry& reg);

}  // namespace sluice::runtime
