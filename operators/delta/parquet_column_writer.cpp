#include "operators/delta/parquet_column_writer.h"

#include "operators/delta/parquet_format.h"

namespace sluice::operators::delta {

void ParquetPageChunk::add_page(int64_t values) {
  std::string_view stored = compressor_->compress(body_);
  page_header(body_.size(), stored.size(), values);
  const uint8_t* header = nullptr;
  uint32_t header_size = 0;
  thrift_->view(header, header_size);
  chunk_.append(reinterpret_cast<const char*>(header), header_size);
  chunk_.append(stored);
  meta_.num_values += values;
  meta_.total_uncompressed_size += static_cast<int64_t>(header_size + body_.size());
  meta_.total_compressed_size += static_cast<int64_t>(header_size + stored.size());
}

void ParquetPageChunk::page_header(size_t uncompressed, size_t compressed, int64_t values) {
  thrift_->reset();
  thrift_->struct_begin();
  thrift_->i32_field(1, static_cast<int32_t>(parquet::PageType::DATA_PAGE));
  thrift_->i32_field(2, static_cast<int32_t>(uncompressed));
  thrift_->i32_field(3, static_cast<int32_t>(compressed));
  thrift_->struct_field(5);  // DataPageHeader
  thrift_->struct_begin();
  thrift_->i32_field(1, static_cast<int32_t>(values));
  thrift_->i32_field(2, static_cast<int32_t>(parquet::Encoding::PLAIN));
  thrift_->i32_field(3, static_cast<int32_t>(parquet::Encoding::RLE));  // definition levels
  thrift_->i32_field(4, static_cast<int32_t>(parquet::Encoding::RLE));  // repetition levels
  thrift_->struct_end();
  thrift_->struct_end();
}

void ParquetPageChunk::clear() {
  chunk_.clear();
  meta_ = ParquetChunkMeta{};
}

ParquetColumnWriter::ParquetColumnWriter(const ColumnSchema& column, int64_t page_bytes,
                                         ParquetCompressor* compressor, ParquetThrift* thrift)
    : nullable_(column.nullable),
      encoder_(encoder_of(column)),
      fixed_bytes_(parquet::type_length(column)),
      page_bytes_(page_bytes),
      pages_(compressor, thrift),
      chunk_stats_(column),
      file_stats_(column) {}

ParquetColumnWriter::Encoder ParquetColumnWriter::encoder_of(const ColumnSchema& c) {
  switch (c.type) {
    case ColumnType::Bool:
      return Encoder::Bool;
    case ColumnType::Int32:
    case ColumnType::Date:
      return Encoder::Int32;
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      return Encoder::Int64;
    case ColumnType::Double:
      return Encoder::Double;
    case ColumnType::Decimal:
      if (c.precision <= 9) return Encoder::Dec32;
      if (c.precision <= 18) return Encoder::Dec64;
      return Encoder::DecFixed;
    default:
      return Encoder::ByteArray;
  }
}

void ParquetColumnWriter::push(const ParquetCell& cell) {
  if (nullable_) levels_.push(!cell.null);
  ++page_values_;
  if (cell.null) {
    chunk_stats_.add_null();
    return;
  }
  encode_value(cell);
  chunk_stats_.add(cell);
  if (static_cast<int64_t>(values_.size() + levels_.size() / 8) >= page_bytes_) cut_page();
}

void ParquetColumnWriter::encode_value(const ParquetCell& cell) {
  switch (encoder_) {
    case Encoder::Bool:
      values_.add_bool(cell.i != 0);
      break;
    case Encoder::Int32:
      values_.add_i32(static_cast<int32_t>(cell.i));
      break;
    case Encoder::Int64:
      values_.add_i64(cell.i);
      break;
    case Encoder::Double:
      values_.add_double(cell.d);
      break;
    case Encoder::ByteArray:
      values_.add_bytes(cell.bytes);
      break;
    case Encoder::Dec32:
      values_.add_i32(static_cast<int32_t>(cell.unscaled));
      break;
    case Encoder::Dec64:
      values_.add_i64(static_cast<int64_t>(cell.unscaled));
      break;
    case Encoder::DecFixed:
      values_.add_fixed(cell.unscaled, fixed_bytes_);
      break;
  }
}

int64_t ParquetColumnWriter::estimated_bytes() const {
  return static_cast<int64_t>(pages_.size() + values_.size() + levels_.size() / 8);
}

void ParquetColumnWriter::cut_page() {
  if (page_values_ == 0) return;
  std::string& body = pages_.body();
  if (nullable_) levels_.encode(body);
  body.append(values_.bytes());
  pages_.add_page(page_values_);
  levels_.clear();
  values_.clear();
  page_values_ = 0;
}

ParquetChunkMeta ParquetColumnWriter::finish_chunk() {
  cut_page();
  ParquetChunkMeta m = pages_.meta();
  m.null_count = chunk_stats_.null_count();
  m.has_min_max = chunk_stats_.has_min_max();
  if (m.has_min_max) chunk_stats_.encode_min_max(m.min, m.max);
  file_stats_.merge(chunk_stats_);
  chunk_stats_.reset();
  return m;
}

void ParquetColumnWriter::clear_chunk() { pages_.clear(); }

void ParquetColumnWriter::reset() {
  levels_.clear();
  values_.clear();
  page_values_ = 0;
  clear_chunk();
  chunk_stats_.reset();
  file_stats_.reset();
}

ColumnStats ParquetColumnWriter::column_stats() const {
  ParquetStats all = file_stats_;
  all.merge(chunk_stats_);
  return all.to_column_stats();
}

}  // namespace sluice::operators::delta
