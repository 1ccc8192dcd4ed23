// Registration of the `file source and file sink` kinds: its spec (file_spec.h) and factory, one line each in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::file {

OperatorKind source_kind();
OperatorKind sink_kind();

}  // namespace sluice::operators::file
