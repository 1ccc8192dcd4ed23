// The footer of a Parquet file: FileMetaData (version 1, as the spec asks of writers) in
// Thrift's compact protocol, with the schema (a root group and one required or optional leaf
// per column, with physical, logical and converted types), the row groups and their column
// chunks' metadata and statistics.
#pragma once
#include <string>
#include <vector>

#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_row_group_writer.h"
#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

class ParquetFooter {
 public:
  ParquetFooter(const std::vector<ColumnSchema>& columns, parquet::Codec codec);
  // The FileMetaData's bytes. Throws what Thrift throws.
  std::string encode(int64_t num_rows, const std::vector<ParquetRowGroupMeta>& row_groups);

 private:
  void schema();
  void schema_element(const ColumnSchema& c);
  void logical_type(const ColumnSchema& c);
  void column_orders();

  const std::vector<ColumnSchema>& columns_;
  parquet::Codec codec_;
  std::vector<ParquetChunkColumn> chunk_columns_;
  ParquetThrift out_;
};

}  // namespace sluice::operators::delta
