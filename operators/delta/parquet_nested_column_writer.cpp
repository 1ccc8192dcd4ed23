#include "operators/delta/parquet_nested_column_writer.h"

#include "operators/delta/parquet_plain.h"

namespace sluice::operators::delta {

ParquetNestedColumnWriter::ParquetNestedColumnWriter(const ParquetNestedLeaf& leaf,
                                                     int64_t page_bytes,
                                                     ParquetCompressor* compressor,
                                                     ParquetThrift* thrift)
    : physical_(static_cast<parquet::PhysicalType>(leaf.physical)),
      max_def_(leaf.max_def),
      max_rep_(leaf.max_rep),
      page_bytes_(page_bytes),
      compressor_(compressor),
      thrift_(thrift),
      reps_(leaf.max_rep),
      defs_(leaf.max_def) {}

void ParquetNestedColumnWriter::push(int rep, int def, const Value* v) {
  // A page holds whole records: it is cut before a record's first triple.
  if (rep == 0 && page_values_ > 0 &&
      static_cast<int64_t>(values_.size() + page_values_ / 2) >= page_bytes_) {
    cut_page();
  }
  if (max_rep_ > 0) reps_.push(static_cast<uint16_t>(rep));
  if (max_def_ > 0) defs_.push(static_cast<uint16_t>(def));
  ++page_values_;
  if (def == max_def_ && v != nullptr) encode_value(*v);
}

void ParquetNestedColumnWriter::encode_value(const Value& v) {
  switch (physical_) {
    case parquet::PhysicalType::BOOLEAN:
      if (bools_ % 8 == 0) values_.push_back('\0');
      if (v.as_bool()) values_.back() = static_cast<char>(values_.back() | (1 << (bools_ % 8)));
      ++bools_;
      break;
    case parquet::PhysicalType::INT32:
      parquet::put_le32(static_cast<int32_t>(v.as_int()), values_);
      break;
    case parquet::PhysicalType::INT64:
      parquet::put_le64(v.as_int(), values_);
      break;
    case parquet::PhysicalType::DOUBLE:
      parquet::put_double(v.as_float(), values_);
      break;
    default:  // BYTE_ARRAY
      parquet::put_le32(static_cast<int32_t>(v.as_string().size()), values_);
      values_.append(v.as_string());
      break;
  }
}

int64_t ParquetNestedColumnWriter::estimated_bytes() const {
  return static_cast<int64_t>(chunk_.size() + values_.size()) + page_values_ / 2;
}

void ParquetNestedColumnWriter::cut_page() {
  if (page_values_ == 0) return;
  body_.clear();
  // Data page v1: repetition levels, definition levels, values.
  if (max_rep_ > 0) reps_.encode(body_);
  if (max_def_ > 0) defs_.encode(body_);
  body_.append(values_);
  std::string_view stored = compressor_->compress(body_);
  page_header(body_.size(), stored.size());
  const uint8_t* header = nullptr;
  uint32_t header_size = 0;
  thrift_->view(header, header_size);
  chunk_.append(reinterpret_cast<const char*>(header), header_size);
  chunk_.append(stored);
  meta_.num_values += page_values_;
  meta_.total_uncompressed_size += static_cast<int64_t>(header_size + body_.size());
  meta_.total_compressed_size += static_cast<int64_t>(header_size + stored.size());
  reps_.clear();
  defs_.clear();
  values_.clear();
  page_values_ = 0;
  bools_ = 0;
}

void ParquetNestedColumnWriter::page_header(size_t uncompressed, size_t compressed) {
  thrift_->reset();
  thrift_->struct_begin();
  thrift_->i32_field(1, static_cast<int32_t>(parquet::PageType::DATA_PAGE));
  thrift_->i32_field(2, static_cast<int32_t>(uncompressed));
  thrift_->i32_field(3, static_cast<int32_t>(compressed));
  thrift_->struct_field(5);  // DataPageHeader
  thrift_->struct_begin();
  thrift_->i32_field(1, static_cast<int32_t>(page_values_));
  thrift_->i32_field(2, static_cast<int32_t>(parquet::Encoding::PLAIN));
  thrift_->i32_field(3, static_cast<int32_t>(parquet::Encoding::RLE));  // definition levels
  thrift_->i32_field(4, static_cast<int32_t>(parquet::Encoding::RLE));  // repetition levels
  thrift_->struct_end();
  thrift_->struct_end();
}

ParquetChunkMeta ParquetNestedColumnWriter::finish_chunk() {
  cut_page();
  return meta_;
}

void ParquetNestedColumnWriter::clear_chunk() {
  chunk_.clear();
  meta_ = ParquetChunkMeta{};
}

}  // namespace sluice::operators::delta
