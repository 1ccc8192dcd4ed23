// A Delta table under an S3 prefix (s3://bucket/prefix): data files written to a local staging
// directory, uploaded when sealed (multipart above 16 MiB) and removed locally; log entries
// put with If-None-Match: * (put-if-absent where the store supports it — checked once:
// a store that ignores it is used with a warning that only one writer may write the table);
// `_last_checkpoint` put plainly (an S3 PUT replaces an object whole).
#pragma once
#include <memory>
#include <string>

#include "operators/delta/s3_client.h"
#include "operators/delta/table_store.h"

namespace sluice::operators::delta {

class S3TableStore : public TableStore {
 public:
  // url: s3://bucket/prefix; staging: a local directory of this table's own.
  S3TableStore(std::shared_ptr<S3Client> client, std::string url, S3Location at,
               std::string staging)
      : client_(std::move(client)),
        url_(std::move(url)),
        at_(std::move(at)),
        staging_(std::move(staging)) {}
  const std::string& location() const override { return url_; }
  result<void> prepare() override;
  result<std::vector<std::string>> list_log() override;
  result<std::string> read(const std::string& rel) override;
  result<void> publish(const std::string& rel, const std::string& bytes) override;
  result<void> put(const std::string& rel, const std::string& bytes) override;
  std::string local_path(const std::string& rel) const override { return staging_ + "/" + rel; }
  result<int64_t> finish(const std::string& rel) override;
  void discard(const std::string& rel) override;

 private:
  S3Location object(const std::string& rel) const;

  std::shared_ptr<S3Client> client_;
  std::string url_;
  S3Location at_;  // the table's prefix: key without a trailing slash
  std::string staging_;
};

}  // namespace sluice::operators::delta
