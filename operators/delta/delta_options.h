// The evaluated options of one `delta` sink instance: the fields bound to the spec
// (delta_spec.cpp) and what from_config works out from them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "dsl/eval/expr.h"
#include "engine/core/operator.h"

namespace sluice::operators::delta {

// In the order of the options' enum_values (delta_spec.cpp).
enum class Mode : uint8_t { Append, Upsert };
enum class Compression : uint8_t { Zstd, None };

struct DeltaOptions {
  eval::ExprPtr path;  // per record; null: path_constant
  std::string path_constant;
  // The path expression's leading part that no record changes (fixed_path_prefix): what comes
  // after it in a location is the record's, and may not hold a "." or ".." component.
  std::string path_fixed;
  Mode mode = Mode::Append;
  std::vector<std::string> key;  // upsert: key columns; empty: the source's primary key
  int64_t file_rows = 1000000;
  int64_t file_size = 128LL << 20;
  int64_t row_group_rows = 131072;
  int64_t optimize_files = 10;
  int64_t log_checkpoint_every = 10;  // a log checkpoint every N commits; 0: never
  Compression compression = Compression::Zstd;
  // s3 { ... }: the store of s3:// paths.
  std::string s3_endpoint;
  std::string s3_region = "us-east-1";
  std::string s3_access_key;  // never logged
  std::string s3_secret_key;  // never logged
  std::string s3_session_token;
  bool s3_path_style = true;
  std::string s3_ca_file;
  std::string staging_dir;  // where data files of s3:// tables are written before upload
  std::string pipeline;
  std::string stage;
  // The `txn` action's appId: "sluice/<pipeline>/<stage>".
  std::string app_id;

  static result<DeltaOptions> from_config(const StageConfig& cfg);
};

}  // namespace sluice::operators::delta
