#include "operators/delta/parquet_read_column.h"

#include <utility>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

namespace {

int128 parquet_read_decimal_limit(int precision) {
  int128 p = 1;
  for (int i = 0; i < precision; ++i) p *= 10;
  return p - 1;
}

}  // namespace

ParquetReadColumn::ParquetReadColumn(const ColumnSchema& column, ParquetReadDecompressor* zstd)
    : name_(column.name),
      nullable_(column.nullable),
      decoder_(decoder_of(column)),
      width_(0),
      scale_(column.scale),
      precision_(column.precision),
      pages_(zstd) {
  switch (decoder_) {
    case Decoder::Int32:
    case Decoder::Dec32:
    case Decoder::Date:
      width_ = 4;
      break;
    case Decoder::Int64:
    case Decoder::Double:
    case Decoder::Dec64:
    case Decoder::Timestamp:
      width_ = 8;
      break;
    case Decoder::DecFixed:
      width_ = parquet::type_length(column);
      break;
    default:
      break;
  }
  if (column.type == ColumnType::Decimal) limit_ = parquet_read_decimal_limit(column.precision);
}

ParquetReadColumn::Decoder ParquetReadColumn::decoder_of(const ColumnSchema& c) {
  switch (c.type) {
    case ColumnType::Bool:
      return Decoder::Bool;
    case ColumnType::Int32:
      return Decoder::Int32;
    case ColumnType::Int64:
      return Decoder::Int64;
    case ColumnType::Double:
      return Decoder::Double;
    case ColumnType::String:
      return Decoder::String;
    case ColumnType::Binary:
      return Decoder::Binary;
    case ColumnType::Decimal:
      if (c.precision <= 9) return Decoder::Dec32;
      if (c.precision <= 18) return Decoder::Dec64;
      return Decoder::DecFixed;
    case ColumnType::Date:
      return Decoder::Date;
    case ColumnType::Timestamp:
      return Decoder::Timestamp;
  }
  return Decoder::Binary;
}

void ParquetReadColumn::start(std::string_view chunk, const ParquetReadChunk& meta) {
  pages_.start(chunk, meta);
  page_left_ = 0;
  values_ = values_end_ = nullptr;
  bool_index_ = 0;
}

void ParquetReadColumn::load_page() {
  check_page_end();
  ParquetReadPages::Page page;
  try {
    page = pages_.next(nullable_);
  } catch (const ParquetReadError& e) {
    fail(e.what());
  }
  std::string_view body = page.body;
  int64_t defined = page.header.num_values;
  if (nullable_) {
    try {
      body.remove_prefix(levels_.start(body, page.header.num_values));
    } catch (const ParquetReadError& e) {
      fail(e.what());
    }
    defined = levels_.defined();
  }
  start_values(body, defined);
  page_left_ = page.header.num_values;
}

void ParquetReadColumn::start_values(std::string_view values, int64_t defined) {
  values_ = values.data();
  values_end_ = values.data() + values.size();
  bool_index_ = 0;
  auto n = static_cast<uint64_t>(defined);
  uint64_t need = 0;  // the bytes the values take (byte arrays: at least)
  if (decoder_ == Decoder::Bool) {
    need = (n + 7) / 8;
  } else if (width_ > 0) {
    need = n * static_cast<uint64_t>(width_);
  } else {
    need = n * 4;  // each byte array's length
  }
  bool exact = decoder_ != Decoder::String && decoder_ != Decoder::Binary;
  if (exact ? values.size() != need : values.size() < need) {
    fail("a page of " + std::to_string(defined) + " values in " + std::to_string(values.size()) +
         " bytes");
  }
}

void ParquetReadColumn::check_page_end() const {
  // Fixed-width values fill their page exactly (start_values()); byte arrays must too.
  if ((decoder_ == Decoder::String || decoder_ == Decoder::Binary) && values_ != values_end_) {
    fail(std::to_string(values_end_ - values_) + " bytes after a page's last value");
  }
}

void ParquetReadColumn::finish() const {
  if (page_left_ != 0 || pages_.values_left() != 0) {
    fail("the chunk has more values than its row group");
  }
  check_page_end();
  if (pages_.bytes_left() != 0) {
    fail(std::to_string(pages_.bytes_left()) + " bytes after the chunk's last page");
  }
}

void ParquetReadColumn::decode(Value& out) {
  switch (decoder_) {
    case Decoder::Bool: {
      auto byte = static_cast<uint8_t>(values_[bool_index_ >> 3]);
      out = Value::boolean(((byte >> (bool_index_ & 7)) & 1) != 0);
      ++bool_index_;
      return;
    }
    case Decoder::Int32:
      out = Value::int64(load<int32_t>());
      return;
    case Decoder::Int64:
      out = Value::int64(load<int64_t>());
      return;
    case Decoder::Double:
      out = Value::float64(load<double>());
      return;
    case Decoder::String:
      byte_array(Type::String, out);
      return;
    case Decoder::Binary:
      byte_array(Type::Bytes, out);
      return;
    case Decoder::Dec32:
      out = decimal(load<int32_t>());
      return;
    case Decoder::Dec64:
      out = decimal(load<int64_t>());
      return;
    case Decoder::DecFixed:
      out = decimal(fixed_unscaled());
      return;
    case Decoder::Date:
      out = Value::date(load<int32_t>());
      return;
    case Decoder::Timestamp:
      out = Value::timestamp(load<int64_t>());
      return;
  }
}

void ParquetReadColumn::byte_array(Type type, Value& out) {
  if (values_end_ - values_ < 4) fail("a page's values truncated");
  uint32_t n = 0;
  std::memcpy(&n, values_, 4);
  values_ += 4;
  if (n > static_cast<size_t>(values_end_ - values_)) {
    fail("a value of " + std::to_string(n) + " bytes where the page has " +
         std::to_string(values_end_ - values_));
  }
  if (out.type() == type) {
    out.as_string().assign(values_, n);  // the row's string from before, its memory reused
  } else {
    std::string s(values_, n);
    out = type == Type::String ? Value::string(std::move(s)) : Value::bytes(std::move(s));
  }
  values_ += n;
}

int128 ParquetReadColumn::fixed_unscaled() {
  // Big-endian two's complement: the first byte's high bit is the sign, extended from -1.
  int128 v = (static_cast<uint8_t>(values_[0]) & 0x80) != 0 ? -1 : 0;
  for (int i = 0; i < width_; ++i) v = v * 256 + static_cast<uint8_t>(values_[i]);
  values_ += width_;
  return v;
}

Value ParquetReadColumn::decimal(int128 unscaled) const {
  if (unscaled > limit_ || unscaled < -limit_) {
    fail("a decimal of more than " + std::to_string(precision_) + " digits");
  }
  return Value::decimal(Decimal(unscaled, scale_));
}

void ParquetReadColumn::fail(const std::string& what) const {
  throw ParquetReadError("column '" + name_ + "': " + what);
}

}  // namespace sluice::operators::delta
