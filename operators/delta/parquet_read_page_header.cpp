#include "operators/delta/parquet_read_page_header.h"

#include <exception>
#include <string>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_names.h"
#include "operators/delta/parquet_read_thrift.h"

namespace sluice::operators::delta {

namespace {

using TType = ParquetReadThrift::TType;

// What a page header says, as read (-1: absent).
struct ParquetPageFields {
  int32_t type = -1;
  int32_t uncompressed = -1;
  int32_t compressed = -1;
  int32_t num_values = -1;
  int32_t encoding = -1;
  int32_t level_encoding = -1;
  int32_t repetition_encoding = -1;
  bool data_header = false;
};

void parquet_read_data_page_header(ParquetReadThrift& in, ParquetPageFields& p) {
  p.data_header = true;
  in.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in.field(id, type)) {
    if (id == 1) {
      p.num_values = in.i32(type, "DataPageHeader.num_values");
    } else if (id == 2) {
      p.encoding = in.i32(type, "DataPageHeader.encoding");
    } else if (id == 3) {
      p.level_encoding = in.i32(type, "DataPageHeader.definition_level_encoding");
    } else if (id == 4) {
      p.repetition_encoding = in.i32(type, "DataPageHeader.repetition_level_encoding");
    } else {
      in.skip(type);
    }
  }
  in.struct_end();
}

ParquetPageFields parquet_read_page_fields(ParquetReadThrift& in) {
  ParquetPageFields p;
  in.struct_begin();
  int16_t id = 0;
  TType type = TType::T_STOP;
  while (in.field(id, type)) {
    if (id == 1) {
      p.type = in.i32(type, "PageHeader.type");
    } else if (id == 2) {
      p.uncompressed = in.i32(type, "PageHeader.uncompressed_page_size");
    } else if (id == 3) {
      p.compressed = in.i32(type, "PageHeader.compressed_page_size");
    } else if (id == 5) {
      in.expect_struct(type, "PageHeader.data_page_header");
      parquet_read_data_page_header(in, p);
    } else {
      in.skip(type);
    }
  }
  in.struct_end();
  return p;
}

void parquet_check_page_fields(const ParquetPageFields& p, bool nullable) {
  if (p.type != static_cast<int32_t>(parquet::PageType::DATA_PAGE)) {
    throw ParquetReadError("unsupported page type " + parquet::page_type_name(p.type));
  }
  if (!p.data_header) throw ParquetReadError("a data page without its DataPageHeader");
  if (p.uncompressed < 0 || p.compressed < 0 || p.num_values <= 0) {
    throw ParquetReadError("a page of " + std::to_string(p.num_values) + " values, " +
                           std::to_string(p.compressed) + " bytes (" +
                           std::to_string(p.uncompressed) + " uncompressed)");
  }
  if (p.encoding != static_cast<int32_t>(parquet::Encoding::PLAIN)) {
    throw ParquetReadError("unsupported encoding " + parquet::encoding_name(p.encoding));
  }
  if (nullable && p.level_encoding != static_cast<int32_t>(parquet::Encoding::RLE)) {
    throw ParquetReadError("unsupported definition level encoding " +
                           parquet::encoding_name(p.level_encoding));
  }
}

}  // namespace

ParquetReadPageHeader ParquetReadPageHeader::parse(std::string_view bytes, bool nullable) {
  ParquetReadThrift in(bytes);
  ParquetPageFields p;
  try {
    p = parquet_read_page_fields(in);
  } catch (const ParquetReadError& e) {
    throw ParquetReadError(std::string("page header: ") + e.what());
  } catch (const std::exception& e) {  // Thrift's
    throw ParquetReadError(std::string("page header is corrupt: ") + e.what());
  }
  parquet_check_page_fields(p, nullable);
  ParquetReadPageHeader h;
  h.uncompressed_size = p.uncompressed;
  h.compressed_size = p.compressed;
  h.num_values = p.num_values;
  h.header_size = in.consumed();
  h.repetition_level_encoding = p.repetition_encoding;
  return h;
}

}  // namespace sluice::operators::delta
