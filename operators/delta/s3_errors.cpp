#include "operators/delta/s3_errors.h"

#include "base/secrets.h"
#include "operators/delta/errc.h"
#include "operators/delta/s3_xml.h"

namespace sluice::operators::delta {
namespace {

// The suffix of every not-found message (is_not_found looks for it).
constexpr const char* kS3NotFound = ": not found (HTTP 404 NoSuchKey)";

// "HTTP 403 SignatureDoesNotMatch: The request signature ..." from an answer.
std::string s3err_summary(int status, const std::string& body) {
  std::string out = "HTTP " + std::to_string(status);
  const std::string code = s3_xml_first(body, "Code");
  std::string message = s3_xml_first(body, "Message");
  if (message.size() > 200) message = message.substr(0, 200) + "...";
  if (!code.empty()) out += " " + code;
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace

error s3_answer_error(int status, const std::string& body, const std::string& what,
                      const std::string& region) {
  const std::string code = s3_xml_first(body, "Code");
  const std::string summary = s3err_summary(status, body);
  if (status == 404 && (code.empty() || code == "NoSuchKey")) {
    return error::permanent(errc::io, s3_scrub(what + kS3NotFound));
  }
  if (status == 404 && code == "NoSuchBucket") {
    return error::fatal(errc::io, s3_scrub(what + ": the bucket does not exist (" + summary +
                                           "); check the bucket in the path and the endpoint"));
  }
  if (status == 401 || status == 403) {
    return error::fatal(
        errc::io, s3_scrub(what + ": access denied (" + summary +
                           "); check access_key and secret_key (and session_token), that they "
                           "may use this bucket, the region (" +
                           region + ") and this machine's clock"));
  }
  if (status == 301 || (status == 400 && code == "AuthorizationHeaderMalformed")) {
    return error::fatal(errc::io,
                        s3_scrub(what + ": " + summary + "; the bucket is not in region " + region +
                                 " (set region to the bucket's region)"));
  }
  if (status == 408 || status == 429 || status >= 500) {
    return error::transient(errc::io, s3_scrub(what + ": " + summary));
  }
  return error::permanent(errc::io, s3_scrub(what + ": " + summary));
}

bool is_not_found(const error& e) {
  const std::string suffix = kS3NotFound;
  return e.code == errc::io && e.message.size() >= suffix.size() &&
         e.message.compare(e.message.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string s3_scrub(const std::string& text) { return secrets::redact(text); }

}  // namespace sluice::operators::delta
