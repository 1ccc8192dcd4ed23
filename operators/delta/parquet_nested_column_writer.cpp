#include "operators/delta/parquet_nested_column_writer.h"

namespace sluice::operators::delta {

ParquetNestedColumnWriter::ParquetNestedColumnWriter(const ParquetNestedLeaf& leaf,
                                                     int64_t page_bytes,
                                                     ParquetCompressor* compressor,
                                                     ParquetThrift* thrift)
    : physical_(static_cast<parquet::PhysicalType>(leaf.physical)),
      max_def_(leaf.max_def),
      max_rep_(leaf.max_rep),
      page_bytes_(page_bytes),
      reps_(leaf.max_rep),
      defs_(leaf.max_def),
      pages_(compressor, thrift) {}

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
      values_.add_bool(v.as_bool());
      break;
    case parquet::PhysicalType::INT32:
      values_.add_i32(static_cast<int32_t>(v.as_int()));
      break;
    case parquet::PhysicalType::INT64:
      values_.add_i64(v.as_int());
      break;
    case parquet::PhysicalType::DOUBLE:
      values_.add_double(v.as_float());
      break;
    default:  // BYTE_ARRAY
      values_.add_bytes(v.as_string());
      break;
  }
}

int64_t ParquetNestedColumnWriter::estimated_bytes() const {
  return static_cast<int64_t>(pages_.size() + values_.size()) + page_values_ / 2;
}

void ParquetNestedColumnWriter::cut_page() {
  if (page_values_ == 0) return;
  std::string& body = pages_.body();
  // Data page v1: repetition levels, definition levels, values.
  if (max_rep_ > 0) reps_.encode(body);
  if (max_def_ > 0) defs_.encode(body);
  body.append(values_.bytes());
  pages_.add_page(page_values_);
  reps_.clear();
  defs_.clear();
  values_.clear();
  page_values_ = 0;
}

ParquetChunkMeta ParquetNestedColumnWriter::finish_chunk() {
  cut_page();
  return pages_.meta();
}

void ParquetNestedColumnWriter::clear_chunk() { pages_.clear(); }

}  // namespace sluice::operators::delta
