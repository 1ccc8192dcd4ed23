// Classifies a failed bulk write (libmongoc's bson_error_t and the server's reply document)
// into the sink's answers (docs/mongodb.md "Errors"):
//   Transient  retry the whole call: network/stream errors, "No suitable servers found"
//              (server selection), NotWritablePrimary (10107) and the other not-primary /
//              shutdown / interrupted codes, any error labelled RetryableWriteError, write
//              concern errors (the writes may not be durable yet; upserts are idempotent).
//   Documents  the server rejected single documents (writeErrors with an index: validation
//              121, duplicate key 11000, ...): those go to the dead-letter sink, the rest of
//              the unordered bulk is applied.
//   Batch      the command as a whole was refused for its content (too large, bad value,
//              a client-side check): split the batch to isolate the bad documents.
//   Fatal      authentication/authorization and anything unexpected: the stage stops.
#pragma once
#include <bson/bson.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::operators::mongodb {

struct DocError {
  size_t index = 0;  // index of the op in the bulk write
  int32_t code = 0;
  std::string message;  // "code 121 (DocumentValidationFailure): Document failed validation ..."
};

struct MongoFailure {
  enum class Kind : uint8_t { Transient, Documents, Batch, Fatal };
  Kind kind = Kind::Fatal;
  int32_t code = 0;     // the deciding code (server code or libmongoc code)
  uint32_t domain = 0;  // libmongoc error domain (0 = from the reply only)
  std::string message;  // one line, no connection string
  std::vector<DocError> doc_errors;

  std::string describe() const;
  // `reply` may be null or empty.
  static MongoFailure classify(const bson_error_t& err, const bson_t* reply);
  // Server codes that mean "try again" (not primary, shutting down, network, timeouts).
  static bool transient_code(int32_t code);
  // Server codes that mean "this document/command content is bad".
  static bool document_code(int32_t code);
  static const char* code_name(int32_t code);
};

}  // namespace sluice::operators::mongodb
