#include "operators/delta/parquet_compressor.h"

#include <zstd.h>

#include <stdexcept>
#include <string>

namespace sluice::operators::delta {

ParquetCompressor::ParquetCompressor(bool zstd, int level) : zstd_(zstd), level_(level) {}

ParquetCompressor::~ParquetCompressor() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(context_)); }

std::string_view ParquetCompressor::compress(std::string_view page) {
  if (!zstd_) return page;
  if (context_ == nullptr) {
    context_ = ZSTD_createCCtx();
    if (context_ == nullptr) throw std::runtime_error("zstd: cannot create a context");
  }
  size_t bound = ZSTD_compressBound(page.size());
  if (bound > capacity_) {
    buffer_ = std::make_unique_for_overwrite<char[]>(bound);
    capacity_ = bound;
  }
  size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(context_), buffer_.get(), capacity_,
                               page.data(), page.size(), level_);
  if (ZSTD_isError(n) != 0) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  return {buffer_.get(), n};
}

}  // namespace sluice::operators::delta
