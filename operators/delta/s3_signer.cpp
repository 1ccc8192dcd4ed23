#include "operators/delta/s3_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "operators/delta/s3_url.h"

namespace sluice::operators::delta {
namespace {

std::string s3sig_hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 0x0f];
  }
  return out;
}

// Raw HMAC-SHA256 of data under key.
std::string s3sig_hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// A header value as signed: no leading or trailing blanks, inner runs of spaces as one.
std::string s3sig_header_value(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The signed headers: lower-case names in order, values of repeated names joined with ','.
std::vector<std::pair<std::string, std::string>> s3sig_headers(const S3Request& r) {
  std::vector<std::pair<std::string, std::string>> hs;
  for (const auto& [name, value] : r.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    hs.emplace_back(std::move(lower), s3sig_header_value(value));
  }
  std::stable_sort(hs.begin(), hs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> merged;
  for (auto& h : hs) {
    if (!merged.empty() && merged.back().first == h.first) {
      merged.back().second += "," + h.second;
    } else {
      merged.push_back(std::move(h));
    }
  }
  return merged;
}

}  // namespace

S3Signer::S3Signer(std::string access_key, std::string secret_key, std::string region,
                   std::string service)
    : access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string S3Signer::canonical_request(const S3Request& r) const {
  std::string out = r.method + "\n" + r.path + "\n" + s3_query_string(r.query) + "\n";
  for (const auto& [name, value] : s3sig_headers(r)) out += name + ":" + value + "\n";
  out += "\n" + signed_header_names(r) + "\n" + r.payload_sha256;
  return out;
}

std::string S3Signer::string_to_sign(const S3Request& r, const std::string& amz_date) const {
  return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope(amz_date) + "\n" +
         s3_sha256_hex(canonical_request(r));
}

std::string S3Signer::signature(const S3Request& r, const std::string& amz_date) const {
  const std::string date = amz_date.substr(0, 8);
  std::string key = s3sig_hmac("AWS4" + secret_key_, date);
  key = s3sig_hmac(key, region_);
  key = s3sig_hmac(key, service_);
  key = s3sig_hmac(key, "aws4_request");
  const std::string sig = s3sig_hmac(key, string_to_sign(r, amz_date));
  return s3sig_hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::string S3Signer::authorization(const S3Request& r, const std::string& amz_date) const {
  return "AWS4-HMAC-SHA256 Credential=" + access_key_ + "/" + scope(amz_date) +
         ",SignedHeaders=" + signed_header_names(r) + ",Signature=" + signature(r, amz_date);
}

std::string S3Signer::scope(const std::string& amz_date) const {
  return amz_date.substr(0, 8) + "/" + region_ + "/" + service_ + "/aws4_request";
}

std::string S3Signer::signed_header_names(const S3Request& r) const {
  std::string out;
  for (const auto& h : s3sig_headers(r)) {
    if (!out.empty()) out += ';';
    out += h.first;
  }
  return out;
}

std::string s3_sha256_hex(const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, EVP_sha256(), nullptr);
  return s3sig_hex(out, len);
}

std::string s3_amz_date(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
  return buf;
}

}  // namespace sluice::operators::delta
