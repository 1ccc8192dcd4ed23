// One S3 multipart upload of a local file (CreateMultipartUpload, UploadPart of each part,
// CompleteMultipartUpload), aborted (AbortMultipartUpload) when any step fails so no parts
// are left behind to be billed.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/delta/s3_transport.h"
#include "operators/delta/s3_url.h"

namespace sluice::operators::delta {

class S3MultipartUpload {
 public:
  S3MultipartUpload(S3Transport& transport, S3Location at);

  // Sends `size` bytes of `in` in parts of part_size bytes (the last one shorter) and
  // completes the object; on a failure, aborts the upload and returns the failure.
  result<void> upload(std::istream& in, uint64_t size, uint64_t part_size);

 private:
  result<void> begin();
  result<void> send_part(std::string bytes);
  result<void> complete();
  void abort();
  std::string what(const std::string& method) const;

  S3Transport& transport_;
  S3Location at_;
  std::string upload_id_;
  std::vector<std::string> etags_;  // of parts 1, 2, ...
};

}  // namespace sluice::operators::delta
