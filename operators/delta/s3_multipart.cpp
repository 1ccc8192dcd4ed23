#include "operators/delta/s3_multipart.h"

#include <algorithm>

#include "base/logger.h"
#include "operators/delta/errc.h"
#include "operators/delta/s3_errors.h"
#include "operators/delta/s3_xml.h"

namespace sluice::operators::delta {
namespace {

// The body of CompleteMultipartUpload: each part's number and ETag.
std::string s3mp_complete_body(const std::vector<std::string>& etags) {
  std::string out = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    std::string etag;
    for (char c : etags[i]) {
      if (c == '&') {
        etag += "&amp;";
      } else if (c == '<') {
        etag += "&lt;";
      } else {
        etag += c;
      }
    }
    out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etag +
           "</ETag></Part>";
  }
  return out + "</CompleteMultipartUpload>";
}

}  // namespace

S3MultipartUpload::S3MultipartUpload(S3Transport& transport, S3Location at)
    : transport_(transport), at_(std::move(at)) {}

result<void> S3MultipartUpload::upload(std::istream& in, uint64_t size, uint64_t part_size) {
  if (auto r = begin(); !r.ok()) return r;
  transport_.count(&S3Stats::multipart_uploads);
  for (uint64_t done = 0; done < size;) {
    std::string bytes(std::min(part_size, size - done), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<uint64_t>(in.gcount()) != bytes.size()) {
      abort();
      return error::transient(errc::io, what("PUT") + ": the local file ended at byte " +
                                            std::to_string(done + in.gcount()) + " of " +
                                            std::to_string(size) + " (changed while uploading?)");
    }
    done += bytes.size();
    if (auto r = send_part(std::move(bytes)); !r.ok()) {
      abort();
      return r;
    }
  }
  if (auto r = complete(); !r.ok()) {
    abort();
    return r;
  }
  return {};
}

result<void> S3MultipartUpload::begin() {
  auto answer = transport_.send({"POST", at_.bucket, at_.key, {{"uploads", ""}}, {}, ""});
  if (!answer.ok()) return answer.err();
  if (answer->status != 200) {
    return s3_answer_error(answer->status, answer->body, what("POST"), transport_.config().region);
  }
  upload_id_ = s3_xml_first(answer->body, "UploadId");
  if (upload_id_.empty()) {
    return error::transient(errc::io,
                            what("POST") + ": CreateMultipartUpload answered no UploadId");
  }
  return {};
}

result<void> S3MultipartUpload::send_part(std::string bytes) {
  const std::string number = std::to_string(etags_.size() + 1);
  auto answer = transport_.send({"PUT",
                                 at_.bucket,
                                 at_.key,
                                 {{"partNumber", number}, {"uploadId", upload_id_}},
                                 {},
                                 std::move(bytes)});
  if (!answer.ok()) return answer.err();
  if (answer->status != 200) {
    return s3_answer_error(answer->status, answer->body, what("PUT") + " part " + number,
                           transport_.config().region);
  }
  if (answer->etag.empty()) {
    return error::transient(errc::io, what("PUT") + " part " + number + ": answered no ETag");
  }
  etags_.push_back(answer->etag);
  transport_.count(&S3Stats::parts);
  return {};
}

result<void> S3MultipartUpload::complete() {
  auto answer = transport_.send({"POST",
                                 at_.bucket,
                                 at_.key,
                                 {{"uploadId", upload_id_}},
                                 {{"content-type", "application/xml"}},
                                 s3mp_complete_body(etags_)});
  if (!answer.ok()) return answer.err();
  if (answer->status != 200) {
    return s3_answer_error(answer->status, answer->body, what("POST"), transport_.config().region);
  }
  // S3 may answer 200 and put the failure in the body (it decides while the answer streams).
  if (answer->body.find("<Error>") != std::string::npos) {
    return error::transient(errc::io, s3_scrub(what("POST") + ": CompleteMultipartUpload failed: " +
                                               s3_xml_first(answer->body, "Code") + ": " +
                                               s3_xml_first(answer->body, "Message")));
  }
  return {};
}

// Best effort: the upload's own failure is what the caller reports; a failed abort is logged.
void S3MultipartUpload::abort() {
  transport_.count(&S3Stats::aborts);
  auto answer =
      transport_.send({"DELETE", at_.bucket, at_.key, {{"uploadId", upload_id_}}, {}, ""});
  if (answer.ok() && (answer->status == 204 || answer->status == 200)) return;
  const std::string why = answer.ok() ? s3_answer_error(answer->status, answer->body,
                                                        what("DELETE"), transport_.config().region)
                                            .message
                                      : answer.err().message;
  log::warn("delta", "cannot abort multipart upload " + upload_id_ +
                         " (its parts stay until a lifecycle rule removes them): " + why);
}

std::string S3MultipartUpload::what(const std::string& method) const {
  return transport_.describe(method, at_.bucket, at_.key) + " (multipart upload)";
}

}  // namespace sluice::operators::delta
