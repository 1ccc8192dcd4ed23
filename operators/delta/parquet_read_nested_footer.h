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
#include "operators/delta/parquet_read_footer.h"
#include "operators/delta/parquet_read_meta.h"

namespace sluice::operators::delta {

struct ParquetReadNestedMeta {
  ParquetNestedSchema schema;
  int64_t num_rows = 0;
  std::vector<ParquetReadRowGroup> row_groups;  // a chunk per leaf, in the leaves' order
};

class ParquetReadNestedFooter final : private ParquetReadFooterBase {
 public:
  // footer: the FileMetaData's bytes of a file whose pages lie in [4, pages_end). Throws
  // ParquetReadError (Thrift's exceptions become one).
  static ParquetReadNestedMeta parse(std::string_view footer, int64_t pages_end);

 private:
  ParquetReadNestedFooter(std::string_view footer, int64_t pages_end)
      : ParquetReadFooterBase(footer, pages_end) {}
  void schema(TType type) override;
  void columns(TType type, size_t g, ParquetReadRowGroup& rg) override;
  void end_row_group(size_t g, ParquetReadRowGroup& rg) override;

  std::vector<ParquetReadRawChunk> raw_;  // the open row group's chunks, checked at its end
  ParquetReadNestedMeta meta_;
};

}  // namespace sluice::operators::delta
