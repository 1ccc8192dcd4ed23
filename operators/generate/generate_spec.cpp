#include "operators/generate/generate_spec.h"

namespace sluice::operators::generate {
namespace {

using dsl::OptionSpec;
using dsl::OptType;

BoundSpec<GenerateOptions> make_spec() {
  BoundSpec<GenerateOptions> k(
      dsl::Role::Source, "generate",
      "Synthetic create (\"c\") events for tests and benchmarks. Each `fields` entry is an "
      "expression evaluated per record; seq() is the record number (1, 2, 3, ...), random_int, "
      "random_decimal, pick and random_string draw from a seeded generator, so a run (and a "
      "restart from a checkpoint) produces the same records every time. @table is the stage "
      "name; the position is the number of records produced.");
  OptionSpec count;
  count.name = "count";
  count.type = OptType::Int;
  count.min = 0;
  count.doc = "How many records to produce, then end. Unbounded when absent.";
  OptionSpec rate;
  rate.name = "rate";
  rate.type = OptType::Rate;
  rate.min = 1;
  rate.doc = "Records per second (e.g. 5000/s); as fast as possible when absent.";
  OptionSpec seed;
  seed.name = "seed";
  seed.type = OptType::Int;
  seed.default_text = "42";
  seed.doc = "Seed of the random functions; the same seed gives the same records.";
  OptionSpec fields;
  fields.name = "fields";
  fields.type = OptType::Block;
  fields.doc =
      "`fields { name = EXPR ... }`: the row, one field per line, in order. Expressions may use "
      "seq(), random_int(a, b), random_decimal(a, b, scale), pick([..]), random_string(n), the "
      "other functions, and fields defined above them.";
  using O = GenerateOptions;
  k.add(count, &O::count).add(rate, &O::rate).add(seed, &O::seed).add(fields);
  k.spec().free_blocks = {"fields"};
  return k;
}

}  // namespace

const BoundSpec<GenerateOptions>& bound_source_spec() {
  static const BoundSpec<GenerateOptions> s = make_spec();
  return s;
}

dsl::KindSpec source_spec() { return bound_source_spec().spec(); }

}  // namespace sluice::operators::generate
