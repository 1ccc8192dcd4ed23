#include "operators/mongodb/bson_doc.h"

namespace sluice::operators::mongodb {

BsonDoc BsonDoc::from_json(const std::string& json) {
  bson_error_t err;
  bson_t* b = bson_new_from_json(reinterpret_cast<const uint8_t*>(json.data()),
                                 static_cast<ssize_t>(json.size()), &err);
  return BsonDoc(b);
}

std::string BsonDoc::canonical_json() const {
  if (doc_ == nullptr) return "{ }";
  size_t len = 0;
  char* s = bson_as_canonical_extended_json(doc_, &len);
  if (s == nullptr) return "{ }";
  std::string out(s, len);
  bson_free(s);
  return out;
}

}  // namespace sluice::operators::mongodb
