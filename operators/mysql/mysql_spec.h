// Option spec of the `mysql` source, declared as data and bound to MySqlOptions.
#pragma once
#include "dsl/option_spec.h"
#include "engine/core/bound_spec.h"
#include "operators/mysql/mysql_options.h"

namespace sluice::operators::mysql {

const BoundSpec<MySqlOptions>& bound_source_spec();
dsl::KindSpec source_spec();

}  // namespace sluice::operators::mysql
