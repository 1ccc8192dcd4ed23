// Recorded change-stream documents and collections for the MongoDB source tests: documents
// built with libbson in exactly the shapes MongoDB documents for change events, and readers
// that replay them (FixtureStream, FixtureCollections) in place of libmongoc.
#pragma once
#include <bson/bson.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "operators/mongodb/change_stream_reader.h"
#include "operators/mongodb/collection_reader.h"
#include "operators/mongodb/errc.h"

namespace mongodb_source_test {

using namespace sluice;
using namespace sluice::operators::mongodb;

// The resume token after the first n changes of a recording: {_data: "T0000000n"}.
inline std::string token_data(size_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%08zu", n);
  return buf;
}

inline BsonDoc token_doc(size_t n) {
  return BsonDoc(BCON_NEW("_data", BCON_UTF8(token_data(n).c_str())));
}

// n from a token_doc (-1 when it is none).
inline long token_number(const BsonDoc& token) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, token.get(), "_data") || !BSON_ITER_HOLDS_UTF8(&it)) return -1;
  const char* s = bson_iter_utf8(&it, nullptr);
  return s[0] == 'T' ? std::strtol(s + 1, nullptr, 10) : -1;
}

// The header every change event has (_id, operationType, clusterTime, wallTime, ns) followed
// by `body`'s fields. seq: the change's number in its recording (1 = the first); its token
// is token_data(seq), its clusterTime 1700000000 + seq, its wallTime that second + 123 ms.
inline BsonDoc change_doc(size_t seq, const char* op, const char* db, const char* coll,
                          const bson_t* body = nullptr) {
  const auto t = static_cast<uint32_t>(1700000000 + seq);
  BsonDoc d(BCON_NEW("_id", "{", "_data", BCON_UTF8(token_data(seq).c_str()), "}", "operationType",
                     BCON_UTF8(op), "clusterTime", BCON_TIMESTAMP(t, 1), "wallTime",
                     BCON_DATE_TIME(static_cast<int64_t>(t) * 1000 + 123)));
  if (db != nullptr) {
    bson_t ns;
    BSON_APPEND_DOCUMENT_BEGIN(d.get(), "ns", &ns);
    BSON_APPEND_UTF8(&ns, "db", db);
    if (coll != nullptr) BSON_APPEND_UTF8(&ns, "coll", coll);
    bson_append_document_end(d.get(), &ns);
  }
  if (body != nullptr) bson_concat(d.get(), body);
  return d;
}

// What the fixture readers replay and record.
struct Recording {
  std::vector<BsonDoc> changes;                             // in stream order: seq 1, 2, ...
  std::map<std::string, std::vector<BsonDoc>> collections;  // "db.coll" -> documents, _id order
  std::map<size_t, error> stream_errors;  // next() fails once before delivering change index k
  std::map<size_t, error> scan_errors;    // the scan fails once before its k-th document (0-based)
  std::vector<StreamStart> watched;       // every watch() start
  std::vector<std::string> scans;         // every scan(): "db.coll after JSON"
  int watch_failures = 0;                 // the next watch() calls fail (transient)
  long now = -1;  // where watch(Now) starts: after this many changes (-1: after all of them)

  void add_change(const char* op, const char* db, const char* coll, const bson_t* body) {
    changes.push_back(change_doc(changes.size() + 1, op, db, coll, body));
  }
};

class FixtureStream : public ChangeStreamReader {
 public:
  explicit FixtureStream(std::shared_ptr<Recording> r) : r_(std::move(r)) {}
  result<void> watch(const StreamStart& start) override {
    r_->watched.push_back(start);
    if (r_->watch_failures > 0) {
      --r_->watch_failures;
      return error::transient(errc::unreachable, "fixture: No suitable servers found");
    }
    if (start.kind == StreamStart::Kind::Now) {
      pos_ = r_->now >= 0 ? static_cast<size_t>(r_->now) : r_->changes.size();
    } else if (start.kind == StreamStart::Kind::ResumeAfter) {
      long n = token_number(start.token);
      if (n < 0 || static_cast<size_t>(n) > r_->changes.size()) {
        return error::permanent(errc::history_lost, "fixture: unknown resume token");
      }
      pos_ = static_cast<size_t>(n);
    } else {
      return error::permanent(errc::read_failed, "fixture: operation times are not recorded");
    }
    open_ = true;
    return {};
  }
  result<bool> next(BsonDoc& doc) override {
    if (!open_) return error::transient(errc::read_failed, "fixture: stream not open");
    auto e = r_->stream_errors.find(pos_);
    if (e != r_->stream_errors.end()) {
      error err = e->second;
      r_->stream_errors.erase(e);
      open_ = false;
      return err;
    }
    if (pos_ >= r_->changes.size()) return false;
    doc = r_->changes[pos_++];
    return true;
  }
  StreamStart position() const override { return StreamStart::after(token_doc(pos_)); }
  void close() override { open_ = false; }

 private:
  std::shared_ptr<Recording> r_;
  size_t pos_ = 0;
  bool open_ = false;
};

class FixtureCollections : public CollectionReader {
 public:
  explicit FixtureCollections(std::shared_ptr<Recording> r) : r_(std::move(r)) {}
  result<std::vector<CollectionName>> collections(const StreamScope& scope) override {
    std::vector<CollectionName> out;
    if (!scope.collections.empty()) {
      for (const auto& c : scope.collections) out.push_back({scope.database, c});
      return out;
    }
    for (const auto& [name, docs] : r_->collections) {
      const size_t dot = name.find('.');
      CollectionName c{name.substr(0, dot), name.substr(dot + 1)};
      if (scope.database.empty() || c.db == scope.database) out.push_back(c);
    }
    return out;
  }
  int64_t estimated_count(const CollectionName& c) override {
    return static_cast<int64_t>(r_->collections[c.text()].size());
  }
  result<void> scan(const CollectionName& c, const BsonDoc& after) override {
    r_->scans.push_back(c.text() + " after " + (after.empty() ? "-" : after.canonical_json()));
    name_ = c.text();
    idx_ = 0;
    if (!after.empty()) {
      const auto& docs = r_->collections[name_];
      bool found = false;
      for (size_t i = 0; i < docs.size() && !found; ++i) {
        if (id_json(docs[i]) == after.canonical_json()) {
          idx_ = i + 1;
          found = true;
        }
      }
      if (!found)
        return error::permanent(errc::read_failed,
                                "fixture: no document " + after.canonical_json());
    }
    open_ = true;
    return {};
  }
  result<bool> next(BsonDoc& doc) override {
    if (!open_) return error::transient(errc::read_failed, "fixture: no scan open");
    auto e = r_->scan_errors.find(delivered_);
    if (e != r_->scan_errors.end()) {
      error err = e->second;
      r_->scan_errors.erase(e);
      open_ = false;
      return err;
    }
    const auto& docs = r_->collections[name_];
    if (idx_ >= docs.size()) {
      open_ = false;
      return false;
    }
    doc = docs[idx_++];
    ++delivered_;
    return true;
  }
  void close() override { open_ = false; }
  result<std::vector<BsonDoc>> read_ids(const CollectionName& c,
                                        const std::vector<BsonDoc>& ids) override {
    r_->scans.push_back(c.text() + " by " + std::to_string(ids.size()) + " ids");
    open_ = false;
    std::vector<BsonDoc> out;
    for (const auto& d : r_->collections[c.text()]) {
      for (const auto& id : ids) {
        if (id_json(d) == id.canonical_json()) out.push_back(d);
      }
    }
    return out;
  }

  static std::string id_json(const BsonDoc& d) {
    BsonDoc id;
    bson_iter_t it;
    if (bson_iter_init_find(&it, d.get(), "_id")) bson_append_iter(id.get(), "_id", 3, &it);
    return id.canonical_json();
  }

 private:
  std::shared_ptr<Recording> r_;
  std::string name_;
  size_t idx_ = 0;
  size_t delivered_ = 0;  // documents returned by every scan (scan_errors counts these)
  bool open_ = false;
};

}  // namespace mongodb_source_test
