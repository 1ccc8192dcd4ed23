#include "operators/delta/parquet_read_nested_footer.h"

#include <exception>
#include <limits>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_names.h"
#include "operators/delta/parquet_read_nested_schema.h"

namespace sluice::operators::delta {

ParquetReadNestedFooter::ParquetReadNestedFooter(std::string_view footer, int64_t pages_end)
    : in_(footer), pages_end_(pages_end) {}

ParquetReadNestedMeta ParquetReadNestedFooter::parse(std::string_view footer, int64_t pages_end) {
  ParquetReadNestedFooter f(footer, pages_end);
  try {
    f.file_meta();
  } catch (const ParquetReadError& e) {
    throw ParquetReadError(std::string("footer: ") + e.what());
  } catch (const std::exception& e) {  // Thrift's
    throw ParquetReadError(std::string("footer is corrupt: ") + e.what());
  }
  f.check();
  return std::move(f.meta_);
}

void ParquetReadNestedFooter::file_meta() {
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) {
    if (id == 2) {
      meta_.schema = ParquetReadNestedSchema::read(in_, type);
      has_schema_ = true;
    } else if (id == 3) {
      meta_.num_rows = in_.i64(type, "FileMetaData.num_rows");
      has_num_rows_ = true;
    } else if (id == 4) {
      if (!has_schema_) throw ParquetReadError("the row groups come before the schema");
      row_groups(type);
      has_row_groups_ = true;
    } else {
      in_.skip(type);
    }
  }
  in_.struct_end();
}

void ParquetReadNestedFooter::row_groups(TType type) {
  uint32_t n = in_.list(type, TType::T_STRUCT, "FileMetaData.row_groups");
  meta_.row_groups.clear();
  for (uint32_t g = 0; g < n; ++g) meta_.row_groups.push_back(row_group(g));
}

ParquetReadRowGroup ParquetReadNestedFooter::row_group(size_t g) {
  ParquetReadRowGroup rg;
  rg.num_rows = -1;
  std::vector<RawChunk> raw;
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) {
    if (id == 1) {
      uint32_t n = in_.list(type, TType::T_STRUCT, "RowGroup.columns");
      raw.clear();
      for (uint32_t i = 0; i < n; ++i) raw.push_back(column_chunk());
    } else if (id == 3) {
      rg.num_rows = in_.i64(type, "RowGroup.num_rows");
    } else {
      in_.skip(type);
    }
  }
  in_.struct_end();
  const auto& leaves = meta_.schema.leaves();
  const std::string name = "row group " + std::to_string(g);
  if (rg.num_rows < 0) throw ParquetReadError(name + " has no number of rows");
  if (raw.size() != leaves.size()) {
    throw ParquetReadError(name + " has " + std::to_string(raw.size()) + " column chunks for " +
                           std::to_string(leaves.size()) + " leaf columns");
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    try {
      rg.columns.push_back(check_chunk(leaves[i], raw[i], rg.num_rows));
    } catch (const ParquetReadError& e) {
      throw ParquetReadError(std::string(e.what()) + " in column '" + leaves[i].dotted() + "' of " +
                             name);
    }
  }
  return rg;
}

ParquetReadNestedFooter::RawChunk ParquetReadNestedFooter::column_chunk() {
  RawChunk c;
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) {
    if (id == 1) {
      c.other_file = true;
      in_.skip(type);
    } else if (id == 3) {
      in_.expect_struct(type, "ColumnChunk.meta_data");
      column_meta(c);
    } else {
      in_.skip(type);
    }
  }
  in_.struct_end();
  return c;
}

void ParquetReadNestedFooter::column_meta(RawChunk& c) {
  c.has_meta = true;
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) column_meta_field(id, type, c);
  in_.struct_end();
}

void ParquetReadNestedFooter::column_meta_field(int16_t id, TType type, RawChunk& c) {
  switch (id) {
    case 1:
      c.type = in_.i32(type, "ColumnMetaData.type");
      break;
    case 2: {
      uint32_t n = in_.list(type, TType::T_I32, "ColumnMetaData.encodings");
      for (uint32_t i = 0; i < n; ++i) {
        int32_t e = in_.i32_element();
        bool known = e == static_cast<int32_t>(parquet::Encoding::PLAIN) ||
                     e == static_cast<int32_t>(parquet::Encoding::RLE);
        if (!known && c.encoding < 0) c.encoding = e;
      }
      break;
    }
    case 3: {
      uint32_t n = in_.list(type, TType::T_STRING, "ColumnMetaData.path_in_schema");
      c.path.clear();
      for (uint32_t i = 0; i < n; ++i) c.path.push_back(in_.binary_element());
      break;
    }
    case 4:
      c.codec = in_.i32(type, "ColumnMetaData.codec");
      break;
    case 5:
      c.num_values = in_.i64(type, "ColumnMetaData.num_values");
      break;
    case 7:
      c.size = in_.i64(type, "ColumnMetaData.total_compressed_size");
      break;
    case 9:
      c.offset = in_.i64(type, "ColumnMetaData.data_page_offset");
      break;
    case 11:
      c.dictionary = true;
      in_.skip(type);
      break;
    default:
      in_.skip(type);
  }
}

ParquetReadChunk ParquetReadNestedFooter::check_chunk(const ParquetNestedLeaf& leaf,
                                                      const RawChunk& raw, int64_t rows) const {
  if (raw.other_file) throw ParquetReadError("the chunk is in another file");
  if (!raw.has_meta) throw ParquetReadError("no metadata");
  if (raw.type != leaf.physical) {
    throw ParquetReadError("physical type " + parquet::physical_type_name(raw.type) +
                           " unlike the schema's");
  }
  if (raw.path != leaf.path) throw ParquetReadError("path_in_schema is not the leaf's path");
  if (raw.encoding >= 0) {
    throw ParquetReadError("unsupported encoding " + parquet::encoding_name(raw.encoding));
  }
  if (raw.dictionary) throw ParquetReadError("unsupported dictionary page");
  auto codec = static_cast<parquet::Codec>(raw.codec);
  if (codec != parquet::Codec::UNCOMPRESSED && codec != parquet::Codec::ZSTD) {
    throw ParquetReadError("unsupported codec " + parquet::codec_name(raw.codec));
  }
  // Every row has at least one level in every leaf.
  if (raw.num_values < rows) {
    throw ParquetReadError(std::to_string(raw.num_values) + " values for " + std::to_string(rows) +
                           " rows");
  }
  if (raw.offset < parquet::kMagicSize || raw.offset > pages_end_ || raw.size < 0 ||
      raw.size > pages_end_ - raw.offset) {
    throw ParquetReadError("pages at offset " + std::to_string(raw.offset) + " of size " +
                           std::to_string(raw.size) + " outside the file's pages (" +
                           std::to_string(pages_end_) + " bytes)");
  }
  return {codec, raw.num_values, raw.offset, raw.size};
}

void ParquetReadNestedFooter::check() const {
  if (!has_schema_) throw ParquetReadError("footer: no schema");
  if (!has_num_rows_ || meta_.num_rows < 0) throw ParquetReadError("footer: no number of rows");
  if (!has_row_groups_) throw ParquetReadError("footer: no row groups");
  int64_t all = 0;  // -1: more than int64 holds
  for (const ParquetReadRowGroup& rg : meta_.row_groups) {
    if (rg.num_rows > std::numeric_limits<int64_t>::max() - all) {
      all = -1;
      break;
    }
    all += rg.num_rows;
  }
  if (all != meta_.num_rows) {
    throw ParquetReadError("footer: the row groups have " +
                           (all < 0 ? std::string("too many") : std::to_string(all)) +
                           " rows, the file " + std::to_string(meta_.num_rows));
  }
}

}  // namespace sluice::operators::delta
