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

  // One SchemaElement as read (nullopt: the field is absent). Of annotations only `logical`
  // unless read with annotations.
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
  // Reads one SchemaElement; annotations: the scale, the precision and the LogicalType's
  // fields too (else skipped). Shared with ParquetReadNestedSchema.
  static Element element(ParquetReadThrift& in, bool annotations);

 private:
  enum class Annotation : uint8_t { None, String, Decimal, Date, Timestamp, Int32, Int64, Other };

  static void element_field(ParquetReadThrift& in, int16_t id, TType type, Element& e,
                            bool annotations);
  static void logical_type(ParquetReadThrift& in, Element& e, bool annotations);
  static void logical_member(ParquetReadThrift& in, Element& e);
  // The member of a union that is set (0: none), its fields skipped.
  static int16_t union_member(ParquetReadThrift& in);
  static void check_root(const Element& root, uint32_t n);
  static Annotation annotation(const Element& e);
  static ColumnSchema column(const Element& e);
  static ColumnType column_type(const Element& e, Annotation a);
  static void decimal(const Element& e, ColumnSchema& c);
  static void check_names(const std::vector<ColumnSchema>& columns);
};

}  // namespace sluice::operators::delta
