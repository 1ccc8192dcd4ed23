// A Delta table's store as sluice reconcile reads it: the log and the data files of the store
// it wraps, and nothing else — prepare() touches nothing (no directory made, no S3 staging
// directory cleared under a running sink, no probe object written) and every write fails.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "operators/delta/table_store.h"
#include "reconcile/errc.h"

namespace sluice::reconcile {

class ReadOnlyStore : public operators::delta::TableStore {
 public:
  explicit ReadOnlyStore(std::shared_ptr<operators::delta::TableStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& location() const override { return inner_->location(); }
  result<void> prepare() override { return {}; }
  result<std::vector<std::string>> list_log() override { return inner_->list_log(); }
  result<std::string> read(const std::string& rel) override { return inner_->read(rel); }
  result<void> publish(const std::string& rel, const std::string&) override { return refused(rel); }
  result<void> put(const std::string& rel, const std::string&) override { return refused(rel); }
  std::string local_path(const std::string& rel) const override { return inner_->local_path(rel); }
  result<int64_t> finish(const std::string& rel) override { return refused(rel); }
  void discard(const std::string&) override {}

 private:
  error refused(const std::string& rel) const {
    return error::fatal(errc::compare, location() + ": read only (reconcile), cannot write " + rel);
  }

  std::shared_ptr<operators::delta::TableStore> inner_;
};

}  // namespace sluice::reconcile
