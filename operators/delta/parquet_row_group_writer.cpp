#include "operators/delta/parquet_row_group_writer.h"

#include "operators/delta/parquet_plain.h"

namespace sluice::operators::delta {
namespace {

using apache::thrift::protocol::TType;

void statistics(ParquetThrift& out, const ParquetChunkMeta& m) {
  out.struct_field(12);
  out.struct_begin();
  out.i64_field(3, m.null_count);
  if (m.has_min_max) {
    out.binary_field(5, m.max);  // max_value
    out.binary_field(6, m.min);  // min_value
  }
  out.struct_end();
}

void column_meta(ParquetThrift& out, const ParquetChunkColumn& c, const ParquetChunkMeta& m,
                 parquet::Codec codec) {
  out.struct_begin();
  out.i32_field(1, c.physical);
  out.list_field(2, TType::T_I32, 2);
  out.i32_element(static_cast<int32_t>(parquet::Encoding::PLAIN));
  out.i32_element(static_cast<int32_t>(parquet::Encoding::RLE));
  out.list_field(3, TType::T_STRING, static_cast<uint32_t>(c.path.size()));
  for (const std::string& p : c.path) out.binary_element(p);
  out.i32_field(4, static_cast<int32_t>(codec));
  out.i64_field(5, m.num_values);
  out.i64_field(6, m.total_uncompressed_size);
  out.i64_field(7, m.total_compressed_size);
  out.i64_field(9, m.data_page_offset);
  if (c.statistics) statistics(out, m);
  out.struct_end();
}

}  // namespace

void parquet_write_row_group(ParquetThrift& out, const ParquetRowGroupMeta& rg,
                             const std::vector<ParquetChunkColumn>& columns, parquet::Codec codec) {
  out.struct_begin();
  out.list_field(1, TType::T_STRUCT, static_cast<uint32_t>(rg.columns.size()));
  for (size_t i = 0; i < rg.columns.size(); ++i) {
    out.struct_begin();
    // file_offset (deprecated): where the chunk starts
    out.i64_field(2, rg.columns[i].data_page_offset);
    out.struct_field(3);  // ColumnMetaData
    column_meta(out, columns[i], rg.columns[i], codec);
    out.struct_end();
  }
  out.i64_field(2, rg.total_byte_size);
  out.i64_field(3, rg.num_rows);
  out.i64_field(5, rg.file_offset);
  out.i64_field(6, rg.total_compressed_size);
  out.struct_end();
}

void parquet_end_footer(std::string& footer) {
  parquet::put_le32(static_cast<int32_t>(footer.size()), footer);
  footer.append(parquet::kMagic, parquet::kMagicSize);
}

}  // namespace sluice::operators::delta
