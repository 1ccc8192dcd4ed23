// How a function of the function table (dsl/eval/functions.cpp) reads in the docs, in
// `sluice list --json` and in the editor syntax files.
#pragma once
#include <string>

#include "dsl/eval/functions.h"

namespace sluice::runtime {

// "lower(s)", from the doc string "lower(s): ...".
std::string function_signature(const eval::FunctionSpec& f);
// "string, [int] → string"; "any, ... → string" for variadic functions.
std::string function_types(const eval::FunctionSpec& f);
// What it returns, with where it may be used and how it treats nulls.
std::string function_description(const eval::FunctionSpec& f);

}  // namespace sluice::runtime
