// Where a Delta table's files live: a local directory (LocalTableStore) or an S3 prefix
// (S3TableStore). The log and the data files go through it; a data file is written locally
// first (ParquetWriter writes a file) and made durable in the store when it is sealed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace sluice::operators::delta {

class TableStore {
 public:
  virtual ~TableStore() = default;
  // The table's location as the user wrote it (a directory or s3://bucket/prefix).
  virtual const std::string& location() const = 0;
  // Before the first write: directories made, the store checked.
  virtual result<void> prepare() = 0;
  // Names of the entries of _delta_log (none when the table does not exist yet).
  virtual result<std::vector<std::string>> list_log() = 0;
  // A whole object below the table ("_delta_log/00..0.json", "part-....parquet").
  virtual result<std::string> read(const std::string& rel) = 0;
  // Creates a log entry only if none of that name exists (errc::log "exists" otherwise).
  virtual result<void> publish(const std::string& rel, const std::string& bytes) = 0;
  // Creates or replaces a log entry whole (`_delta_log/_last_checkpoint`): a reader sees the
  // old bytes or the new ones.
  virtual result<void> put(const std::string& rel, const std::string& bytes) = 0;
  // The local path a data file is written to before finish().
  virtual std::string local_path(const std::string& rel) const = 0;
  // The data file written at local_path(rel) is complete: make it durable in the store. Its
  // size in bytes.
  virtual result<int64_t> finish(const std::string& rel) = 0;
  // The data file written at local_path(rel) is not wanted (it holds no row).
  virtual void discard(const std::string& rel) = 0;
};

}  // namespace sluice::operators::delta
