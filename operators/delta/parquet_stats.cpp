#include "operators/delta/parquet_stats.h"

#include <cmath>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_plain.h"

namespace sluice::operators::delta {

ParquetStats::ParquetStats(const ColumnSchema& column) : column_(column) {
  switch (column.type) {
    case ColumnType::Bool:
    case ColumnType::Int32:
    case ColumnType::Int64:
    case ColumnType::Date:
    case ColumnType::Timestamp:
      kind_ = Kind::Int;
      break;
    case ColumnType::Double:
      kind_ = Kind::Double;
      break;
    case ColumnType::Decimal:
      kind_ = Kind::Decimal;
      decimal_bytes_ = parquet::type_length(column);
      break;
    case ColumnType::String:
      kind_ = Kind::Bytes;
      break;
    default:
      kind_ = Kind::None;
  }
}

void ParquetStats::add(const ParquetCell& cell) {
  switch (kind_) {
    case Kind::Int:
      if (!any_ || cell.i < imin_) imin_ = cell.i;
      if (!any_ || cell.i > imax_) imax_ = cell.i;
      any_ = true;
      break;
    case Kind::Decimal:
      if (!any_ || cell.unscaled < umin_) umin_ = cell.unscaled;
      if (!any_ || cell.unscaled > umax_) umax_ = cell.unscaled;
      any_ = true;
      break;
    case Kind::Double:
      add_double(cell.d);
      break;
    case Kind::Bytes:
      add_bytes(cell.bytes);
      break;
    case Kind::None:
      break;
  }
}

void ParquetStats::add_double(double d) {
  if (std::isnan(d)) return;
  if (!any_ || d < dmin_) dmin_ = d;
  if (!any_ || d > dmax_) dmax_ = d;
  any_ = true;
}

void ParquetStats::add_bytes(std::string_view s) {
  // std::string_view compares as memcmp: unsigned bytewise, Parquet's order for strings.
  if (!any_ || s < std::string_view(smin_)) smin_.assign(s.data(), s.size());
  if (!any_ || s > std::string_view(smax_)) smax_.assign(s.data(), s.size());
  any_ = true;
}

void ParquetStats::merge(const ParquetStats& other) {
  nulls_ += other.nulls_;
  if (!other.any_) return;
  ParquetCell lo, hi;
  lo.i = other.imin_;
  hi.i = other.imax_;
  lo.d = other.dmin_;
  hi.d = other.dmax_;
  lo.unscaled = other.umin_;
  hi.unscaled = other.umax_;
  lo.bytes = other.smin_;
  hi.bytes = other.smax_;
  add(lo);
  add(hi);
}

void ParquetStats::reset() {
  any_ = false;
  nulls_ = 0;
  smin_.clear();
  smax_.clear();
}

void ParquetStats::encode_min_max(std::string& min, std::string& max) const {
  min.clear();
  max.clear();
  encode(true, min);
  encode(false, max);
}

void ParquetStats::encode(bool is_min, std::string& out) const {
  int64_t i = is_min ? imin_ : imax_;
  switch (column_.type) {
    case ColumnType::Bool:
      out.push_back(static_cast<char>(i));
      break;
    case ColumnType::Int32:
    case ColumnType::Date:
      parquet::put_le32(static_cast<int32_t>(i), out);
      break;
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      parquet::put_le64(i, out);
      break;
    case ColumnType::Double: {
      // Parquet: a zero min is written -0.0, a zero max +0.0.
      double d = is_min ? dmin_ : dmax_;
      if (d == 0) d = is_min ? -0.0 : 0.0;
      parquet::put_double(d, out);
      break;
    }
    case ColumnType::Decimal: {
      __int128 u = is_min ? umin_ : umax_;
      if (column_.precision <= 9) {
        parquet::put_le32(static_cast<int32_t>(u), out);
      } else if (column_.precision <= 18) {
        parquet::put_le64(static_cast<int64_t>(u), out);
      } else {
        parquet::put_be(u, decimal_bytes_, out);
      }
      break;
    }
    case ColumnType::String:
      out.append(is_min ? smin_ : smax_);
      break;
    case ColumnType::Binary:
      break;
  }
}

ColumnStats ParquetStats::to_column_stats() const {
  ColumnStats s;
  s.null_count = nulls_;
  if (any_) {
    s.min = to_value(true);
    s.max = to_value(false);
  }
  return s;
}

Value ParquetStats::to_value(bool is_min) const {
  int64_t i = is_min ? imin_ : imax_;
  switch (column_.type) {
    case ColumnType::Bool:
      return Value::boolean(i != 0);
    case ColumnType::Int32:
    case ColumnType::Int64:
      return Value::int64(i);
    case ColumnType::Double:
      return Value::float64(is_min ? dmin_ : dmax_);
    case ColumnType::Decimal:
      return Value::decimal(Decimal(is_min ? umin_ : umax_, column_.scale));
    case ColumnType::String:
      return Value::string(is_min ? smin_ : smax_);
    case ColumnType::Date:
      return Value::date(static_cast<int32_t>(i));
    case ColumnType::Timestamp:
      return Value::timestamp(i);
    case ColumnType::Binary:
      break;
  }
  return Value::null();
}

}  // namespace sluice::operators::delta
