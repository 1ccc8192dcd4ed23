// Compiled schemas keyed by their exact JSON text. Messages of one table repeat the same
// schema text, so a lookup is a length check and a memcmp; the text is parsed and compiled
// only the first time. Holds at most `capacity` schemas (least recently used evicted).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "operators/debezium/field_schema.h"

namespace sluice::operators::debezium {

class SchemaCache {
 public:
  explicit SchemaCache(size_t capacity = 256) : capacity_(capacity) {}
  // The compiled schema for this text; nullptr with an error when it does not compile.
  result<std::shared_ptr<const FieldSchema>> get(std::string_view text);
  // When `text` starts with the exact text of a cached schema, returns it and sets `len` to
  // that text's length (a JSON value is self-delimiting, so the schema value ends there);
  // nullptr otherwise. Lets the decoder skip scanning the schema.
  std::shared_ptr<const FieldSchema> match_prefix(std::string_view text, size_t& len);
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string text;
    std::shared_ptr<const FieldSchema> schema;
  };
  size_t capacity_;
  std::vector<Entry> entries_;  // most recently used first
};

}  // namespace sluice::operators::debezium
