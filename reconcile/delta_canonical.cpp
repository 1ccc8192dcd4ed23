#include "reconcile/delta_canonical.h"

#include <cstdio>

#include "base/temporal.h"
#include "operators/delta/delta_type_map.h"
#include "operators/delta/parquet_value_converter.h"
#include "operators/delta/sink_tables.h"
#include "operators/mysql/snapshot_reader.h"
#include "reconcile/errc.h"
#include "reconcile/row_digest.h"

namespace sluice::reconcile {
namespace {

namespace dl = operators::delta;

std::string exact_double(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

// A cell in its column's physical form, written out.
std::string cell_text(const dl::ColumnSchema& c, const dl::ParquetCell& cell) {
  switch (c.type) {
    case dl::ColumnType::Bool:
    case dl::ColumnType::Int32:
    case dl::ColumnType::Int64:
    case dl::ColumnType::Date:
    case dl::ColumnType::Timestamp:
      return std::to_string(cell.i);
    case dl::ColumnType::Double:
      return exact_double(cell.d);
    case dl::ColumnType::String:
      return std::string(cell.bytes);
    case dl::ColumnType::Binary:
      return hex_cell(cell.bytes);
    case dl::ColumnType::Decimal:
      return Decimal(cell.unscaled, c.scale).to_string();
  }
  return std::string(cell.bytes);
}

}  // namespace

std::string delta_cell_text(const dl::ColumnSchema& c, const Value& v) {
  if (v.is_null()) return std::string(kNullCell);
  dl::ParquetCell cell;
  if (dl::ParquetValueConverter(c).convert(&v, cell)) {
    return "\x02" + v.to_display();  // does not fit the column: equal to no stored value
  }
  return cell_text(c, cell);
}

dl::ColumnSchema delta_column_of(const operators::mysql::ColumnSchema& source) {
  auto c = dl::column_for_source(source.name, source.is_json ? "json" : source.column_type);
  return c ? *c : dl::ColumnSchema{source.name, dl::ColumnType::String, 0, 0, true};
}

result<std::string> mysql_cell_text(const operators::mysql::ColumnSchema& source,
                                    const dl::ColumnSchema& column, const std::string& text) {
  uint64_t zero_dates = 0;
  auto v = operators::mysql::text_to_value(source, text, zero_dates);
  if (!v.ok()) {
    return error::permanent(errc::compare, "column " + source.name + ": " + v.err().message);
  }
  return delta_cell_text(column, dl::stored_value(column, *v));
}

std::string mysql_key_text(const Value& v) {
  switch (v.type()) {
    case Type::Bool:
      return v.as_bool() ? "1" : "0";
    case Type::Float:
      return exact_double(v.as_float());
    case Type::Decimal:
      return v.as_decimal().to_string();
    case Type::String:
    case Type::Bytes:
      return v.as_string();
    case Type::DateTime:
    case Type::Timestamp: {
      std::string s = temporal::format_datetime(v.as_micros());
      for (char& ch : s) ch = ch == 'T' ? ' ' : ch;
      return s;
    }
    default:
      return v.to_display();
  }
}

}  // namespace sluice::reconcile
