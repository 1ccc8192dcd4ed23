#include "operators/delta/parquet_read_nested_column.h"

#include <algorithm>
#include <cstring>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_names.h"
#include "operators/delta/parquet_read_nested_levels.h"

namespace sluice::operators::delta {

namespace {

// At most this many levels in a column chunk (the decoded chunk is held in memory).
constexpr int64_t kNestedReadMaxChunkValues = int64_t{1} << 26;

template <class T>
T nested_read_load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

ParquetReadNestedColumn::ParquetReadNestedColumn(const ParquetNestedLeaf& leaf,
                                                 ParquetReadDecompressor* zstd)
    : name_(leaf.dotted()),
      physical_(static_cast<parquet::PhysicalType>(leaf.physical)),
      type_length_(leaf.type_length),
      utf8_(leaf.utf8),
      max_def_(leaf.max_def),
      max_rep_(leaf.max_rep),
      pages_(zstd) {}

void ParquetReadNestedColumn::read_chunk(std::string_view chunk, const ParquetReadChunk& meta) {
  if (meta.num_values > kNestedReadMaxChunkValues) {
    fail("a chunk of " + std::to_string(meta.num_values) + " values: more than " +
         std::to_string(kNestedReadMaxChunkValues) + " are not read");
  }
  pages_.start(chunk, meta);
  reps_.clear();
  defs_.clear();
  values_.clear();
  next_ = next_value_ = 0;
  while (pages_.values_left() > 0) read_page();
  if (pages_.bytes_left() != 0) {
    fail(std::to_string(pages_.bytes_left()) + " bytes after the chunk's last page");
  }
}

void ParquetReadNestedColumn::read_page() {
  ParquetReadPages::Page page;
  try {
    page = pages_.next(max_def_ > 0);
  } catch (const ParquetReadError& e) {
    fail(e.what());
  }
  const ParquetReadPageHeader& h = page.header;
  if (max_rep_ > 0 && h.repetition_level_encoding != static_cast<int32_t>(parquet::Encoding::RLE)) {
    fail("unsupported repetition level encoding " +
         parquet::encoding_name(h.repetition_level_encoding));
  }
  std::string_view body = page.body;
  const size_t first = defs_.size();
  try {
    if (max_rep_ > 0) {
      body.remove_prefix(
          ParquetReadNestedLevels("repetition", max_rep_).decode(body, h.num_values, reps_));
    }
    if (max_def_ > 0) {
      body.remove_prefix(
          ParquetReadNestedLevels("definition", max_def_).decode(body, h.num_values, defs_));
    } else {
      defs_.insert(defs_.end(), static_cast<size_t>(h.num_values), 0);
    }
  } catch (const ParquetReadError& e) {
    fail(e.what());
  }
  if (first == 0 && max_rep_ > 0 && reps_.front() != 0) fail("the chunk starts inside a record");
  const auto defined =
      static_cast<int64_t>(std::count(defs_.begin() + static_cast<std::ptrdiff_t>(first),
                                      defs_.end(), static_cast<uint16_t>(max_def_)));
  read_values(body, defined);
}

void ParquetReadNestedColumn::read_values(std::string_view values, int64_t defined) {
  using P = parquet::PhysicalType;
  if (physical_ == P::BYTE_ARRAY) {
    read_byte_arrays(values, defined);
    return;
  }
  const auto n = static_cast<uint64_t>(defined);
  uint64_t width = 0;
  switch (static_cast<int32_t>(physical_)) {
    case static_cast<int32_t>(P::INT32):
    case static_cast<int32_t>(P::FLOAT):
      width = 4;
      break;
    case static_cast<int32_t>(P::INT64):
    case static_cast<int32_t>(P::DOUBLE):
      width = 8;
      break;
    case static_cast<int32_t>(P::INT96):
      width = 12;
      break;
    case static_cast<int32_t>(P::FIXED_LEN_BYTE_ARRAY):
      width = static_cast<uint64_t>(type_length_);
      break;
    default:  // BOOLEAN
      break;
  }
  const uint64_t need = physical_ == P::BOOLEAN ? (n + 7) / 8 : n * width;
  if (values.size() != need) {
    fail("a page of " + std::to_string(defined) + " values in " + std::to_string(values.size()) +
         " bytes");
  }
  const char* p = values.data();
  for (uint64_t i = 0; i < n; ++i) {
    switch (static_cast<int32_t>(physical_)) {
      case static_cast<int32_t>(P::BOOLEAN):
        values_.push_back(Value::boolean(((static_cast<uint8_t>(p[i >> 3]) >> (i & 7)) & 1) != 0));
        break;
      case static_cast<int32_t>(P::INT32):
        values_.push_back(Value::int64(nested_read_load<int32_t>(p + i * 4)));
        break;
      case static_cast<int32_t>(P::INT64):
        values_.push_back(Value::int64(nested_read_load<int64_t>(p + i * 8)));
        break;
      case static_cast<int32_t>(P::FLOAT):
        values_.push_back(Value::float64(nested_read_load<float>(p + i * 4)));
        break;
      case static_cast<int32_t>(P::DOUBLE):
        values_.push_back(Value::float64(nested_read_load<double>(p + i * 8)));
        break;
      default:  // INT96, FIXED_LEN_BYTE_ARRAY
        values_.push_back(Value::bytes(std::string(p + i * width, width)));
        break;
    }
  }
}

void ParquetReadNestedColumn::read_byte_arrays(std::string_view values, int64_t defined) {
  const char* p = values.data();
  const char* end = p + values.size();
  for (int64_t i = 0; i < defined; ++i) {
    if (end - p < 4) fail("a page's values truncated");
    uint32_t n = nested_read_load<uint32_t>(p);
    p += 4;
    if (n > static_cast<size_t>(end - p)) {
      fail("a value of " + std::to_string(n) + " bytes where the page has " +
           std::to_string(end - p));
    }
    std::string s(p, n);
    values_.push_back(utf8_ ? Value::string(std::move(s)) : Value::bytes(std::move(s)));
    p += n;
  }
  if (p != end) fail(std::to_string(end - p) + " bytes after a page's last value");
}

void ParquetReadNestedColumn::take(Value& out) {
  if (!has_next()) fail("the chunk has fewer values than its row group's records need");
  if (defs_[next_] == max_def_) {
    out = std::move(values_[next_value_++]);
  } else {
    out = Value();
  }
  ++next_;
}

void ParquetReadNestedColumn::finish() const {
  if (has_next()) {
    fail(std::to_string(defs_.size() - next_) + " values after the row group's last record");
  }
}

void ParquetReadNestedColumn::fail(const std::string& what) const {
  throw ParquetReadError("column '" + name_ + "': " + what);
}

}  // namespace sluice::operators::delta
