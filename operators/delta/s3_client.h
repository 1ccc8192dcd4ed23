// S3Client: the object-store operations sink delta needs (put, put-if-absent, file upload,
// get, list, remove) on AWS S3 or any S3-compatible store (MinIO, Ceph RGW, R2, S3rver), signed
// with AWS Signature Version 4. Errors are errc::io (errc::log for a put_if_absent conflict).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "operators/delta/s3_config.h"
#include "operators/delta/s3_errors.h"
#include "operators/delta/s3_transport.h"
#include "operators/delta/s3_url.h"

namespace sluice::operators::delta {

class S3Client {
 public:
  // Files up to this size go in one PUT; larger ones in a multipart upload of kPartSize parts
  // (larger parts when a file would need more than 10,000, S3's limit).
  static constexpr uint64_t kSinglePutMax = 16ull << 20;
  static constexpr uint64_t kPartSize = 8ull << 20;

  // Registers cfg.secret_key and cfg.session_token with base/secrets.h (logs never show them).
  explicit S3Client(S3Config cfg);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Creates or replaces the object.
  result<void> put(const S3Location& at, const std::string& bytes);
  // Creates the object only if no object of that key exists (If-None-Match: *; AWS S3 since
  // 2024, MinIO, R2). An existing object: errc::log, permanent, "... already exists ...".
  // A store that ignores the header overwrites and answers 200 (S3rver does): this call
  // cannot tell; conditional_put_supported() tells, once, before relying on it.
  result<void> put_if_absent(const S3Location& at, const std::string& bytes);
  // Uploads a local file: one PUT up to kSinglePutMax, a multipart upload above (aborted on a
  // failure).
  result<void> put_file(const S3Location& at, const std::string& local_path);
  // The object's bytes; a missing one is a permanent errc::io error with is_not_found(e).
  result<std::string> get(const S3Location& at);
  // Every key under prefix with its size in bytes, in key order (ListObjectsV2, following
  // continuation tokens).
  result<std::vector<std::pair<std::string, int64_t>>> list(const std::string& bucket,
                                                            const std::string& prefix);
  // Removes the object (S3 answers success for a key that does not exist too).
  result<void> remove(const S3Location& at);

  // Whether the store refuses put_if_absent of an existing key: writes `probe_key` twice with
  // put_if_absent and removes it. false: the store ignores If-None-Match on PUT (S3rver, S3
  // before 2024, some gateways), so put_if_absent is no mutual exclusion there.
  result<bool> conditional_put_supported(const std::string& bucket, const std::string& probe_key);

  S3Stats stats() const { return transport_->stats(); }

 private:
  result<void> put_object(const S3Location& at, std::string bytes, bool if_absent);
  result<void> check_key(const S3Location& at, const std::string& method) const;

  std::unique_ptr<S3Transport> transport_;
};

}  // namespace sluice::operators::delta
