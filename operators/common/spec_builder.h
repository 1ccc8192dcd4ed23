// What a kind's spec (X_spec.cpp) is declared with: BoundSpec (engine/core/bound_spec.h) and
// the option constructors of dsl/option_spec.h, named once for every operator's namespace.
#pragma once
#include "dsl/option_spec.h"
#include "engine/core/bound_spec.h"

namespace sluice::operators {

using dsl::enum_option;
using dsl::option;
using dsl::OptionSpec;
using dsl::OptType;

}  // namespace sluice::operators
