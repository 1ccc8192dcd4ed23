// Parses the footer of a Parquet file (FileMetaData in Thrift's compact protocol: the schema,
// the row groups, their column chunks' metadata) into a ParquetReadMeta, and checks it against
// the file: every chunk of the schema's type, PLAIN/RLE encoded, uncompressed or zstd, inside
// the file's pages, with as many values as its row group has rows.
// ParquetReadFooterBase is what this and ParquetReadNestedFooter share: the FileMetaData's
// and the row groups' fields, the column chunks as read and their checks of storage.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "operators/delta/parquet_read_meta.h"
#include "operators/delta/parquet_read_thrift.h"

namespace sluice::operators::delta {

// The footer's bytes (FileMetaData) of a whole Parquet file: "PAR1", the pages, the footer, its
// length (4 bytes, little-endian), "PAR1". pages_end: where the pages end (the footer starts).
// Throws ParquetReadError.
std::string_view parquet_read_footer_of(std::string_view file, int64_t& pages_end);

// A ColumnChunk as read (-1: absent).
struct ParquetReadRawChunk {
  int32_t type = -1;
  int32_t codec = -1;
  int64_t num_values = -1;
  int64_t offset = -1;
  int64_t size = -1;
  std::vector<std::string> path;  // path_in_schema
  int32_t encoding = -1;          // the first encoding other than PLAIN and RLE
  bool has_meta = false;
  bool dictionary = false;  // dictionary_page_offset is set
  bool other_file = false;  // file_path is set
};

class ParquetReadFooterBase {
 public:
  ParquetReadFooterBase(const ParquetReadFooterBase&) = delete;
  ParquetReadFooterBase& operator=(const ParquetReadFooterBase&) = delete;

 protected:
  using TType = ParquetReadThrift::TType;

  ParquetReadFooterBase(std::string_view footer, int64_t pages_end);
  virtual ~ParquetReadFooterBase() = default;

  // Reads the FileMetaData into num_rows and row_groups (the schema by schema()), then checks
  // that the row groups' rows add up to the file's. Throws ParquetReadError (Thrift's
  // exceptions become one).
  void read(int64_t& num_rows, std::vector<ParquetReadRowGroup>& row_groups);
  // FileMetaData.schema.
  virtual void schema(TType type) = 0;
  // RowGroup.columns of row group g.
  virtual void columns(TType type, size_t g, ParquetReadRowGroup& rg) = 0;
  // After row group g is read.
  virtual void end_row_group(size_t g, ParquetReadRowGroup& rg) = 0;

  // one_name: a path_in_schema of other than one name is an error (flat schemas).
  ParquetReadRawChunk column_chunk(bool one_name);
  // Checks raw against its column: of the physical type, path_ok (else path_error), of
  // supported encodings and codec, of at least `rows` values (-1: of a number of values),
  // inside the file's pages.
  ParquetReadChunk check_chunk(const ParquetReadRawChunk& raw, int32_t physical, bool path_ok,
                               const char* path_error, int64_t rows) const;

  ParquetReadThrift in_;

 private:
  void file_meta(int64_t& num_rows, std::vector<ParquetReadRowGroup>& row_groups);
  void row_groups(TType type, std::vector<ParquetReadRowGroup>& row_groups);
  ParquetReadRowGroup row_group(size_t g);
  void column_meta(ParquetReadRawChunk& c, bool one_name);
  void column_meta_field(int16_t id, TType type, ParquetReadRawChunk& c, bool one_name);
  void encodings(TType type, ParquetReadRawChunk& c);
  void path_in_schema(TType type, ParquetReadRawChunk& c, bool one_name);
  void check(int64_t num_rows, const std::vector<ParquetReadRowGroup>& row_groups) const;

  int64_t pages_end_;
  bool has_schema_ = false;
  bool has_num_rows_ = false;
  bool has_row_groups_ = false;
};

class ParquetReadFooter final : private ParquetReadFooterBase {
 public:
  // footer: the FileMetaData's bytes of a file whose pages lie in [4, pages_end). Throws
  // ParquetReadError (Thrift's exceptions become one).
  static ParquetReadMeta parse(std::string_view footer, int64_t pages_end);

 private:
  ParquetReadFooter(std::string_view footer, int64_t pages_end)
      : ParquetReadFooterBase(footer, pages_end) {}
  void schema(TType type) override;
  void columns(TType type, size_t g, ParquetReadRowGroup& rg) override;
  void end_row_group(size_t g, ParquetReadRowGroup& rg) override;
  ParquetReadChunk check_chunk(const ColumnSchema& column, const ParquetReadRawChunk& raw) const;

  ParquetReadMeta meta_;
};

}  // namespace sluice::operators::delta
