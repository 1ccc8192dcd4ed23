#include "operators/delta/delta_spec.h"

namespace sluice::operators::delta {
namespace {

using dsl::enum_option;
using dsl::option;
using dsl::OptionSpec;
using dsl::OptType;

BoundSpec<DeltaOptions> make_spec() {
  BoundSpec<DeltaOptions> k(
      dsl::Role::Sink, "delta",
      "Writes change events into Delta Lake tables in local directories: Parquet data files "
      "written by Sluice (zstd pages, column statistics) and one Delta commit per checkpoint "
      "(`_delta_log`, protocol 1/2), exactly once across crashes (each commit carries a `txn` "
      "action with the checkpoint id; a restart completes a checkpoint's commit or leaves its "
      "files unreferenced). Types are exact: decimals as decimal(p,s) up to 38 digits (wider "
      "as their exact text), dates, timestamps in microseconds UTC; nested values as JSON "
      "text (docs/delta.md).");
  OptionSpec path = option("path", OptType::Expr, true, "",
                           "The table's directory, evaluated per record: one Delta table per "
                           "distinct value (e.g. \"/lake/bronze/\" + @table). Missing "
                           "directories are created; an existing table is appended to.");
  OptionSpec mode =
      enum_option("mode", {"append"}, "append",
                  "append: every event a row with cdc_operation (c, u, d, r, t), "
                  "cdc_timestamp (the source commit time) and cdc_position, then the row's "
                  "columns (a delete's before image; a truncate's columns null).");
  OptionSpec file_rows =
      option("file_rows", OptType::Int, "1000000",
             "A data file is closed when it holds this many rows (and at every checkpoint).");
  file_rows.min = 1;
  OptionSpec file_size = option("file_size", OptType::Size, "128MB",
                                "A data file is closed when it reaches about this size.");
  file_size.min = 1;
  OptionSpec row_group =
      option("row_group_rows", OptType::Int, "131072", "Rows per Parquet row group.");
  row_group.min = 1;
  OptionSpec compression =
      enum_option("compression", {"zstd", "none"}, "zstd", "How Parquet pages are compressed.");
  using O = DeltaOptions;
  k.add(path).add(mode, &O::mode).add(file_rows, &O::file_rows);
  k.add(file_size, &O::file_size).add(row_group, &O::row_group_rows);
  k.add(compression, &O::compression);
  return k;
}

}  // namespace

const BoundSpec<DeltaOptions>& bound_sink_spec() { return built_once<make_spec>(); }

dsl::KindSpec sink_spec() { return bound_sink_spec().spec(); }

}  // namespace sluice::operators::delta
