// Spec of the `aggregate` processor, declared as data: summary and shape (what its body holds).
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::aggregate {

dsl::KindSpec processor_spec();

}  // namespace sluice::operators::aggregate
