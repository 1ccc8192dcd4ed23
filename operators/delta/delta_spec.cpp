#include "operators/delta/delta_spec.h"

namespace sluice::operators::delta {
namespace {

BoundSpec<DeltaOptions> make_spec() {
  BoundSpec<DeltaOptions> k(
      dsl::Role::Sink, "delta",
      "Writes change events into Delta Lake tables (local directories or S3): Parquet data files "
      "written by Sluice (zstd pages, column statistics) and one Delta commit per checkpoint "
      "(`_delta_log`, protocol 1/2), exactly once across crashes (each commit carries a `txn` "
      "action with the checkpoint id; a restart completes a checkpoint's commit or leaves its "
      "files unreferenced). Types are exact: decimals as decimal(p,s) up to 38 digits (wider "
      "as their exact text), dates, timestamps in microseconds UTC; nested values as JSON "
      "text (docs/delta.md).");
  OptionSpec path = option("path", OptType::Expr, true, "",
                           "The table's location, evaluated per record: one Delta table per "
                           "distinct value — a local directory (e.g. \"/lake/bronze/\" + @table) "
                           "or s3://bucket/prefix (see s3). Missing directories are created; an "
                           "existing table is written on.");
  OptionSpec mode = enum_option(
      "mode", {"append", "upsert"}, "append",
      "append: every event a row with cdc_operation (c, u, d, r, t), cdc_timestamp (the source "
      "commit time) and cdc_position, then the row's columns (a delete's before image; a "
      "truncate's columns null). upsert: the table holds the current row of each key (with the "
      "change columns of its last change); each commit rewrites the files holding changed or "
      "deleted keys (copy-on-write: remove + add); a table without a key keeps whole rows, an "
      "update or delete takes out one row equal to the before image.");
  OptionSpec key = option("key", OptType::StringList, "",
                          "upsert: the key columns. Default: the source's primary key; none: "
                          "the whole row is the identity.");
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
  OptionSpec optimize = option(
      "optimize_files", OptType::Int, "10",
      "Small-file compaction: when a table holds this many files of fewer than file_rows / 2 "
      "rows, the next commit writes their rows again as full files (remove + add, dataChange "
      "false). 0: never.");
  optimize.min = 0;
  OptionSpec log_checkpoint = option(
      "log_checkpoint_every", OptType::Int, "10",
      "A Parquet checkpoint of the table's log (_delta_log/N.checkpoint.parquet and "
      "_last_checkpoint) after every N-th commit, as Delta's delta.checkpointInterval: readers "
      "start from it instead of reading every commit. 0: never.");
  log_checkpoint.min = 0;
  OptionSpec compression =
      enum_option("compression", {"zstd", "none"}, "zstd", "How Parquet pages are compressed.");
  OptionSpec s3 = option("s3", OptType::Block, "",
                         "The store of s3:// paths (AWS S3 or any S3-compatible store: MinIO, "
                         "Ceph, R2). Credentials with secret() or env(); never logged.");
  OptionSpec endpoint = option("endpoint", OptType::String, "",
                               "http(s)://host:port of an S3-compatible store; empty: AWS.");
  OptionSpec region = option("region", OptType::String, "us-east-1", "The signing region.");
  OptionSpec access_key = option("access_key", OptType::Secret, "", "The access key id.");
  OptionSpec secret_key = option("secret_key", OptType::Secret, "", "The secret access key.");
  OptionSpec token = option("session_token", OptType::Secret, "",
                            "A session token (temporary credentials), when there is one.");
  OptionSpec path_style = option("path_style", OptType::Bool, "true",
                                 "Path-style addressing (host/bucket/key: MinIO and most "
                                 "S3-compatible stores); false: virtual-hosted (bucket.host).");
  OptionSpec ca_file = option("ca_file", OptType::String, "",
                              "The CA certificate (PEM) of an https endpoint signed by a "
                              "private CA; empty: the system's trust store.");
  s3.children = {endpoint, region, access_key, secret_key, token, path_style, ca_file};
  using O = DeltaOptions;
  k.add(path).add(mode, &O::mode).add(key, &O::key).add(file_rows, &O::file_rows);
  k.add(file_size, &O::file_size).add(row_group, &O::row_group_rows);
  k.add(optimize, &O::optimize_files).add(log_checkpoint, &O::log_checkpoint_every);
  k.add(compression, &O::compression).add(s3);
  k.bind({"s3", "endpoint"}, &O::s3_endpoint).bind({"s3", "region"}, &O::s3_region);
  k.bind({"s3", "access_key"}, &O::s3_access_key).bind({"s3", "secret_key"}, &O::s3_secret_key);
  k.bind({"s3", "session_token"}, &O::s3_session_token);
  k.bind({"s3", "path_style"}, &O::s3_path_style).bind({"s3", "ca_file"}, &O::s3_ca_file);
  return k;
}

}  // namespace

const BoundSpec<DeltaOptions>& bound_sink_spec() { return built_once<make_spec>(); }

}  // namespace sluice::operators::delta
