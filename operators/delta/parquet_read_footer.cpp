#include "operators/delta/parquet_read_footer.h"

#include <cstring>
#include <exception>
#include <limits>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_names.h"
#include "operators/delta/parquet_read_schema.h"

namespace sluice::operators::delta {

namespace {

std::string parquet_footer_chunk_name(const ColumnSchema& c, size_t row_group) {
  return "column '" + c.name + "' of row group " + std::to_string(row_group);
}

}  // namespace

std::string_view parquet_read_footer_of(std::string_view file, int64_t& pages_end) {
  constexpr size_t kMagic = parquet::kMagicSize;
  const size_t size = file.size();
  if (size < 2 * kMagic + 4 || file.compare(0, kMagic, parquet::kMagic) != 0 ||
      file.compare(size - kMagic, kMagic, parquet::kMagic) != 0) {
    throw ParquetReadError("not a Parquet file");
  }
  uint32_t length = 0;
  std::memcpy(&length, file.data() + size - kMagic - 4, 4);
  if (length > size - 2 * kMagic - 4) {
    throw ParquetReadError("footer truncated: " + std::to_string(length) + " bytes in a file of " +
                           std::to_string(size));
  }
  const size_t footer = size - kMagic - 4 - length;
  pages_end = static_cast<int64_t>(footer);
  return file.substr(footer, length);
}

ParquetReadFooterBase::ParquetReadFooterBase(std::string_view footer, int64_t pages_end)
    : in_(footer), pages_end_(pages_end) {}

void ParquetReadFooterBase::read(int64_t& num_rows, std::vector<ParquetReadRowGroup>& row_groups) {
  try {
    file_meta(num_rows, row_groups);
  } catch (const ParquetReadError& e) {
    throw ParquetReadError(std::string("footer: ") + e.what());
  } catch (const std::exception& e) {  // Thrift's
    throw ParquetReadError(std::string("footer is corrupt: ") + e.what());
  }
  check(num_rows, row_groups);
}

void ParquetReadFooterBase::file_meta(int64_t& num_rows,
                                      std::vector<ParquetReadRowGroup>& row_groups) {
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) {
    switch (id) {
      case 2:
        schema(type);
        has_schema_ = true;
        break;
      case 3:
        num_rows = in_.i64(type, "FileMetaData.num_rows");
        has_num_rows_ = true;
        break;
      case 4:
        // Checked while read, against the schema (ParquetFooter writes it first).
        if (!has_schema_) throw ParquetReadError("the row groups come before the schema");
        this->row_groups(type, row_groups);
        has_row_groups_ = true;
        break;
      default:
        in_.skip(type);
    }
  }
  in_.struct_end();
}

void ParquetReadFooterBase::row_groups(TType type, std::vector<ParquetReadRowGroup>& row_groups) {
  uint32_t n = in_.list(type, TType::T_STRUCT, "FileMetaData.row_groups");
  row_groups.clear();
  for (uint32_t g = 0; g < n; ++g) row_groups.push_back(row_group(g));
}

ParquetReadRowGroup ParquetReadFooterBase::row_group(size_t g) {
  ParquetReadRowGroup rg;
  rg.num_rows = -1;
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) {
    if (id == 1) {
      columns(type, g, rg);
    } else if (id == 3) {
      rg.num_rows = in_.i64(type, "RowGroup.num_rows");
    } else {
      in_.skip(type);
    }
  }
  in_.struct_end();
  end_row_group(g, rg);
  return rg;
}

ParquetReadRawChunk ParquetReadFooterBase::column_chunk(bool one_name) {
  ParquetReadRawChunk c;
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) {
    if (id == 1) {
      c.other_file = true;
      in_.skip(type);
    } else if (id == 3) {
      in_.expect_struct(type, "ColumnChunk.meta_data");
      column_meta(c, one_name);
    } else {
      in_.skip(type);
    }
  }
  in_.struct_end();
  return c;
}

void ParquetReadFooterBase::column_meta(ParquetReadRawChunk& c, bool one_name) {
  c.has_meta = true;
  in_.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in_.field(id, type)) column_meta_field(id, type, c, one_name);
  in_.struct_end();
}

void ParquetReadFooterBase::column_meta_field(int16_t id, TType type, ParquetReadRawChunk& c,
                                              bool one_name) {
  switch (id) {
    case 1:
      c.type = in_.i32(type, "ColumnMetaData.type");
      break;
    case 2:
      encodings(type, c);
      break;
    case 3:
      path_in_schema(type, c, one_name);
      break;
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

void ParquetReadFooterBase::encodings(TType type, ParquetReadRawChunk& c) {
  uint32_t n = in_.list(type, TType::T_I32, "ColumnMetaData.encodings");
  for (uint32_t i = 0; i < n; ++i) {
    int32_t e = in_.i32_element();
    bool known = e == static_cast<int32_t>(parquet::Encoding::PLAIN) ||
                 e == static_cast<int32_t>(parquet::Encoding::RLE);
    if (!known && c.encoding < 0) c.encoding = e;
  }
}

void ParquetReadFooterBase::path_in_schema(TType type, ParquetReadRawChunk& c, bool one_name) {
  uint32_t n = in_.list(type, TType::T_STRING, "ColumnMetaData.path_in_schema");
  // Flat schemas only: a path of one name.
  if (one_name && n != 1) throw ParquetReadError("a path_in_schema of other than one name");
  c.path.clear();
  for (uint32_t i = 0; i < n; ++i) c.path.push_back(in_.binary_element());
}

void ParquetReadFooterBase::check(int64_t num_rows,
                                  const std::vector<ParquetReadRowGroup>& row_groups) const {
  if (!has_schema_) throw ParquetReadError("footer: no schema");
  if (!has_num_rows_ || num_rows < 0) throw ParquetReadError("footer: no number of rows");
  if (!has_row_groups_) throw ParquetReadError("footer: no row groups");
  int64_t all = 0;  // -1: more than int64 holds (every count is at least 0)
  for (const ParquetReadRowGroup& rg : row_groups) {
    if (rg.num_rows > std::numeric_limits<int64_t>::max() - all) {
      all = -1;
      break;
    }
    all += rg.num_rows;
  }
  if (all != num_rows) {
    throw ParquetReadError("footer: the row groups have " +
                           (all < 0 ? std::string("too many") : std::to_string(all)) +
                           " rows, the file " + std::to_string(num_rows));
  }
}

ParquetReadChunk ParquetReadFooterBase::check_chunk(const ParquetReadRawChunk& raw,
                                                    int32_t physical, bool path_ok,
                                                    const char* path_error, int64_t rows) const {
  if (raw.other_file) throw ParquetReadError("the chunk is in another file");
  if (!raw.has_meta) throw ParquetReadError("no metadata");
  if (raw.type != physical) {
    throw ParquetReadError("physical type " + parquet::physical_type_name(raw.type) +
                           " unlike the schema's");
  }
  if (!path_ok) throw ParquetReadError(path_error);
  if (raw.encoding >= 0) {
    throw ParquetReadError("unsupported encoding " + parquet::encoding_name(raw.encoding));
  }
  if (raw.dictionary) throw ParquetReadError("unsupported dictionary page");
  auto codec = static_cast<parquet::Codec>(raw.codec);
  if (codec != parquet::Codec::UNCOMPRESSED && codec != parquet::Codec::ZSTD) {
    throw ParquetReadError("unsupported codec " + parquet::codec_name(raw.codec));
  }
  if (rows < 0) {
    if (raw.num_values < 0) throw ParquetReadError("no number of values");
  } else if (raw.num_values < rows) {
    // Every row has at least one level in every leaf.
    throw ParquetReadError(std::to_string(raw.num_values) + " values for " + std::to_string(rows) +
                           " rows");
  }
  // The pages lie after the magic and before the footer.
  if (raw.offset < parquet::kMagicSize || raw.offset > pages_end_ || raw.size < 0 ||
      raw.size > pages_end_ - raw.offset) {
    throw ParquetReadError("pages at offset " + std::to_string(raw.offset) + " of size " +
                           std::to_string(raw.size) + " outside the file's pages (" +
                           std::to_string(pages_end_) + " bytes)");
  }
  return {codec, raw.num_values, raw.offset, raw.size};
}

ParquetReadMeta ParquetReadFooter::parse(std::string_view footer, int64_t pages_end) {
  ParquetReadFooter f(footer, pages_end);
  f.read(f.meta_.num_rows, f.meta_.row_groups);
  return std::move(f.meta_);
}

void ParquetReadFooter::schema(TType type) { meta_.columns = ParquetReadSchema::read(in_, type); }

void ParquetReadFooter::columns(TType type, size_t g, ParquetReadRowGroup& rg) {
  uint32_t n = in_.list(type, TType::T_STRUCT, "RowGroup.columns");
  rg.columns.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (i >= meta_.columns.size()) {
      throw ParquetReadError("row group " + std::to_string(g) + " has " + std::to_string(n) +
                             " column chunks for " + std::to_string(meta_.columns.size()) +
                             " columns");
    }
    ParquetReadRawChunk raw = column_chunk(true);
    try {
      rg.columns.push_back(check_chunk(meta_.columns[i], raw));
    } catch (const ParquetReadError& e) {
      throw ParquetReadError(std::string(e.what()) + " in " +
                             parquet_footer_chunk_name(meta_.columns[i], g));
    }
  }
}

void ParquetReadFooter::end_row_group(size_t g, ParquetReadRowGroup& rg) {
  if (rg.num_rows < 0) {
    throw ParquetReadError("row group " + std::to_string(g) + " has no number of rows");
  }
  if (rg.columns.size() != meta_.columns.size()) {
    throw ParquetReadError("row group " + std::to_string(g) + " has " +
                           std::to_string(rg.columns.size()) + " column chunks for " +
                           std::to_string(meta_.columns.size()) + " columns");
  }
  for (size_t i = 0; i < rg.columns.size(); ++i) {
    if (rg.columns[i].num_values != rg.num_rows) {
      throw ParquetReadError(std::to_string(rg.columns[i].num_values) + " values for " +
                             std::to_string(rg.num_rows) + " rows in " +
                             parquet_footer_chunk_name(meta_.columns[i], g));
    }
  }
}

ParquetReadChunk ParquetReadFooter::check_chunk(const ColumnSchema& column,
                                                const ParquetReadRawChunk& raw) const {
  // path_in_schema is of one name (or absent: empty).
  const std::string_view path = raw.path.empty() ? std::string_view() : raw.path.front();
  return ParquetReadFooterBase::check_chunk(
      raw, static_cast<int32_t>(parquet::physical_type(column)), path == column.name,
      "path_in_schema is not the column's name", -1);
}

}  // namespace sluice::operators::delta
