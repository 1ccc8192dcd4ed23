// What ParquetReadFooter finds in a file's footer (FileMetaData) and ParquetReader reads the
// file by: the columns, and per row group where each column chunk lies and how it is stored.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_format.h"

namespace sluice::operators::delta {

// A column chunk (ColumnChunk and its ColumnMetaData), checked against its column.
struct ParquetReadChunk {
  parquet::Codec codec = parquet::Codec::UNCOMPRESSED;
  int64_t num_values = 0;  // levels: values and nulls
  int64_t offset = 0;      // data_page_offset: where the chunk's first page starts in the file
  int64_t size = 0;        // total_compressed_size: page headers and pages
};

struct ParquetReadRowGroup {
  int64_t num_rows = 0;
  std::vector<ParquetReadChunk> columns;  // one per column, in the schema's order
};

struct ParquetReadMeta {
  std::vector<ColumnSchema> columns;
  int64_t num_rows = 0;
  std::vector<ParquetReadRowGroup> row_groups;
};

}  // namespace sluice::operators::delta
