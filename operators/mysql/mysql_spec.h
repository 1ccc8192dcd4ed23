// Option spec of the `mysql` source, declared as data and bound to MySqlOptions.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/mysql/mysql_options.h"

namespace sluice::operators::mysql {

const BoundSpec<MySqlOptions>& bound_source_spec();

}  // namespace sluice::operators::mysql
