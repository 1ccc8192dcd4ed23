// The footer of a nested Parquet file (ParquetNestedWriter): FileMetaData (version 1) in
// Thrift's compact protocol, with the schema tree depth first (groups with their number of
// children, MAP and LIST groups annotated with their converted and logical types, STRING
// leaves), the row groups and their column chunks (path_in_schema: the leaf's whole path).
#pragma once
#include <string>
#include <vector>

#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_row_group_writer.h"
#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

class ParquetNestedFooter {
 public:
  ParquetNestedFooter(const ParquetNestedSchema& schema, parquet::Codec codec);
  // The FileMetaData's bytes. Throws what Thrift throws.
  std::string encode(int64_t num_rows, const std::vector<ParquetRowGroupMeta>& row_groups);

 private:
  static size_t count_nodes(const ParquetNestedNode& n);
  void element(const ParquetNestedNode& n, bool root);
  void group_annotation(const ParquetNestedNode& n);

  const ParquetNestedSchema& schema_;
  parquet::Codec codec_;
  std::vector<ParquetChunkColumn> chunk_columns_;
  ParquetThrift out_;
};

}  // namespace sluice::operators::delta
