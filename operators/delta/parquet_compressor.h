// Compresses the pages of a Parquet file with zstd (libzstd), one reused context and output
// buffer, or leaves them uncompressed. Throws std::runtime_error when zstd fails.
#pragma once
#include <cstddef>
#include <memory>
#include <string_view>

#include "operators/delta/parquet_format.h"

namespace sluice::operators::delta {

class ParquetCompressor {
 public:
  ParquetCompressor(bool zstd, int level);
  ~ParquetCompressor();
  ParquetCompressor(const ParquetCompressor&) = delete;
  ParquetCompressor& operator=(const ParquetCompressor&) = delete;

  parquet::Codec codec() const {
    return zstd_ ? parquet::Codec::ZSTD : parquet::Codec::UNCOMPRESSED;
  }
  // The page as stored: in itself when uncompressed, else compressed into a buffer that stays
  // valid until the next call.
  std::string_view compress(std::string_view page);

 private:
  bool zstd_;
  int level_;
  void* context_ = nullptr;  // ZSTD_CCtx
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
};

}  // namespace sluice::operators::delta
