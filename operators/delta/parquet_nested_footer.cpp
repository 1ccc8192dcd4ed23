#include "operators/delta/parquet_nested_footer.h"

namespace sluice::operators::delta {

using apache::thrift::protocol::TType;

ParquetNestedFooter::ParquetNestedFooter(const ParquetNestedSchema& schema, parquet::Codec codec)
    : schema_(schema), codec_(codec) {
  chunk_columns_.reserve(schema.leaves().size());
  for (const auto& leaf : schema.leaves())
    chunk_columns_.push_back({leaf.physical, leaf.path, false});
}

std::string ParquetNestedFooter::encode(int64_t num_rows,
                                        const std::vector<ParquetRowGroupMeta>& row_groups) {
  out_.reset();
  out_.struct_begin();
  out_.i32_field(1, 1);  // version
  out_.list_field(2, TType::T_STRUCT, static_cast<uint32_t>(count_nodes(schema_.root())));
  element(schema_.root(), true);
  out_.i64_field(3, num_rows);
  out_.list_field(4, TType::T_STRUCT, static_cast<uint32_t>(row_groups.size()));
  for (const auto& rg : row_groups) parquet_write_row_group(out_, rg, chunk_columns_, codec_);
  out_.binary_field(6, kParquetCreatedBy);
  out_.struct_end();
  return out_.str();
}

size_t ParquetNestedFooter::count_nodes(const ParquetNestedNode& n) {
  size_t count = 1;
  for (const auto& c : n.children) count += count_nodes(c);
  return count;
}

void ParquetNestedFooter::element(const ParquetNestedNode& n, bool root) {
  out_.struct_begin();
  if (n.shape == ParquetNestedShape::Leaf) {
    out_.i32_field(1, n.physical);
    if (n.type_length > 0) out_.i32_field(2, n.type_length);
  }
  if (!root) out_.i32_field(3, static_cast<int32_t>(n.repetition));
  out_.binary_field(4, root ? std::string("schema") : n.name);
  if (n.shape != ParquetNestedShape::Leaf) {
    out_.i32_field(5, static_cast<int32_t>(n.children.size()));
  }
  group_annotation(n);
  out_.struct_end();
  for (const auto& c : n.children) element(c, false);
}

void ParquetNestedFooter::group_annotation(const ParquetNestedNode& n) {
  int16_t logical = 0;
  if (n.shape == ParquetNestedShape::Map) {
    out_.i32_field(6, parquet::code(parquet::ConvertedType::MAP));
    logical = parquet::code(parquet::LogicalField::MAP);
  } else if (n.shape == ParquetNestedShape::List) {
    out_.i32_field(6, parquet::code(parquet::ConvertedType::LIST));
    logical = parquet::code(parquet::LogicalField::LIST);
  } else if (n.shape == ParquetNestedShape::Leaf && n.utf8) {
    out_.i32_field(6, parquet::code(parquet::ConvertedType::UTF8));
    logical = parquet::code(parquet::LogicalField::STRING);
  }
  if (logical == 0) return;
  out_.struct_field(10);  // SchemaElement.logicalType: a union, one member set (no data)
  out_.struct_begin();
  out_.empty_struct_field(logical);
  out_.struct_end();
}

}  // namespace sluice::operators::delta
