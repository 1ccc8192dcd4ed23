#include "operators/delta/parquet_value_converter.h"

#include <cstdint>
#include <limits>

namespace sluice::operators::delta {

namespace {

int128 pow10_of(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// The powers 10^0 .. 10^38, all of which fit int128.
struct DecimalPow10Table {
  int128 v[39];
  DecimalPow10Table() {
    for (int i = 0; i <= 38; ++i) v[i] = pow10_of(i);
  }
};

const DecimalPow10Table& decimal_pow10() {
  static const DecimalPow10Table table;
  return table;
}

bool exact_int_double(int64_t i, double& out) {
  double d = static_cast<double>(i);
  if (d >= 9223372036854775808.0 || static_cast<int64_t>(d) != i) return false;
  out = d;
  return true;
}

}  // namespace

ParquetValueConverter::ParquetValueConverter(const ColumnSchema& column)
    : type_(column.type), nullable_(column.nullable), scale_(column.scale) {
  if (type_ == ColumnType::Decimal) limit_ = decimal_pow10().v[column.precision] - 1;
}

std::optional<errc> ParquetValueConverter::convert(const Value* v, ParquetCell& out) const {
  out.null = v == nullptr || v->is_null();
  if (out.null) {
    if (!nullable_) return errc::null_in_required;
    return std::nullopt;
  }
  Type t = v->type();
  switch (type_) {
    case ColumnType::Bool:
      if (t != Type::Bool) return errc::type_mismatch;
      out.i = v->as_bool() ? 1 : 0;
      return std::nullopt;
    case ColumnType::Int32:
    case ColumnType::Int64:
      return convert_integer(*v, out);
    case ColumnType::Double:
      if (t == Type::Float) {
        out.d = v->as_float();
        return std::nullopt;
      }
      if (t == Type::Int && exact_int_double(v->as_int(), out.d)) return std::nullopt;
      return errc::type_mismatch;
    case ColumnType::String:
      if (t != Type::String) return errc::type_mismatch;
      out.bytes = v->as_string();
      return std::nullopt;
    case ColumnType::Binary:
      if (t != Type::String && t != Type::Bytes) return errc::type_mismatch;
      out.bytes = v->as_string();
      return std::nullopt;
    case ColumnType::Decimal:
      return convert_decimal(*v, out);
    case ColumnType::Date:
      if (t != Type::Date) return errc::type_mismatch;
      out.i = v->as_date();
      return std::nullopt;
    case ColumnType::Timestamp:
      if (t != Type::Timestamp && t != Type::DateTime) return errc::type_mismatch;
      out.i = v->as_micros();
      return std::nullopt;
  }
  return errc::type_mismatch;
}

std::optional<errc> ParquetValueConverter::convert_integer(const Value& v, ParquetCell& out) const {
  int64_t max = type_ == ColumnType::Int32 ? std::numeric_limits<int32_t>::max()
                                           : std::numeric_limits<int64_t>::max();
  int64_t min = type_ == ColumnType::Int32 ? std::numeric_limits<int32_t>::min()
                                           : std::numeric_limits<int64_t>::min();
  if (v.type() == Type::Int) {
    if (v.as_int() < min || v.as_int() > max) return errc::type_mismatch;
    out.i = v.as_int();
    return std::nullopt;
  }
  if (v.type() == Type::UInt) {
    if (v.as_uint() > static_cast<uint64_t>(max)) return errc::type_mismatch;
    out.i = static_cast<int64_t>(v.as_uint());
    return std::nullopt;
  }
  return errc::type_mismatch;
}

std::optional<errc> ParquetValueConverter::convert_decimal(const Value& v, ParquetCell& out) const {
  switch (v.type()) {
    case Type::Int:
      return fit_decimal(v.as_int(), 0, out);
    case Type::UInt:
      return fit_decimal(static_cast<int128>(v.as_uint()), 0, out);
    case Type::Decimal: {
      if (v.as_decimal().is_wide()) return fit_wide_decimal(v.as_decimal(), out);
      Decimal d = v.as_decimal();
      return fit_decimal(d.unscaled(), d.scale(), out);
    }
    default:
      return errc::type_mismatch;
  }
}

std::optional<errc> ParquetValueConverter::fit_decimal(int128 unscaled, int scale,
                                                       ParquetCell& out) const {
  if (scale > scale_) {
    // Dropping digits is allowed only when they are all zeros.
    int128 div = decimal_pow10().v[scale - scale_];
    if (unscaled % div != 0) return errc::decimal_overflow;
    unscaled /= div;
  } else if (scale < scale_) {
    int128 mul = decimal_pow10().v[scale_ - scale];
    // |unscaled| * mul must stay within limit_: checked before multiplying, so never overflows.
    int128 bound = limit_ / mul;
    if (unscaled > bound || unscaled < -bound) return errc::decimal_overflow;
    unscaled *= mul;
  }
  if (unscaled > limit_ || unscaled < -limit_) return errc::decimal_overflow;
  out.unscaled = unscaled;
  return std::nullopt;
}

std::optional<errc> ParquetValueConverter::fit_wide_decimal(const Decimal& d,
                                                            ParquetCell& out) const {
  // More than 38 digits: only trailing zeros beyond the column's scale can make it fit.
  std::optional<Decimal> r = d.rescale(scale_);
  if (!r || r->compare(d) != 0 || r->is_wide()) return errc::decimal_overflow;
  return fit_decimal(r->unscaled(), r->scale(), out);
}

}  // namespace sluice::operators::delta
