// The function table (docs/language.md, "Functions"), declared as data: name, arity, argument
// types, result type, implementation. The checker, the compiler and the docs read it.
#pragma once
#include <string>
#include <vector>

#include "dsl/eval/expr.h"

namespace sluice::eval {

using FnImpl = Value (*)(const Value* args, size_t n, const Context& ctx);

struct FunctionSpec {
  const char* name;
  int min_args;
  int max_args;               // -1 = variadic
  std::vector<SType> params;  // expected types per position (Unknown = any; Number = numeric);
                              // the last entry repeats for variadic functions
  SType result;               // Unknown when it depends on arguments
  bool null_propagates;       // a null argument makes the result null
  bool generate_only;         // seq(), random_*(), pick(): only in generate fields
  bool option_only;           // env(), secret()
  const char* doc;            // "name(params): what it returns" (docs/language.md)
  const char* example;        // a call with constant arguments, e.g. lower("Ada")
  const char* example_value;  // its result as JSON ("ada"); "" when it depends on the time,
                              // randomness or the environment
  FnImpl impl;
};

const std::vector<FunctionSpec>& functions();
const FunctionSpec* find_function(const std::string& name);

// Aggregate functions (docs/language.md, "aggregate") (names and arity only; the aggregate operator
// implements them).
struct AggregateSpec {
  const char* name;
  int min_args;
  int max_args;
  const char* doc;
  const char* example;  // an aggregate field value, e.g. sum(amount); tumbling: the window line
};
const std::vector<AggregateSpec>& aggregate_functions();
const AggregateSpec* find_aggregate(const std::string& name);

}  // namespace sluice::eval
