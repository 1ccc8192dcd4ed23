#include "operators/delta/parquet_nested_footer.h"

namespace sluice::operators::delta {

using apache::thrift::protocol::TType;

namespace {

constexpr const char* kNestedCreatedBy = "sluice version 0.2.0";
// parquet.thrift's ConvertedType MAP and LIST, and the members of union LogicalType
// STRING, MAP and LIST.
constexpr int32_t kNestedConvertedMap = 1;
constexpr int32_t kNestedConvertedList = 3;
constexpr int16_t kNestedLogicalString = 1;
constexpr int16_t kNestedLogicalMap = 2;
constexpr int16_t kNestedLogicalList = 3;

}  // namespace

ParquetNestedFooter::ParquetNestedFooter(const ParquetNestedSchema& schema, parquet::Codec codec)
    : schema_(schema), codec_(codec) {}

std::string ParquetNestedFooter::encode(int64_t num_rows,
                                        const std::vector<ParquetRowGroupMeta>& row_groups) {
  out_.reset();
  out_.struct_begin();
  out_.i32_field(1, 1);  // version
  out_.list_field(2, TType::T_STRUCT, static_cast<uint32_t>(count_nodes(schema_.root())));
  element(schema_.root(), true);
  out_.i64_field(3, num_rows);
  out_.list_field(4, TType::T_STRUCT, static_cast<uint32_t>(row_groups.size()));
  for (const auto& rg : row_groups) row_group(rg);
  out_.binary_field(6, kNestedCreatedBy);
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
    out_.i32_field(6, kNestedConvertedMap);
    logical = kNestedLogicalMap;
  } else if (n.shape == ParquetNestedShape::List) {
    out_.i32_field(6, kNestedConvertedList);
    logical = kNestedLogicalList;
  } else if (n.shape == ParquetNestedShape::Leaf && n.utf8) {
    out_.i32_field(6, static_cast<int32_t>(parquet::ConvertedType::UTF8));
    logical = kNestedLogicalString;
  }
  if (logical == 0) return;
  out_.struct_field(10);  // SchemaElement.logicalType: a union, one member set (no data)
  out_.struct_begin();
  out_.empty_struct_field(logical);
  out_.struct_end();
}

void ParquetNestedFooter::row_group(const ParquetRowGroupMeta& rg) {
  out_.struct_begin();
  out_.list_field(1, TType::T_STRUCT, static_cast<uint32_t>(rg.columns.size()));
  for (size_t i = 0; i < rg.columns.size(); ++i) {
    column_chunk(schema_.leaves()[i], rg.columns[i]);
  }
  out_.i64_field(2, rg.total_byte_size);
  out_.i64_field(3, rg.num_rows);
  out_.i64_field(5, rg.file_offset);
  out_.i64_field(6, rg.total_compressed_size);
  out_.struct_end();
}

void ParquetNestedFooter::column_chunk(const ParquetNestedLeaf& leaf, const ParquetChunkMeta& m) {
  out_.struct_begin();
  out_.i64_field(2, m.data_page_offset);  // file_offset (deprecated): where the chunk starts
  out_.struct_field(3);                   // ColumnMetaData
  out_.struct_begin();
  out_.i32_field(1, leaf.physical);
  out_.list_field(2, TType::T_I32, 2);
  out_.i32_element(static_cast<int32_t>(parquet::Encoding::PLAIN));
  out_.i32_element(static_cast<int32_t>(parquet::Encoding::RLE));
  out_.list_field(3, TType::T_STRING, static_cast<uint32_t>(leaf.path.size()));
  for (const std::string& p : leaf.path) out_.binary_element(p);
  out_.i32_field(4, static_cast<int32_t>(codec_));
  out_.i64_field(5, m.num_values);
  out_.i64_field(6, m.total_uncompressed_size);
  out_.i64_field(7, m.total_compressed_size);
  out_.i64_field(9, m.data_page_offset);
  out_.struct_end();
  out_.struct_end();
}

}  // namespace sluice::operators::delta
