#include "operators/delta/parquet_read_decompressor.h"

#include <zstd.h>

#include <string>

#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

namespace {

constexpr size_t kParquetReadMaxRatio = 65536;

}  // namespace

ParquetReadDecompressor::~ParquetReadDecompressor() {
  ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(context_));
}

void ParquetReadDecompressor::check(std::string_view page, size_t size) const {
  // A zstd block holds at most 128 KiB and takes at least 4 bytes (an RLE block): no page
  // expands more than 32768 times. Twice that is refused before anything is allocated.
  if (size / kParquetReadMaxRatio > page.size()) {
    throw ParquetReadError("a zstd page of " + std::to_string(page.size()) + " bytes cannot hold " +
                           std::to_string(size));
  }
  unsigned long long declared = ZSTD_getFrameContentSize(page.data(), page.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) throw ParquetReadError("a page is not zstd data");
  if (declared != size) {
    throw ParquetReadError(
        "a zstd page of " + std::to_string(size) + " bytes whose frame declares " +
        (declared == ZSTD_CONTENTSIZE_UNKNOWN ? std::string("no size") : std::to_string(declared)));
  }
  size_t frame = ZSTD_findFrameCompressedSize(page.data(), page.size());
  if (ZSTD_isError(frame) != 0 || frame != page.size()) {
    throw ParquetReadError("a zstd page that is not one whole frame");
  }
}

void ParquetReadDecompressor::decompress(std::string_view page, char* out, size_t size) {
  check(page, size);
  if (context_ == nullptr) {
    context_ = ZSTD_createDCtx();
    if (context_ == nullptr) throw ParquetReadError("zstd: cannot create a context");
  }
  size_t n =
      ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(context_), out, size, page.data(), page.size());
  if (ZSTD_isError(n) != 0) throw ParquetReadError(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != size) {
    throw ParquetReadError("a zstd page of " + std::to_string(n) + " bytes instead of " +
                           std::to_string(size));
  }
}

}  // namespace sluice::operators::delta
