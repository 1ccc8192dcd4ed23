// The change stream as the MongoDB source sees it: opened at a point, read one change document
// at a time without blocking, and the point to reopen it at to continue after what was read.
// MongocChangeStream reads a server (libmongoc); the tests replay recorded documents.
#pragma once
#include <cstdint>

#include "base/result.h"
#include "operators/mongodb/bson_doc.h"

namespace sluice::operators::mongodb {

// Where a change stream starts.
struct StreamStart {
  enum class Kind : uint8_t {
    Now,              // the present (a fresh start)
    ResumeAfter,      // after the change (or post-batch point) whose resume token is `token`
    AtOperationTime,  // at the server's operationTime t.i (servers that give no token)
  };
  Kind kind = Kind::Now;
  BsonDoc token;          // ResumeAfter
  uint32_t t = 0, i = 0;  // AtOperationTime

  static StreamStart after(BsonDoc token) {
    StreamStart s;
    s.kind = Kind::ResumeAfter;
    s.token = std::move(token);
    return s;
  }
  static StreamStart at(uint32_t t, uint32_t i) {
    StreamStart s;
    s.kind = Kind::AtOperationTime;
    s.t = t;
    s.i = i;
    return s;
  }
};

class ChangeStreamReader {
 public:
  virtual ~ChangeStreamReader() = default;
  // Opens (or reopens) the stream at `start`. A fresh stream's position() is then the point
  // it was opened at (its post-batch resume token, or the server's operationTime).
  // Errors: transient (network, no primary), else permanent or fatal (source_failure.h).
  virtual result<void> watch(const StreamStart& start) = 0;
  // The next change document: true and `doc` set; false when none is waiting now (never
  // blocks for long). An error ends the stream: watch() again to continue.
  virtual result<bool> next(BsonDoc& doc) = 0;
  // Where to reopen to continue after every document next() returned (the resume token of the
  // last one, or a later post-batch token while nothing matched).
  virtual StreamStart position() const = 0;
  virtual void close() = 0;
};

}  // namespace sluice::operators::mongodb
