#include "operators/stdout/stdout_spec.h"

namespace sluice::operators::stdout_sink {

namespace {

BoundSpec<StdoutOptions> make_spec() {
  BoundSpec<StdoutOptions> k(
      dsl::Role::Sink, "stdout",
      "Prints events on standard output, as JSON lines or as a readable table.");
  dsl::OptionSpec format = dsl::enum_option(
      "format", {"jsonl", "table"}, "jsonl",
      "jsonl: one JSON object per event, as the file sink writes it. table: aligned columns "
      "(op, then the row's fields), a header whenever the fields change, values longer than 40 "
      "characters cut with \"…\"; dead letters as \"! DEAD stage kind: message | event\".");
  k.add(format, &StdoutOptions::format);
  return k;
}

}  // namespace

const BoundSpec<StdoutOptions>& bound_sink_spec() { return built_once<make_spec>(); }

}  // namespace sluice::operators::stdout_sink
