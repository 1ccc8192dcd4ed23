// Reads the schema of a Parquet file's footer (FileMetaData.schema: SchemaElements with their
// physical, converted and logical types) into the columns of sink delta: the inverse of what
// ParquetFooter writes. Refuses nested schemas and types that sink delta never writes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_read_thrift.h"

namespace sluice::operators::delta {

class ParquetReadSchema {
 public:
  using TType = ParquetReadThrift::TType;
  // The schema field (a list of SchemaElement): a root group of flat leaves, one a column.
  // Throws ParquetReadError.
  static std::vector<ColumnSchema> read(ParquetReadThrift& in, TType type);

 private:
  // One SchemaElement as read (nullopt: the field is absent).
  struct Element {
    std::optional<int32_t> type, type_length, repetition, num_children, converted, scale, precision;
    std::string name;
    int16_t logical = 0;  // the member of union LogicalType that is set; 0: none
    std::optional<int32_t> logical_scale, logical_precision;
    int8_t int_bits = 0;  // INTEGER
    bool int_signed = false;
    bool utc = false;  // TIMESTAMP
    int16_t unit = 0;  // TIMESTAMP: the member of union TimeUnit
  };
  enum class Annotation : uint8_t { None, String, Decimal, Date, Timestamp, Int32, Int64, Other };

  static Element element(ParquetReadThrift& in);
  static void element_field(ParquetReadThrift& in, int16_t id, TType type, Element& e);
  static void logical_type(ParquetReadThrift& in, Element& e);
  static void logical_member(ParquetReadThrift& in, Element& e);
  static int16_t time_unit(ParquetReadThrift& in);
  static void check_root(const Element& root, uint32_t n);
  static Annotation annotation(const Element& e);
  static ColumnSchema column(const Element& e);
  static ColumnType column_type(const Element& e, Annotation a);
  static void decimal(const Element& e, ColumnSchema& c);
  static void check_names(const std::vector<ColumnSchema>& columns);
};

}  // namespace sluice::operators::delta
