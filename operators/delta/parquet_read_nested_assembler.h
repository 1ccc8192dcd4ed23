// Assembles the records of a nested Parquet file from its leaf columns' triples (Dremel's
// record assembly; the counterpart of ParquetNestedShredder): a group becomes an Object of all
// its fields, a MAP group an Object of its entries (the keys as text), a LIST group a List, a
// leaf its Value; a null or absent node a Null. Inconsistent levels throw ParquetReadError.
#pragma once
#include <vector>

#include "base/value.h"
#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_read_nested_column.h"

namespace sluice::operators::delta {

class ParquetReadNestedAssembler {
 public:
  ParquetReadNestedAssembler(const ParquetNestedSchema& schema,
                             std::vector<ParquetReadNestedColumn>& columns)
      : schema_(schema), columns_(columns) {}

  // The next record: the root's fields, in order.
  void record(Object& out);

 private:
  void node(const ParquetNestedNode& n, Value& out);
  void map(const ParquetNestedNode& n, Value& out);
  void list(const ParquetNestedNode& n, Value& out);
  // Takes one triple of each leaf below n (a null or empty n), checking they say so.
  void skip(const ParquetNestedNode& n, int below_def);
  ParquetReadNestedColumn& first(const ParquetNestedNode& n);
  // Whether the next entry of the repeated group r continues the same map or list.
  bool continues(const ParquetNestedNode& r);

  const ParquetNestedSchema& schema_;
  std::vector<ParquetReadNestedColumn>& columns_;
  Value scratch_;
};

}  // namespace sluice::operators::delta
