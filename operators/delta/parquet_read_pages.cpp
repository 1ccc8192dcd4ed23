#include "operators/delta/parquet_read_pages.h"

#include <string>

#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

void ParquetReadPages::start(std::string_view chunk, const ParquetReadChunk& meta) {
  codec_ = meta.codec;
  chunk_ = chunk;
  pos_ = 0;
  values_left_ = meta.num_values;
}

ParquetReadPages::Page ParquetReadPages::next(bool levels) {
  if (pos_ >= chunk_.size()) throw ParquetReadError("the chunk ends before its last value");
  Page p;
  p.header = ParquetReadPageHeader::parse(chunk_.substr(pos_), levels);
  const ParquetReadPageHeader& h = p.header;
  pos_ += h.header_size;
  if (static_cast<size_t>(h.compressed_size) > bytes_left()) {
    throw ParquetReadError("a page of " + std::to_string(h.compressed_size) +
                           " bytes where the chunk has " + std::to_string(bytes_left()));
  }
  if (h.num_values > values_left_) {
    throw ParquetReadError("a page of " + std::to_string(h.num_values) +
                           " values where the chunk has " + std::to_string(values_left_) + " more");
  }
  p.body = plain(chunk_.substr(pos_, static_cast<size_t>(h.compressed_size)), h.uncompressed_size);
  pos_ += static_cast<size_t>(h.compressed_size);
  values_left_ -= h.num_values;
  return p;
}

std::string_view ParquetReadPages::plain(std::string_view stored, int32_t uncompressed) {
  auto size = static_cast<size_t>(uncompressed);
  if (codec_ == parquet::Codec::UNCOMPRESSED) {
    if (stored.size() != size) {
      throw ParquetReadError("an uncompressed page of " + std::to_string(stored.size()) +
                             " bytes says " + std::to_string(size));
    }
    return stored;
  }
  zstd_->check(stored, size);
  if (size > capacity_) {
    buffer_ = std::make_unique_for_overwrite<char[]>(size);
    capacity_ = size;
  }
  zstd_->decompress(stored, buffer_.get(), size);
  return {buffer_.get(), size};
}

}  // namespace sluice::operators::delta
