// Registration of `source file` and `sink file`: spec (file_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::file {

OperatorKind source_kind();
OperatorKind sink_kind();

}  // namespace sluice::operators::file
