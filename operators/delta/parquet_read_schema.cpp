#include "operators/delta/parquet_read_schema.h"

#include <set>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_names.h"

namespace sluice::operators::delta {

namespace {

constexpr int16_t kParquetReadMicros = 2;  // union TimeUnit: MICROS, as ParquetFooter writes it

std::string parquet_read_quoted(const std::string& name) { return "column '" + name + "'"; }

}  // namespace

std::vector<ColumnSchema> ParquetReadSchema::read(ParquetReadThrift& in, TType type) {
  uint32_t n = in.list(type, TType::T_STRUCT, "FileMetaData.schema");
  if (n == 0) throw ParquetReadError("the schema is empty");
  check_root(element(in, true), n);
  std::vector<ColumnSchema> columns;
  for (uint32_t i = 1; i < n; ++i) columns.push_back(column(element(in, true)));
  check_names(columns);
  return columns;
}

ParquetReadSchema::Element ParquetReadSchema::element(ParquetReadThrift& in, bool annotations) {
  Element e;
  in.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in.field(id, type)) element_field(in, id, type, e, annotations);
  in.struct_end();
  return e;
}

void ParquetReadSchema::element_field(ParquetReadThrift& in, int16_t id, TType type, Element& e,
                                      bool annotations) {
  switch (id) {
    case 1:
      e.type = in.i32(type, "SchemaElement.type");
      break;
    case 2:
      e.type_length = in.i32(type, "SchemaElement.type_length");
      break;
    case 3:
      e.repetition = in.i32(type, "SchemaElement.repetition_type");
      break;
    case 4:
      e.name = in.binary(type, "SchemaElement.name");
      break;
    case 5:
      e.num_children = in.i32(type, "SchemaElement.num_children");
      break;
    case 6:
      e.converted = in.i32(type, "SchemaElement.converted_type");
      break;
    case 7:
      if (annotations) {
        e.scale = in.i32(type, "SchemaElement.scale");
      } else {
        in.skip(type);
      }
      break;
    case 8:
      if (annotations) {
        e.precision = in.i32(type, "SchemaElement.precision");
      } else {
        in.skip(type);
      }
      break;
    case 10:
      in.expect_struct(type, "SchemaElement.logicalType");
      logical_type(in, e, annotations);
      break;
    default:
      in.skip(type);
  }
}

void ParquetReadSchema::logical_type(ParquetReadThrift& in, Element& e, bool annotations) {
  if (!annotations) {
    e.logical = union_member(in);
    return;
  }
  in.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in.field(id, type)) {
    in.expect_struct(type, "a member of LogicalType");
    e.logical = id;
    logical_member(in, e);
  }
  in.struct_end();
}

void ParquetReadSchema::logical_member(ParquetReadThrift& in, Element& e) {
  using parquet::LogicalField;
  auto member = static_cast<LogicalField>(e.logical);
  in.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in.field(id, type)) {
    if (member == LogicalField::DECIMAL && id == 1) {
      e.logical_scale = in.i32(type, "DecimalType.scale");
    } else if (member == LogicalField::DECIMAL && id == 2) {
      e.logical_precision = in.i32(type, "DecimalType.precision");
    } else if (member == LogicalField::INTEGER && id == 1) {
      e.int_bits = in.i8(type, "IntType.bitWidth");
    } else if (member == LogicalField::INTEGER && id == 2) {
      e.int_signed = in.boolean(type, "IntType.isSigned");
    } else if (member == LogicalField::TIMESTAMP && id == 1) {
      e.utc = in.boolean(type, "TimestampType.isAdjustedToUTC");
    } else if (member == LogicalField::TIMESTAMP && id == 2) {
      in.expect_struct(type, "TimestampType.unit");
      e.unit = union_member(in);
    } else {
      in.skip(type);
    }
  }
  in.struct_end();
}

int16_t ParquetReadSchema::union_member(ParquetReadThrift& in) {
  int16_t member = 0;
  in.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in.field(id, type)) {
    member = id;
    in.skip(type);
  }
  in.struct_end();
  return member;
}

void ParquetReadSchema::check_root(const Element& root, uint32_t n) {
  if (root.type || !root.num_children) {
    throw ParquetReadError("the schema's root '" + root.name + "' is not a group");
  }
  if (*root.num_children != static_cast<int64_t>(n) - 1) {
    throw ParquetReadError("the schema's root has " + std::to_string(*root.num_children) +
                           " children but the schema " + std::to_string(n - 1) +
                           " more elements: nested schemas are not supported");
  }
  if (n == 1) throw ParquetReadError("the schema has no columns");
}

ParquetReadSchema::Annotation ParquetReadSchema::annotation(const Element& e) {
  using parquet::LogicalField;
  if (e.logical != 0) {
    switch (static_cast<LogicalField>(e.logical)) {
      case LogicalField::STRING:
        return Annotation::String;
      case LogicalField::DECIMAL:
        return Annotation::Decimal;
      case LogicalField::DATE:
        return Annotation::Date;
      case LogicalField::TIMESTAMP:
        return e.utc && e.unit == kParquetReadMicros ? Annotation::Timestamp : Annotation::Other;
      case LogicalField::INTEGER:
        if (e.int_signed && e.int_bits == 32) return Annotation::Int32;
        if (e.int_signed && e.int_bits == 64) return Annotation::Int64;
        return Annotation::Other;
      default:  // maps, lists, JSON, ...: not the columns sink delta writes
        return Annotation::Other;
    }
  }
  if (!e.converted) return Annotation::None;
  switch (static_cast<parquet::ConvertedType>(*e.converted)) {
    case parquet::ConvertedType::UTF8:
      return Annotation::String;
    case parquet::ConvertedType::DECIMAL:
      return Annotation::Decimal;
    case parquet::ConvertedType::DATE:
      return Annotation::Date;
    case parquet::ConvertedType::TIMESTAMP_MICROS:
      return Annotation::Timestamp;
    default:
      return Annotation::Other;
  }
}

ColumnSchema ParquetReadSchema::column(const Element& e) {
  ColumnSchema c;
  c.name = e.name;
  if (!e.type || (e.num_children && *e.num_children != 0)) {
    throw ParquetReadError(parquet_read_quoted(e.name) +
                           " is a group: nested schemas are not supported");
  }
  auto repetition = static_cast<parquet::Repetition>(e.repetition.value_or(-1));
  if (repetition != parquet::Repetition::REQUIRED && repetition != parquet::Repetition::OPTIONAL) {
    throw ParquetReadError(parquet_read_quoted(e.name) + " has repetition type " +
                           std::to_string(e.repetition.value_or(-1)) +
                           ": only required and optional columns are supported");
  }
  c.nullable = repetition == parquet::Repetition::OPTIONAL;
  c.type = column_type(e, annotation(e));
  if (c.type == ColumnType::Decimal) decimal(e, c);
  if (static_cast<int32_t>(parquet::physical_type(c)) != *e.type ||
      e.type_length.value_or(0) != parquet::type_length(c)) {
    throw ParquetReadError(parquet_read_quoted(e.name) + " (" + parquet::column_type_name(c.type) +
                           ") is stored as " + parquet::physical_type_name(*e.type) +
                           " of length " + std::to_string(e.type_length.value_or(0)) +
                           ", not as sink delta stores it");
  }
  return c;
}

ColumnType ParquetReadSchema::column_type(const Element& e, Annotation a) {
  using P = parquet::PhysicalType;
  auto physical = static_cast<P>(*e.type);
  bool none = a == Annotation::None;
  if (physical == P::BOOLEAN && none) return ColumnType::Bool;
  if (physical == P::INT32 && (none || a == Annotation::Int32)) return ColumnType::Int32;
  if (physical == P::INT32 && a == Annotation::Date) return ColumnType::Date;
  if (physical == P::INT64 && (none || a == Annotation::Int64)) return ColumnType::Int64;
  if (physical == P::INT64 && a == Annotation::Timestamp) return ColumnType::Timestamp;
  if (physical == P::DOUBLE && none) return ColumnType::Double;
  if (physical == P::BYTE_ARRAY && none) return ColumnType::Binary;
  if (physical == P::BYTE_ARRAY && a == Annotation::String) return ColumnType::String;
  if (a == Annotation::Decimal &&
      (physical == P::INT32 || physical == P::INT64 || physical == P::FIXED_LEN_BYTE_ARRAY)) {
    return ColumnType::Decimal;
  }
  std::string what = parquet::physical_type_name(*e.type);
  if (e.logical != 0) {
    what += " with logical type " + std::to_string(e.logical);
  } else if (e.converted) {
    what += " with converted type " + std::to_string(*e.converted);
  }
  throw ParquetReadError(parquet_read_quoted(e.name) + " has type " + what +
                         ", which sink delta does not write");
}

void ParquetReadSchema::decimal(const Element& e, ColumnSchema& c) {
  bool logical = e.logical == static_cast<int16_t>(parquet::LogicalField::DECIMAL);
  std::optional<int32_t> precision = logical ? e.logical_precision : e.precision;
  std::optional<int32_t> scale = logical ? e.logical_scale : e.scale;
  c.precision = precision.value_or(0);
  c.scale = scale.value_or(0);
  if (c.precision < 1 || c.precision > 38 || c.scale < 0 || c.scale > c.precision) {
    throw ParquetReadError(parquet_read_quoted(e.name) + " is decimal(" +
                           std::to_string(c.precision) + ", " + std::to_string(c.scale) +
                           "): the precision must be 1..38 and the scale 0..precision");
  }
}

void ParquetReadSchema::check_names(const std::vector<ColumnSchema>& columns) {
  std::set<std::string> names;
  for (const auto& c : columns) {
    if (c.name.empty() || !names.insert(c.name).second) {
      throw ParquetReadError("column name '" + c.name + "' is empty or appears twice");
    }
  }
}

}  // namespace sluice::operators::delta
