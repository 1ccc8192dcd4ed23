// Parses the footer of a Parquet file (FileMetaData in Thrift's compact protocol: the schema,
// the row groups, their column chunks' metadata) into a ParquetReadMeta, and checks it against
// the file: every chunk of the schema's type, PLAIN/RLE encoded, uncompressed or zstd, inside
// the file's pages, with as many values as its row group has rows.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "operators/delta/parquet_read_meta.h"
#include "operators/delta/parquet_read_thrift.h"

namespace sluice::operators::delta {

class ParquetReadFooter {
 public:
  // footer: the FileMetaData's bytes of a file whose pages lie in [4, pages_end). Throws
  // ParquetReadError (Thrift's exceptions become one).
  static ParquetReadMeta parse(std::string_view footer, int64_t pages_end);

 private:
  using TType = ParquetReadThrift::TType;
  // A ColumnChunk as read (-1: absent), checked against its column as soon as it is read.
  struct RawChunk {
    int32_t type = -1;
    int32_t codec = -1;
    int64_t num_values = -1;
    int64_t offset = -1;
    int64_t size = -1;
    std::string path;       // path_in_schema, of one name
    int32_t encoding = -1;  // the first encoding other than PLAIN and RLE
    bool has_meta = false;
    bool dictionary = false;  // dictionary_page_offset is set
    bool other_file = false;  // file_path is set
  };

  ParquetReadFooter(std::string_view footer, int64_t pages_end);
  void file_meta();
  void file_meta_field(int16_t id, TType type);
  void row_groups(TType type);
  ParquetReadRowGroup row_group(size_t g);
  void chunks(TType type, size_t g, ParquetReadRowGroup& rg);
  RawChunk column_chunk();
  void column_meta(RawChunk& c);
  void column_meta_field(int16_t id, TType type, RawChunk& c);
  void encodings(TType type, RawChunk& c);
  void check_row_group(size_t g, const ParquetReadRowGroup& rg) const;
  void check() const;
  ParquetReadChunk check_chunk(const ColumnSchema& column, const RawChunk& raw) const;

  ParquetReadThrift in_;
  int64_t pages_end_;
  bool has_schema_ = false;
  bool has_num_rows_ = false;
  bool has_row_groups_ = false;
  ParquetReadMeta meta_;
};

}  // namespace sluice::operators::delta
