#include "operators/delta/s3_client.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/secrets.h"
#include "operators/delta/errc.h"
#include "operators/delta/s3_multipart.h"
#include "operators/delta/s3_xml.h"

namespace sluice::operators::delta {
namespace {

// The keys and sizes of one ListObjectsV2 page appended to out; the continuation token of the
// next page ("" for the last one).
result<std::string> s3c_read_page(const std::string& body, const std::string& what,
                                  std::vector<std::pair<std::string, int64_t>>& out) {
  const bool url_encoded = s3_xml_first(body, "EncodingType") == "url";
  for (const std::string& item : s3_xml_all(body, "Contents")) {
    std::string key = s3_xml_first(item, "Key");
    if (url_encoded) key = s3_form_decode(key);
    const std::string size = s3_xml_first(item, "Size");
    char* end = nullptr;
    const long long n = std::strtoll(size.c_str(), &end, 10);
    if (key.empty() || size.empty() || *end != '\0' || n < 0) {
      return error::transient(errc::io, s3_scrub(what +
                                                 ": a listed object without a key or a "
                                                 "size: " +
                                                 item.substr(0, 200)));
    }
    out.emplace_back(std::move(key), static_cast<int64_t>(n));
  }
  if (s3_xml_first(body, "IsTruncated") != "true") return std::string();
  std::string token = s3_xml_first(body, "NextContinuationToken");
  if (token.empty()) {
    return error::transient(errc::io, what + ": a truncated listing without a continuation token");
  }
  return token;
}

}  // namespace

S3Client::S3Client(S3Config cfg) {
  secrets::add(cfg.secret_key);
  secrets::add(cfg.session_token);
  secrets::add_connection_string(cfg.endpoint);  // a password in http://user:PASS@host
  transport_ = std::make_unique<S3Transport>(std::move(cfg));
}

S3Client::~S3Client() = default;

result<void> S3Client::put(const S3Location& at, const std::string& bytes) {
  return put_object(at, bytes, false);
}

result<void> S3Client::put_if_absent(const S3Location& at, const std::string& bytes) {
  return put_object(at, bytes, true);
}

result<void> S3Client::put_file(const S3Location& at, const std::string& local_path) {
  if (auto r = check_key(at, "PUT"); !r.ok()) return r;
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(local_path, ec);
  std::ifstream in(local_path, std::ios::binary);
  if (ec || !in) {
    return error::permanent(errc::io, transport_->describe("PUT", at.bucket, at.key) +
                                          ": cannot read the local file " + local_path);
  }
  if (size <= kSinglePutMax) {
    std::string bytes(size, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<uint64_t>(in.gcount()) != size ||
        in.peek() != std::ifstream::traits_type::eof()) {
      return error::transient(errc::io, transport_->describe("PUT", at.bucket, at.key) +
                                            ": the local file " + local_path +
                                            " changed while it was read");
    }
    return put_object(at, std::move(bytes), false);
  }
  const uint64_t part_size = std::max(kPartSize, (size + 9999) / 10000);
  S3MultipartUpload upload(*transport_, at);
  return upload.upload(in, size, part_size);
}

result<std::string> S3Client::get(const S3Location& at) {
  if (auto r = check_key(at, "GET"); !r.ok()) return r.err();
  auto answer = transport_->send({"GET", at.bucket, at.key, {}, {}, ""});
  if (!answer.ok()) return answer.err();
  if (answer->status != 200) {
    return s3_answer_error(answer->status, answer->body,
                           transport_->describe("GET", at.bucket, at.key),
                           transport_->config().region);
  }
  return std::move(answer->body);
}

result<std::vector<std::pair<std::string, int64_t>>> S3Client::list(const std::string& bucket,
                                                                    const std::string& prefix) {
  const std::string what = transport_->describe("GET", bucket, "") + " (list " + prefix + ")";
  std::vector<std::pair<std::string, int64_t>> out;
  std::string token;
  do {
    S3Call call{"GET", bucket, "", {{"list-type", "2"}, {"encoding-type", "url"}}, {}, ""};
    if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    auto answer = transport_->send(std::move(call));
    if (!answer.ok()) return answer.err();
    if (answer->status != 200) {
      return s3_answer_error(answer->status, answer->body, what, transport_->config().region);
    }
    auto next = s3c_read_page(answer->body, what, out);
    if (!next.ok()) return next.err();
    if (!next->empty() && *next == token) {
      return error::transient(errc::io, what + ": the same continuation token twice");
    }
    token = std::move(*next);
  } while (!token.empty());
  return out;
}

result<void> S3Client::remove(const S3Location& at) {
  if (auto r = check_key(at, "DELETE"); !r.ok()) return r;
  auto answer = transport_->send({"DELETE", at.bucket, at.key, {}, {}, ""});
  if (!answer.ok()) return answer.err();
  if (answer->status != 204 && answer->status != 200) {
    return s3_answer_error(answer->status, answer->body,
                           transport_->describe("DELETE", at.bucket, at.key),
                           transport_->config().region);
  }
  return {};
}

result<bool> S3Client::conditional_put_supported(const std::string& bucket,
                                                 const std::string& probe_key) {
  const S3Location at{bucket, probe_key};
  bool refused = false;
  for (const char* bytes : {"1", "2"}) {
    auto r = put_if_absent(at, bytes);
    if (!r.ok() && r.err().code != errc::log) return r.err();
    if (!r.ok()) {
      refused = true;
      break;
    }
  }
  if (auto r = remove(at); !r.ok()) return r.err();
  return refused;
}

result<void> S3Client::put_object(const S3Location& at, std::string bytes, bool if_absent) {
  const std::string what = transport_->describe("PUT", at.bucket, at.key);
  if (auto r = check_key(at, "PUT"); !r.ok()) return r;
  S3Call call{
      "PUT",           at.bucket, at.key, {}, {{"content-type", "application/octet-stream"}},
      std::move(bytes)};
  if (if_absent) call.headers.emplace_back("if-none-match", "*");
  auto answer = transport_->send(std::move(call));
  if (!answer.ok()) return answer.err();
  if (answer->status == 200) return {};
  if (if_absent && answer->status == 412) {
    return error::permanent(errc::log, what +
                                           ": the object already exists (HTTP 412 "
                                           "PreconditionFailed for If-None-Match: *)");
  }
  if (if_absent && answer->status == 409) {
    return error::transient(errc::log, what +
                                           ": another conditional write of the same key "
                                           "is in progress (HTTP 409); try again");
  }
  return s3_answer_error(answer->status, answer->body, what, transport_->config().region);
}

result<void> S3Client::check_key(const S3Location& at, const std::string& method) const {
  if (at.bucket.empty() || at.key.empty()) {
    return error::permanent(errc::io, transport_->describe(method, at.bucket, at.key) +
                                          ": an object needs a bucket and a key");
  }
  return {};
}

}  // namespace sluice::operators::delta
