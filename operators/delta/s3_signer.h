// AWS Signature Version 4 (Authorization header) of S3 requests: canonical request, string to
// sign, signing key and signature, with OpenSSL's SHA-256 and HMAC-SHA256.
#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sluice::operators::delta {

// What a signature covers.
struct S3Request {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // the canonical URI, already URI-encoded (s3_uri_encode): "/bucket/a%24b"
  std::vector<std::pair<std::string, std::string>> query;    // names and values, not encoded
  std::vector<std::pair<std::string, std::string>> headers;  // every header to sign, any case
  std::string payload_sha256;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

class S3Signer {
 public:
  // service is "s3" for S3; the AWS test suite's vectors use "service".
  S3Signer(std::string access_key, std::string secret_key, std::string region,
           std::string service = "s3");

  // The lines of the canonical request (method, URI, query, headers, signed names, payload).
  std::string canonical_request(const S3Request& r) const;
  // "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of the canonical request>".
  std::string string_to_sign(const S3Request& r, const std::string& amz_date) const;
  // The hex signature; amz_date is the request's x-amz-date ("20130524T000000Z").
  std::string signature(const S3Request& r, const std::string& amz_date) const;
  // The Authorization header's value:
  // "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,SignedHeaders=...,
  // Signature=...".
  std::string authorization(const S3Request& r, const std::string& amz_date) const;

 private:
  std::string scope(const std::string& amz_date) const;
  std::string signed_header_names(const S3Request& r) const;

  std::string access_key_;
  std::string secret_key_;
  std::string region_;
  std::string service_;
};

// Lower-case hex SHA-256 of bytes.
std::string s3_sha256_hex(const std::string& bytes);
// x-amz-date of a moment: "YYYYMMDDTHHMMSSZ" in UTC.
std::string s3_amz_date(std::chrono::system_clock::time_point t);

}  // namespace sluice::operators::delta
