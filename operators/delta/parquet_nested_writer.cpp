#include "operators/delta/parquet_nested_writer.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "operators/delta/errc.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_nested_footer.h"
#include "operators/delta/parquet_row_group_writer.h"

namespace sluice::operators::delta {

ParquetNestedWriter::ParquetNestedWriter(ParquetNestedSchema schema, ParquetOptions options)
    : schema_(std::make_unique<ParquetNestedSchema>(std::move(schema))),
      options_(options),
      compressor_(std::make_unique<ParquetCompressor>(options.zstd, options.zstd_level)),
      thrift_(std::make_unique<ParquetThrift>()),
      shredder_(*schema_) {
  options_.row_group_rows = std::max<int64_t>(options_.row_group_rows, 1);
  options_.page_bytes = std::max<int64_t>(options_.page_bytes, 1);
  columns_.reserve(schema_->leaves().size());
  for (const ParquetNestedLeaf& leaf : schema_->leaves()) {
    columns_.emplace_back(leaf, options_.page_bytes, compressor_.get(), thrift_.get());
  }
  out_.append(parquet::kMagic, parquet::kMagicSize);
}

result<void> ParquetNestedWriter::append(const std::vector<Value>& row) {
  if (done_) return error::fatal(errc::io, "parquet: append to a finished or failed file");
  if (auto shredded = shredder_.shred(row, triples_); !shredded) return shredded;
  try {
    for (const ParquetNestedTriple& t : triples_) columns_[t.leaf].push(t.rep, t.def, t.value);
    ++rows_;
    if (++group_rows_ >= options_.row_group_rows) flush_row_group();
  } catch (const std::exception& e) {
    done_ = true;
    return error::fatal(errc::io, std::string("parquet: ") + e.what());
  }
  return {};
}

void ParquetNestedWriter::flush_row_group() {
  if (group_rows_ == 0) return;
  ParquetRowGroupMeta rg;
  rg.num_rows = group_rows_;
  rg.file_offset = static_cast<int64_t>(out_.size());
  rg.columns.reserve(columns_.size());
  for (auto& c : columns_) {
    rg.add_chunk(c.finish_chunk(), static_cast<int64_t>(out_.size()));
    out_.append(c.chunk());
    c.clear_chunk();
  }
  row_groups_.push_back(std::move(rg));
  group_rows_ = 0;
}

result<std::string> ParquetNestedWriter::finish() {
  if (done_) return error::fatal(errc::io, "parquet: finish of a finished or failed file");
  done_ = true;
  std::string footer;
  try {
    flush_row_group();
    footer = ParquetNestedFooter(*schema_, compressor_->codec()).encode(rows_, row_groups_);
  } catch (const std::exception& e) {
    return error::fatal(errc::io, std::string("parquet: ") + e.what());
  }
  parquet_end_footer(footer);
  out_.append(footer);
  return std::move(out_);
}

}  // namespace sluice::operators::delta
