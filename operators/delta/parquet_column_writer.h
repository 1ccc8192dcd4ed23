// One column of the open row group: encodes its values (PLAIN) and definition levels into
// data pages (v1) in reused buffers, cuts a page at about page_bytes, compresses it and keeps
// the column chunk (page headers and pages) until the row group is written; gathers the
// statistics of the row group and of the file. Throws on a zstd or Thrift failure.
#pragma once
#include <cstdint>
#include <string>

#include "operators/delta/parquet_cell.h"
#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_compressor.h"
#include "operators/delta/parquet_levels.h"
#include "operators/delta/parquet_plain_values.h"
#include "operators/delta/parquet_stats.h"
#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

// The column chunk being written of one column (flat or nested): data pages (v1), each its
// header and its body (levels then PLAIN values) compressed, in a reused buffer, and the
// chunk's metadata so far.
class ParquetPageChunk {
 public:
  ParquetPageChunk(ParquetCompressor* compressor, ParquetThrift* thrift)
      : compressor_(compressor), thrift_(thrift) {}

  // The next page's body, empty: its levels and values are appended, then add_page().
  std::string& body() {
    body_.clear();
    return body_;
  }
  // Compresses body() and appends it, after its header, as a page of `values` levels.
  void add_page(int64_t values);
  const std::string& chunk() const { return chunk_; }
  const ParquetChunkMeta& meta() const { return meta_; }
  size_t size() const { return chunk_.size(); }
  void clear();  // after the chunk is written: a new row group starts

 private:
  void page_header(size_t uncompressed, size_t compressed, int64_t values);

  ParquetCompressor* compressor_;
  ParquetThrift* thrift_;
  std::string body_;  // levels then values: the page before compression
  std::string chunk_;
  ParquetChunkMeta meta_;
};

class ParquetColumnWriter {
 public:
  ParquetColumnWriter(const ColumnSchema& column, int64_t page_bytes, ParquetCompressor* compressor,
                      ParquetThrift* thrift);

  void push(const ParquetCell& cell);
  // The chunk's bytes so far plus the open page's.
  int64_t estimated_bytes() const;
  // Cuts the last page; the chunk's metadata (data_page_offset left 0) and chunk() are then
  // complete. The row group's statistics join the file's.
  ParquetChunkMeta finish_chunk();
  const std::string& chunk() const { return pages_.chunk(); }
  void clear_chunk();  // after the chunk is written: a new row group starts
  void reset();        // a new file starts
  // Over the file so far, the open row group included.
  ColumnStats column_stats() const;

 private:
  enum class Encoder : uint8_t { Bool, Int32, Int64, Double, ByteArray, Dec32, Dec64, DecFixed };
  static Encoder encoder_of(const ColumnSchema& c);
  void encode_value(const ParquetCell& cell);
  void cut_page();

  bool nullable_;
  Encoder encoder_;
  int fixed_bytes_;
  int64_t page_bytes_;
  // The open page.
  ParquetLevels levels_;
  ParquetPlainValues values_;
  int64_t page_values_ = 0;  // levels: values and nulls
  ParquetPageChunk pages_;   // the open row group's chunk
  ParquetStats chunk_stats_;
  ParquetStats file_stats_;
};

}  // namespace sluice::operators::delta
