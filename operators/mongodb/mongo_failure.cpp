#include "operators/mongodb/mongo_failure.h"

#include <mongoc/mongoc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sluice::operators::mongodb {
namespace {

std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string with_code(int32_t code, const std::string& msg) {
  std::string out = "code " + std::to_string(code);
  const char* name = MongoFailure::code_name(code);
  if (*name != '\0') out += std::string(" (") + name + ")";
  return out + ": " + one_line(msg);
}

bool has_label(const bson_t* reply, const char* label) {
  bson_iter_t it;
  bson_iter_t arr;
  if (!bson_iter_init_find(&it, reply, "errorLabels") || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &arr)) {
    return false;
  }
  while (bson_iter_next(&arr)) {
    if (BSON_ITER_HOLDS_UTF8(&arr) && std::strcmp(bson_iter_utf8(&arr, nullptr), label) == 0) {
      return true;
    }
  }
  return false;
}

int32_t int_of(const bson_iter_t* it) {
  if (BSON_ITER_HOLDS_INT32(it)) return bson_iter_int32(it);
  if (BSON_ITER_HOLDS_INT64(it)) return static_cast<int32_t>(bson_iter_int64(it));
  if (BSON_ITER_HOLDS_DOUBLE(it)) {  // beyond int32 (or NaN): no code, not undefined behaviour
    double d = bson_iter_double(it);
    return d >= INT32_MIN && d <= INT32_MAX ? static_cast<int32_t>(d) : 0;
  }
  return 0;
}

// Reads {index, code, errmsg, errInfo} documents of an array field of the reply.
std::vector<DocError> read_errors(const bson_t* reply, const char* field) {
  std::vector<DocError> out;
  bson_iter_t it;
  bson_iter_t arr;
  if (!bson_iter_init_find(&it, reply, field) || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &arr)) {
    return out;
  }
  while (bson_iter_next(&arr)) {
    bson_iter_t doc;
    if (!BSON_ITER_HOLDS_DOCUMENT(&arr) || !bson_iter_recurse(&arr, &doc)) continue;
    DocError e;
    std::string msg;
    std::string info;
    while (bson_iter_next(&doc)) {
      const char* k = bson_iter_key(&doc);
      if (std::strcmp(k, "index") == 0) {
        e.index = static_cast<size_t>(std::max<int32_t>(0, int_of(&doc)));
      } else if (std::strcmp(k, "code") == 0) {
        e.code = int_of(&doc);
      } else if (std::strcmp(k, "errmsg") == 0 && BSON_ITER_HOLDS_UTF8(&doc)) {
        msg = bson_iter_utf8(&doc, nullptr);
      } else if (std::strcmp(k, "errInfo") == 0 && BSON_ITER_HOLDS_DOCUMENT(&doc)) {
        uint32_t len = 0;
        const uint8_t* data = nullptr;
        bson_iter_document(&doc, &len, &data);
        bson_t sub;
        if (bson_init_static(&sub, data, len)) {
          char* j = bson_as_relaxed_extended_json(&sub, nullptr);
          if (j != nullptr) {
            info = j;
            bson_free(j);
          }
        }
      }
    }
    if (info.size() > 600) info = info.substr(0, 600) + "...";
    e.message = with_code(e.code, msg) + (info.empty() ? "" : " errInfo: " + info);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

const char* MongoFailure::code_name(int32_t code) {
  switch (code) {
    case 2:
      return "BadValue";
    case 6:
      return "HostUnreachable";
    case 7:
      return "HostNotFound";
    case 11:
      return "UserNotFound";
    case 13:
      return "Unauthorized";
    case 18:
      return "AuthenticationFailed";
    case 50:
      return "MaxTimeMSExpired";
    case 52:
      return "DollarPrefixedFieldName";
    case 64:
      return "WriteConcernFailed";
    case 66:
      return "ImmutableField";
    case 89:
      return "NetworkTimeout";
    case 91:
      return "ShutdownInProgress";
    case 112:
      return "WriteConflict";
    case 121:
      return "DocumentValidationFailure";
    case 189:
      return "PrimarySteppedDown";
    case 262:
      return "ExceededTimeLimit";
    case 9001:
      return "SocketException";
    case 10107:
      return "NotWritablePrimary";
    case 10334:
      return "BSONObjectTooLarge";
    case 11000:
      return "DuplicateKey";
    case 11600:
      return "InterruptedAtShutdown";
    case 11602:
      return "InterruptedDueToReplStateChange";
    case 13435:
      return "NotPrimaryNoSecondaryOk";
    case 13436:
      return "NotPrimaryOrSecondary";
    default:
      return "";
  }
}

bool MongoFailure::transient_code(int32_t code) {
  switch (code) {
    case 6:
    case 7:
    case 50:
    case 64:
    case 89:
    case 91:
    case 112:
    case 117:
    case 133:
    case 134:
    case 189:
    case 262:
    case 9001:
    case 10058:
    case 10107:
    case 11600:
    case 11602:
    case 13435:
    case 13436:
      return true;
    default:
      return false;
  }
}

bool MongoFailure::document_code(int32_t code) {
  switch (code) {
    case 2:
    case 9:
    case 14:
    case 15:
    case 17:
    case 22:
    case 28:
    case 52:
    case 55:
    case 56:
    case 57:
    case 66:
    case 121:
    case 10334:
    case 11000:
    case 16733:
    case 17419:
    case 17420:
      return true;
    default:
      return false;
  }
}

std::string MongoFailure::describe() const { return message; }

MongoFailure MongoFailure::classify(const bson_error_t& err, const bson_t* reply) {
  MongoFailure f;
  f.domain = err.domain;
  f.code = static_cast<int32_t>(err.code);
  std::string text = one_line(err.message);
  bool have_reply = reply != nullptr && !bson_empty(reply);
  if (have_reply &&
      (has_label(reply, "RetryableWriteError") || has_label(reply, "TransientTransactionError") ||
       has_label(reply, "NetworkError"))) {
    f.kind = Kind::Transient;
    f.message = "retryable (labelled RetryableWriteError): " + text;
    return f;
  }
  if (have_reply) {
    std::vector<DocError> wc = read_errors(reply, "writeConcernErrors");
    if (!wc.empty()) {
      f.kind = Kind::Transient;
      f.code = wc.front().code;
      f.message = "write concern error: " + wc.front().message;
      return f;
    }
    f.doc_errors = read_errors(reply, "writeErrors");
    if (!f.doc_errors.empty()) {
      for (const auto& d : f.doc_errors) {
        if (transient_code(d.code)) {
          f.kind = Kind::Transient;
          f.code = d.code;
          f.message = d.message;
          f.doc_errors.clear();
          return f;
        }
      }
      f.kind = Kind::Documents;
      f.code = f.doc_errors.front().code;
      f.message = std::to_string(f.doc_errors.size()) +
                  " document(s) rejected; first: " + f.doc_errors.front().message;
      return f;
    }
  }
  switch (err.domain) {
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_SERVER_SELECTION:
    case MONGOC_ERROR_PROTOCOL:
      f.kind = Kind::Transient;
      f.message = text;
      return f;
    case MONGOC_ERROR_CLIENT:
      f.kind = err.code == MONGOC_ERROR_CLIENT_AUTHENTICATE ? Kind::Fatal
               : err.code == MONGOC_ERROR_CLIENT_TOO_BIG    ? Kind::Batch
                                                            : Kind::Transient;
      f.message = text;
      return f;
    case MONGOC_ERROR_BSON:
    case MONGOC_ERROR_COMMAND:
      // Client-side checks of the command (e.g. a document beyond maxBsonObjectSize).
      f.kind = err.code == MONGOC_ERROR_COMMAND_INVALID_ARG || err.domain == MONGOC_ERROR_BSON
                   ? Kind::Batch
                   : Kind::Fatal;
      f.message = text;
      return f;
    default:
      break;
  }
  // Server errors (MONGOC_ERROR_SERVER, MONGOC_ERROR_WRITE_CONCERN, legacy domains).
  f.message = f.code != 0 ? with_code(f.code, text) : text;
  if (transient_code(f.code) || err.domain == MONGOC_ERROR_WRITE_CONCERN ||
      text.find("No suitable servers found") != std::string::npos ||
      text.find("not master") != std::string::npos ||
      text.find("not primary") != std::string::npos) {
    f.kind = Kind::Transient;
  } else if (document_code(f.code)) {
    f.kind = Kind::Batch;
  } else {
    f.kind = Kind::Fatal;
  }
  return f;
}

}  // namespace sluice::operators::mongodb
