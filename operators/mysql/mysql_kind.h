// Registration of the `mysql` source kind: its spec (mysql_spec.h) and factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mysql {

OperatorKind source_kind();

}  // namespace sluice::operators::mysql
