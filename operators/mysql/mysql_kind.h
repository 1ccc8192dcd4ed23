// Registration of `source mysql`: spec (mysql_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mysql {

OperatorKind source_kind();

}  // namespace sluice::operators::mysql
