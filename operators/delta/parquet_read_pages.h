// The pages of one column chunk, one after another, for both column readers (flat and nested):
// each page's header is checked against what is left of the chunk (bytes and values), and its
// body is made plain (uncompressed, or zstd into a reused buffer). Throws ParquetReadError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_decompressor.h"
#include "operators/delta/parquet_read_meta.h"
#include "operators/delta/parquet_read_page_header.h"

namespace sluice::operators::delta {

class ParquetReadPages {
 public:
  struct Page {
    ParquetReadPageHeader header;
    std::string_view body;  // plain; valid until the next page
  };

  explicit ParquetReadPages(ParquetReadDecompressor* zstd) : zstd_(zstd) {}

  // A row group's chunk of the column: its bytes (a view into the file, valid while the chunk is
  // read) as the footer describes them.
  void start(std::string_view chunk, const ParquetReadChunk& meta);
  // The next page; `levels`: the column has definition levels. Throws when the chunk ends
  // before it, or when the page does not fit what is left of the chunk.
  Page next(bool levels);
  int64_t values_left() const { return values_left_; }  // in pages not yet read
  size_t bytes_left() const { return chunk_.size() - pos_; }

 private:
  std::string_view plain(std::string_view stored, int32_t uncompressed);

  ParquetReadDecompressor* zstd_;
  parquet::Codec codec_ = parquet::Codec::UNCOMPRESSED;
  std::string_view chunk_;
  size_t pos_ = 0;  // the next page's header in chunk_
  int64_t values_left_ = 0;
  std::unique_ptr<char[]> buffer_;  // the open page decompressed
  size_t capacity_ = 0;
};

}  // namespace sluice::operators::delta
