// An owning handle of one bson_t (libbson is C: this is its RAII wrapper), and its canonical
// extended JSON text (what the tests compare).
#pragma once
#include <bson/bson.h>

#include <string>

namespace sluice::operators::mongodb {

class BsonDoc {
 public:
  BsonDoc() : doc_(bson_new()) {}
  // Takes ownership of a bson_t allocated by libbson (bson_new, bson_copy, ...).
  explicit BsonDoc(bson_t* adopt) : doc_(adopt != nullptr ? adopt : bson_new()) {}
  BsonDoc(const BsonDoc& o) : doc_(bson_copy(o.doc_)) {}
  BsonDoc(BsonDoc&& o) noexcept : doc_(o.doc_) { o.doc_ = nullptr; }
  BsonDoc& operator=(BsonDoc o) noexcept {
    std::swap(doc_, o.doc_);
    return *this;
  }
  ~BsonDoc() {
    if (doc_ != nullptr) bson_destroy(doc_);
  }
  // Parses extended JSON (tests build server replies by hand); an empty doc on bad JSON.
  static BsonDoc from_json(const std::string& json);

  bson_t* get() { return doc_; }
  const bson_t* get() const { return doc_; }
  bool empty() const { return doc_ == nullptr || bson_empty(doc_); }
  // Canonical extended JSON: { "a" : { "$numberLong" : "1" } }.
  std::string canonical_json() const;

 private:
  bson_t* doc_;
};

}  // namespace sluice::operators::mongodb
