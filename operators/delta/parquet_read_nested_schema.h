// Reads the schema of a Parquet file's footer (FileMetaData.schema: SchemaElements depth first)
// as a tree (ParquetNestedSchema) for ParquetNestedReader: groups, MAP groups (one repeated
// group of a key and a value) and LIST groups in the 3-level form of the Parquet spec, leaves
// of any physical type. Other uses of `repeated` (2-level lists, bare repeated fields) and
// schemas deeper than 32 levels are refused (ParquetReadError).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_read_schema.h"
#include "operators/delta/parquet_read_thrift.h"

namespace sluice::operators::delta {

class ParquetReadNestedSchema {
 public:
  using TType = ParquetReadThrift::TType;
  // The schema field (a list of SchemaElement). Throws ParquetReadError.
  static ParquetNestedSchema read(ParquetReadThrift& in, TType type);

 private:
  using Element = ParquetReadSchema::Element;

  // The node of elements[at] and its descendants; `at` moves past them.
  static ParquetNestedNode build(const std::vector<Element>& elements, size_t& at, int depth);
  static ParquetNestedNode leaf(const Element& e);
  static void check_shape(const ParquetNestedNode& n);
};

}  // namespace sluice::operators::delta
