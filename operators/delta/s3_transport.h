// One signed request to an S3 endpoint and its answer, over cpp-httplib (HTTPS through its
// OpenSSL support): each request is signed with AWS Signature Version 4 (s3_signer.h) when it
// is sent, and one keep-alive connection per origin is reused. Requests are serialised by a
// mutex, so one transport may be shared by threads (they wait for each other).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "operators/delta/s3_config.h"
#include "operators/delta/s3_signer.h"

namespace httplib {
class Client;
}

namespace sluice::operators::delta {

struct S3Call {
  std::string method;  // "GET", "PUT", "POST", "DELETE"
  std::string bucket;
  std::string key;  // "" for a request on the bucket (ListObjectsV2)
  std::vector<std::pair<std::string, std::string>> query;    // not encoded
  std::vector<std::pair<std::string, std::string>> headers;  // more headers, signed too
  std::string body;
};

struct S3Answer {
  int status = 0;
  std::string body;
  std::string etag;  // the ETag header (an upload part's name in CompleteMultipartUpload)
};

// What a client did, for tests and metrics.
struct S3Stats {
  uint64_t requests = 0;
  uint64_t bytes_sent = 0;      // request bodies
  uint64_t bytes_received = 0;  // answer bodies
  uint64_t multipart_uploads = 0;
  uint64_t parts = 0;   // upload parts sent with a 200 answer
  uint64_t aborts = 0;  // AbortMultipartUpload requests after a failed multipart upload
};

class S3Transport {
 public:
  explicit S3Transport(S3Config cfg);
  ~S3Transport();
  S3Transport(const S3Transport&) = delete;
  S3Transport& operator=(const S3Transport&) = delete;

  // The answer, whatever its status. An error (errc::io) only when none came: transient for a
  // refused connection, a timeout or a broken one; fatal for an unusable endpoint or an
  // untrusted certificate.
  result<S3Answer> send(S3Call call);
  // "S3 PUT s3://bucket/key at http://127.0.0.1:9000", how messages name a request.
  std::string describe(const std::string& method, const std::string& bucket,
                       const std::string& key) const;
  const S3Config& config() const { return cfg_; }
  S3Stats stats() const;
  // Adds one to a counter: count(&S3Stats::parts).
  void count(uint64_t S3Stats::*counter);

 private:
  result<httplib::Client*> client_for(const std::string& origin);

  S3Config cfg_;
  S3Signer signer_;
  std::mutex mu_;  // held through a request: the clients are not thread-safe
  std::map<std::string, std::unique_ptr<httplib::Client>> clients_;
  mutable std::mutex stats_mu_;  // apart, so stats() does not wait for a request
  S3Stats stats_;
};

}  // namespace sluice::operators::delta
