#include "operators/delta/s3_url.h"

#include <algorithm>
#include <cctype>

#include "base/percent_encoding.h"
#include "operators/delta/errc.h"

namespace sluice::operators::delta {
namespace {

bool s3url_bucket_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// "http://h:p/" -> scheme "http://", authority "h:p"; an error for anything else.
result<std::pair<std::string, std::string>> s3url_split_endpoint(const std::string& endpoint) {
  std::string scheme;
  if (endpoint.rfind("http://", 0) == 0) {
    scheme = "http://";
  } else if (endpoint.rfind("https://", 0) == 0) {
    scheme = "https://";
  } else {
    return error::fatal(errc::io, "S3 endpoint '" + endpoint +
                                      "' must start with http:// or https:// (e.g. "
                                      "http://127.0.0.1:9000)");
  }
  std::string authority = endpoint.substr(scheme.size());
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string::npos) {
    return error::fatal(errc::io, "S3 endpoint '" + endpoint +
                                      "' must be http(s)://HOST[:PORT] with no path, query or "
                                      "user (the keys go in access_key and secret_key)");
  }
  return std::make_pair(scheme, authority);
}

}  // namespace

result<S3Location> parse_s3_url(const std::string& url) {
  size_t start = 0;
  if (url.rfind("s3://", 0) == 0) {
    start = 5;
  } else if (url.rfind("s3a://", 0) == 0) {
    start = 6;
  } else {
    return error::permanent(errc::io, "'" + url + "' is not an s3:// URL (s3://bucket/prefix)");
  }
  const size_t slash = url.find('/', start);
  S3Location loc;
  loc.bucket = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  if (slash != std::string::npos) loc.key = url.substr(slash + 1);
  if (loc.bucket.empty()) {
    return error::permanent(errc::io, "'" + url + "' names no bucket (s3://bucket/prefix)");
  }
  for (char c : loc.bucket) {
    if (!s3url_bucket_char(c)) {
      return error::permanent(errc::io, "'" + url + "': the bucket name '" + loc.bucket +
                                            "' may hold only letters, digits, '.', '-' and '_'");
    }
  }
  return loc;
}

result<S3Target> s3_target(const S3Config& cfg, const std::string& bucket, const std::string& key) {
  std::string scheme = "https://";
  std::string authority;
  if (cfg.endpoint.empty()) {
    if (cfg.region.empty()) {
      return error::fatal(errc::io, "S3: no region and no endpoint (set region, e.g. us-east-1)");
    }
    authority = "s3." + cfg.region + ".amazonaws.com";
  } else {
    auto split = s3url_split_endpoint(cfg.endpoint);
    if (!split.ok()) return split.err();
    scheme = split->first;
    authority = split->second;
  }
  const std::string encoded_key = key.empty() ? "" : "/" + s3_uri_encode(key, false);
  S3Target t;
  if (cfg.path_style || bucket.empty()) {
    t.host = authority;
    t.path = bucket.empty() ? "/" : "/" + s3_uri_encode(bucket, true) + encoded_key;
  } else {
    t.host = bucket + "." + authority;
    t.path = encoded_key.empty() ? "/" : encoded_key;
  }
  t.origin = scheme + t.host;
  return t;
}

std::string s3_uri_encode(const std::string& s, bool encode_slash) {
  return percent_encode(s, encode_slash ? "" : "/");
}

std::string s3_form_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::string s3_query_string(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [name, value] : query) {
    q.emplace_back(s3_uri_encode(name, true), s3_uri_encode(value, true));
  }
  std::sort(q.begin(), q.end());
  std::string out;
  for (const auto& [name, value] : q) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

}  // namespace sluice::operators::delta
