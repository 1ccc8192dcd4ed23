#include "operators/delta/parquet_nested_reader.h"

#include <cstring>
#include <exception>
#include <utility>

#include "operators/delta/errc.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_nested_assembler.h"

namespace sluice::operators::delta {

ParquetNestedReader::ParquetNestedReader() : zstd_(std::make_unique<ParquetReadDecompressor>()) {}
ParquetNestedReader::~ParquetNestedReader() = default;

result<void> ParquetNestedReader::open(std::string bytes, std::string name) {
  name_ = std::move(name);
  bytes_ = std::move(bytes);
  open_ = false;
  meta_ = {};
  columns_.clear();
  if (auto parsed = parquet_read_guarded(name_, kParquetNoRowGroup, [this] { parse(); }); !parsed) {
    meta_ = {};
    bytes_ = {};
    return parsed;
  }
  columns_.reserve(meta_.schema.leaves().size());
  for (const auto& leaf : meta_.schema.leaves()) columns_.emplace_back(leaf, zstd_.get());
  open_ = true;
  return {};
}

void ParquetNestedReader::parse() {
  int64_t pages_end = 0;
  std::string_view footer = parquet_read_footer_of(bytes_, pages_end);
  meta_ = ParquetReadNestedFooter::parse(footer, pages_end);
}

result<void> ParquetNestedReader::read_rows(const std::function<result<void>(Object& row)>& f) {
  if (!open_) return error::fatal(errc::io, "parquet: read_rows() without an open file");
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    if (auto r = read_row_group(g, f); !r) return r;
  }
  return {};
}

result<void> ParquetNestedReader::read_row_group(
    size_t g, const std::function<result<void>(Object& row)>& f) {
  const ParquetReadRowGroup& rg = meta_.row_groups[g];
  std::string_view file(bytes_);
  auto chunks = parquet_read_guarded(name_, g, [&] {
    for (size_t i = 0; i < columns_.size(); ++i) {
      const ParquetReadChunk& c = rg.columns[i];
      // The footer checked that the chunk lies within the file.
      columns_[i].read_chunk(
          file.substr(static_cast<size_t>(c.offset), static_cast<size_t>(c.size)), c);
    }
  });
  if (!chunks) return chunks;
  ParquetReadNestedAssembler assembler(meta_.schema, columns_);
  Object row;
  for (int64_t r = 0; r < rg.num_rows; ++r) {
    if (auto read = parquet_read_guarded(name_, g, [&] { assembler.record(row); }); !read) {
      return read;
    }
    if (auto done = f(row); !done) return done;
  }
  return parquet_read_guarded(name_, g, [this] {
    for (const auto& c : columns_) c.finish();
  });
}

}  // namespace sluice::operators::delta
