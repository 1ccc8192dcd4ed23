// A Delta table in a local directory: files written in place and synced; a log entry
// published by link(2) of a synced temporary file (put-if-absent), or replaced by rename(2)
// of one (put).
#pragma once
#include <string>

#include "operators/delta/table_store.h"

namespace sluice::operators::delta {

class LocalTableStore : public TableStore {
 public:
  explicit LocalTableStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string& location() const override { return dir_; }
  result<void> prepare() override;
  result<std::vector<std::string>> list_log() override;
  result<std::string> read(const std::string& rel) override;
  result<void> publish(const std::string& rel, const std::string& bytes) override;
  result<void> put(const std::string& rel, const std::string& bytes) override;
  std::string local_path(const std::string& rel) const override { return dir_ + "/" + rel; }
  result<int64_t> finish(const std::string& rel) override;
  void discard(const std::string& rel) override;

 private:
  std::string dir_;
};

}  // namespace sluice::operators::delta
