#include "operators/delta/parquet_footer.h"

#include "operators/delta/parquet_row_group_writer.h"

namespace sluice::operators::delta {

using apache::thrift::protocol::TType;

ParquetFooter::ParquetFooter(const std::vector<ColumnSchema>& columns, parquet::Codec codec)
    : columns_(columns), codec_(codec) {
  chunk_columns_.reserve(columns.size());
  for (const auto& c : columns) {
    chunk_columns_.push_back({static_cast<int32_t>(parquet::physical_type(c)), {c.name}, true});
  }
}

std::string ParquetFooter::encode(int64_t num_rows,
                                  const std::vector<ParquetRowGroupMeta>& row_groups) {
  out_.reset();
  out_.struct_begin();
  out_.i32_field(1, 1);  // version
  schema();
  out_.i64_field(3, num_rows);
  out_.list_field(4, TType::T_STRUCT, static_cast<uint32_t>(row_groups.size()));
  for (const auto& rg : row_groups) parquet_write_row_group(out_, rg, chunk_columns_, codec_);
  out_.binary_field(6, kParquetCreatedBy);
  column_orders();
  out_.struct_end();
  return out_.str();
}

void ParquetFooter::schema() {
  out_.list_field(2, TType::T_STRUCT, static_cast<uint32_t>(columns_.size() + 1));
  out_.struct_begin();  // the root: a group of every column
  out_.binary_field(4, "schema");
  out_.i32_field(5, static_cast<int32_t>(columns_.size()));
  out_.struct_end();
  for (const auto& c : columns_) schema_element(c);
}

void ParquetFooter::schema_element(const ColumnSchema& c) {
  out_.struct_begin();
  out_.i32_field(1, static_cast<int32_t>(parquet::physical_type(c)));
  if (int n = parquet::type_length(c); n > 0) out_.i32_field(2, n);
  auto repetition = c.nullable ? parquet::Repetition::OPTIONAL : parquet::Repetition::REQUIRED;
  out_.i32_field(3, static_cast<int32_t>(repetition));
  out_.binary_field(4, c.name);
  switch (c.type) {
    case ColumnType::String:
      out_.i32_field(6, static_cast<int32_t>(parquet::ConvertedType::UTF8));
      break;
    case ColumnType::Decimal:
      out_.i32_field(6, static_cast<int32_t>(parquet::ConvertedType::DECIMAL));
      out_.i32_field(7, c.scale);
      out_.i32_field(8, c.precision);
      break;
    case ColumnType::Date:
      out_.i32_field(6, static_cast<int32_t>(parquet::ConvertedType::DATE));
      break;
    case ColumnType::Timestamp:
      out_.i32_field(6, static_cast<int32_t>(parquet::ConvertedType::TIMESTAMP_MICROS));
      break;
    default:
      break;
  }
  logical_type(c);
  out_.struct_end();
}

void ParquetFooter::logical_type(const ColumnSchema& c) {
  using parquet::LogicalField;
  auto member = [&](LogicalField f) {
    out_.struct_field(10);  // SchemaElement.logicalType: a union, one member set
    out_.struct_begin();
    out_.struct_field(static_cast<int16_t>(f));
    out_.struct_begin();
  };
  auto end = [&] {
    out_.struct_end();  // the member
    out_.struct_end();  // the union
  };
  switch (c.type) {
    case ColumnType::String:
      member(LogicalField::STRING);
      break;
    case ColumnType::Date:
      member(LogicalField::DATE);
      break;
    case ColumnType::Int32:
    case ColumnType::Int64:
      member(LogicalField::INTEGER);
      out_.i8_field(1, c.type == ColumnType::Int32 ? 32 : 64);  // bitWidth
      out_.bool_field(2, true);                                 // isSigned
      break;
    case ColumnType::Decimal:
      member(LogicalField::DECIMAL);
      out_.i32_field(1, c.scale);
      out_.i32_field(2, c.precision);
      break;
    case ColumnType::Timestamp:
      member(LogicalField::TIMESTAMP);
      out_.bool_field(1, true);  // isAdjustedToUTC
      out_.struct_field(2);      // unit: union TimeUnit
      out_.struct_begin();
      out_.empty_struct_field(2);  // MICROS
      out_.struct_end();
      break;
    default:
      return;  // Bool, Double, Binary: the physical type says it all
  }
  end();
}

void ParquetFooter::column_orders() {
  // TYPE_ORDER for every column: min_value / max_value follow the logical type's order (signed
  // for integers and decimals, unsigned bytewise for strings).
  out_.list_field(7, TType::T_STRUCT, static_cast<uint32_t>(columns_.size()));
  for (size_t i = 0; i < columns_.size(); ++i) {
    out_.struct_begin();
    out_.empty_struct_field(1);
    out_.struct_end();
  }
}

}  // namespace sluice::operators::delta
