// How sink delta's S3 client reports a failed answer: an errc::io error whose kind says what to
// do (transient: try again; permanent: this object; fatal: fix the configuration) and whose
// message says what to check. No message holds a key, a session token or a signature.
#pragma once
#include <string>

#include "base/result.h"

namespace sluice::operators::delta {

// The error of an HTTP answer that is not a success: status, its XML body (<Error><Code>,
// <Message>) and `what` was asked ("S3 GET s3://bucket/key at http://127.0.0.1:9000"); region
// is named in the hints of 301/400/403. A missing object (404 NoSuchKey) is permanent and
// is_not_found; a missing bucket (404 NoSuchBucket) and 401/403 are fatal; 408, 429 and 5xx are
// transient; other answers are permanent.
error s3_answer_error(int status, const std::string& body, const std::string& what,
                      const std::string& region);

// True for the error of a read or removal of an object that does not exist.
bool is_not_found(const error& e);

// text without any secret registered with base/secrets.h (the secret key, the session token).
std::string s3_scrub(const std::string& text);

}  // namespace sluice::operators::delta
