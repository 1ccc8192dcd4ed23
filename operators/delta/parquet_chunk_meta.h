// What the footer says about the column chunks and row groups written: filled by
// ParquetColumnWriter and ParquetWriter, encoded by ParquetFooter.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sluice::operators::delta {

struct ParquetChunkMeta {
  int64_t num_values = 0;               // levels: values and nulls
  int64_t total_uncompressed_size = 0;  // page headers included
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;  // where the chunk's first page starts in the file
  int64_t null_count = 0;
  bool has_min_max = false;
  std::string min, max;  // PLAIN encoded (Statistics min_value / max_value)
};

struct ParquetRowGroupMeta {
  std::vector<ParquetChunkMeta> columns;
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t total_compressed_size = 0;

  // A column's finished chunk, whose first page is at `offset` in the file: joins the group
  // and its sizes.
  void add_chunk(ParquetChunkMeta chunk, int64_t offset) {
    chunk.data_page_offset = offset;
    total_byte_size += chunk.total_uncompressed_size;
    total_compressed_size += chunk.total_compressed_size;
    columns.push_back(std::move(chunk));
  }
};

}  // namespace sluice::operators::delta
