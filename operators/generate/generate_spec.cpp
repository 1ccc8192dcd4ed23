#include "operators/generate/generate_spec.h"

namespace sluice::operators::generate {
namespace {

BoundSpec<GenerateOptions> make_spec() {
  BoundSpec<GenerateOptions> k(
      dsl::Role::Source, "generate",
      "Synthetic create (\"c\") events for tests and benchmarks. Each `fields` entry is an "
      "expression evaluated per record; seq() is the record number (1, 2, 3, ...), random_int, "
      "random_decimal, pick and random_string draw from a seeded generator, so a run (and a "
      "restart from a checkpoint) produces the same records every time. @table is the stage "
      "name; the position is the number of records produced.");
  OptionSpec count = option("count", OptType::Int, "",
                            "How many records to produce, then end. Unbounded when absent.");
  count.min = 0;
  OptionSpec rate = option("rate", OptType::Rate, "",
                           "Records per second (e.g. 5000/s); as fast as possible when absent.");
  rate.min = 1;
  OptionSpec seed = option("seed", OptType::Int, "42",
                           "Seed of the random functions; the same seed gives the same records.");
  OptionSpec fields = option(
      "fields", OptType::Block, "",
      "`fields { name = EXPR ... }`: the row, one field per line, in order. Expressions may use "
      "seq(), random_int(a, b), random_decimal(a, b, scale), pick([..]), random_string(n), the "
      "other functions, and fields defined above them.");
  using O = GenerateOptions;
  k.add(count, &O::count).add(rate, &O::rate).add(seed, &O::seed).add(fields);
  k.spec().free_blocks = {"fields"};
  k.spec().inserts_only = true;
  return k;
}

}  // namespace

const BoundSpec<GenerateOptions>& bound_source_spec() { return built_once<make_spec>(); }

}  // namespace sluice::operators::generate
