// Parses the footer of a Parquet file with nested columns (FileMetaData in Thrift's compact
// protocol) for ParquetNestedReader: the schema tree (ParquetReadNestedSchema), the row groups
// and, per leaf column, where its chunk lies and how it is stored — checked against the file:
// path_in_schema the leaf's path, PLAIN/RLE encodings without a dictionary page,
// uncompressed or zstd, inside the file's pages, at least one value per row.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_read_meta.h"
#include "operators/delta/parquet_read_thrift.h"

namespace sluice::operators::delta {

struct ParquetReadNestedMeta {
  ParquetNestedSchema schema;
  int64_t num_rows = 0;
  std::vector<ParquetReadRowGroup> row_groups;  // a chunk per leaf, in the leaves' order
};

class ParquetReadNestedFooter {
 public:
  // footer: the FileMetaData's bytes of a file whose pages lie in [4, pages_end). Throws
  // ParquetReadError (Thrift's exceptions become one).
  static ParquetReadNestedMeta parse(std::string_view footer, int64_t pages_end);

 private:
  using TType = ParquetReadThrift::TType;
  // A ColumnChunk as read (-1: absent).
  struct RawChunk {
    int32_t type = -1;
    int32_t codec = -1;
    int64_t num_values = -1;
    int64_t offset = -1;
    int64_t size = -1;
    std::vector<std::string> path;
    int32_t encoding = -1;  // the first encoding other than PLAIN and RLE
    bool has_meta = false;
    bool dictionary = false;  // dictionary_page_offset is set
    bool other_file = false;  // file_path is set
  };

  ParquetReadNestedFooter(std::string_view footer, int64_t pages_end);
  void file_meta();
  void row_groups(TType type);
  ParquetReadRowGroup row_group(size_t g);
  RawChunk column_chunk();
  void column_meta(RawChunk& c);
  void column_meta_field(int16_t id, TType type, RawChunk& c);
  ParquetReadChunk check_chunk(const ParquetNestedLeaf& leaf, const RawChunk& raw,
                               int64_t rows) const;
  void check() const;

  ParquetReadThrift in_;
  int64_t pages_end_;
  bool has_schema_ = false;
  bool has_num_rows_ = false;
  bool has_row_groups_ = false;
  ParquetReadNestedMeta meta_;
};

}  // namespace sluice::operators::delta
