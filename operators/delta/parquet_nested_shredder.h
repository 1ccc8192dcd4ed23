// Splits one record of nested Values into the (repetition level, definition level, value)
// triples of each leaf column of a ParquetNestedSchema (Dremel's record shredding): a group
// is an Object (its fields found by name; a missing field is null), a MAP group an Object
// (its fields the entries, in order), a LIST group a List, a leaf a Value of its physical
// type (BOOLEAN: Bool, INT32 / INT64: Int, DOUBLE: Float, BYTE_ARRAY: String or Bytes).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_nested_schema.h"

namespace sluice::operators::delta {

struct ParquetNestedTriple {
  uint32_t leaf = 0;
  uint16_t rep = 0;
  uint16_t def = 0;
  const Value* value = nullptr;  // set when def is the leaf's maximum
};

class ParquetNestedShredder {
 public:
  explicit ParquetNestedShredder(const ParquetNestedSchema& schema) : schema_(schema) {}

  // The triples of one record (row[i]: the root's field i), in out (cleared first). They point
  // into row and into the shredder: valid until the next call. A value that does not fit its
  // node (a type, a null in a required field): errc type_mismatch, permanent, naming the field.
  result<void> shred(const std::vector<Value>& row, std::vector<ParquetNestedTriple>& out);

 private:
  void node(const ParquetNestedNode& n, const Value* v, int rep);
  void map_entries(const ParquetNestedNode& n, const Object& entries, int rep);
  void list_elements(const ParquetNestedNode& n, const List& elements, int rep);
  void leaf(const ParquetNestedNode& n, const Value& v, int rep);
  void nulls(const ParquetNestedNode& n, int rep, int def);
  [[noreturn]] void mismatch(const ParquetNestedNode& n, const std::string& what) const;

  const ParquetNestedSchema& schema_;
  std::vector<ParquetNestedTriple>* out_ = nullptr;
  std::deque<Value> keys_;  // the map keys of the record, as String Values
};

}  // namespace sluice::operators::delta
