// s3:// URLs (bucket and key), where a request for a bucket goes (origin, Host, path) under
// path-style or virtual-hosted addressing, and the URI encoding of AWS Signature Version 4.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "operators/delta/s3_config.h"

namespace sluice::operators::delta {

struct S3Location {
  std::string bucket;
  std::string key;  // "" for the bucket itself
};

// "s3://bucket/a/b" (also "s3a://") -> {"bucket", "a/b"}; "s3://bucket" and "s3://bucket/" have
// key "". Errors (errc::io, permanent) for "s3://", "s3:///x", another scheme and a bucket name
// with characters no S3 store accepts.
result<S3Location> parse_s3_url(const std::string& url);

// One request's destination: the origin the HTTP client connects to ("http://127.0.0.1:9000"),
// the Host header it sends ("127.0.0.1:9000", "bucket.s3.eu-west-1.amazonaws.com") and the
// request path, URI-encoded ("/bucket/a%20b" path-style, "/a%20b" virtual-hosted).
struct S3Target {
  std::string origin;
  std::string host;
  std::string path;
};

// The target of bucket/key under cfg (endpoint, region, path_style). Errors (errc::io, fatal)
// for an endpoint that is not http(s)://HOST[:PORT] or an empty region.
result<S3Target> s3_target(const S3Config& cfg, const std::string& bucket, const std::string& key);

// SigV4's URI encoding: each byte but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex); '/' stays as
// it is unless encode_slash (object keys keep their slashes, query values do not).
std::string s3_uri_encode(const std::string& s, bool encode_slash);

// A key of a listing asked with encoding-type=url: %XX decoded and '+' as ' ' (S3 writes a
// space as '+' and a '+' as %2B there).
std::string s3_form_decode(const std::string& s);

// A query string as SigV4 signs it and the request sends it: name=value pairs, both encoded,
// sorted by name then value, joined with '&' ("list-type=2&prefix=a%2Fb"); "" for none.
std::string s3_query_string(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace sluice::operators::delta
