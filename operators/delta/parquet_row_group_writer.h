// What the flat and the nested writers (and their footers) write alike: each RowGroup with its
// ColumnChunks, the created_by line, and the footer's length and magic that end a file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

inline constexpr const char* kParquetCreatedBy = "sluice version 0.2.0";

// A leaf column as its ColumnChunks describe it.
struct ParquetChunkColumn {
  int32_t physical = 0;           // parquet::PhysicalType
  std::vector<std::string> path;  // path_in_schema: the names from the root's child down
  bool statistics = false;        // with Statistics: null_count, min/max where known
};

// parquet.thrift's RowGroup: a ColumnChunk of each of `columns` (PLAIN and RLE encodings,
// compressed by `codec`) from rg.columns, then the group's sizes and row count.
void parquet_write_row_group(ParquetThrift& out, const ParquetRowGroupMeta& rg,
                             const std::vector<ParquetChunkColumn>& columns, parquet::Codec codec);

// Appends to a footer (FileMetaData's bytes) its length, little-endian, and the magic "PAR1":
// what ends a Parquet file.
void parquet_end_footer(std::string& footer);

}  // namespace sluice::operators::delta
