// Decompresses the zstd pages of a Parquet file (libzstd, one reused context): each page must be
// exactly one zstd frame that declares the page's uncompressed size, checked before anything
// is allocated or written. Throws ParquetReadError.
#pragma once
#include <cstddef>
#include <string_view>

namespace sluice::operators::delta {

class ParquetReadDecompressor {
 public:
  ParquetReadDecompressor() = default;
  ~ParquetReadDecompressor();
  ParquetReadDecompressor(const ParquetReadDecompressor&) = delete;
  ParquetReadDecompressor& operator=(const ParquetReadDecompressor&) = delete;

  // Checks that page is one frame of `size` bytes once decompressed (before out is touched),
  // then decompresses it into out[0, size).
  void check(std::string_view page, size_t size) const;
  void decompress(std::string_view page, char* out, size_t size);

 private:
  void* context_ = nullptr;  // ZSTD_DCtx
};

}  // namespace sluice::operators::delta
