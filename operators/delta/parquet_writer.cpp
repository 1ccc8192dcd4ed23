#include "operators/delta/parquet_writer.h"

#include <algorithm>
#include <exception>
#include <set>
#include <utility>

#include "operators/delta/errc.h"
#include "operators/delta/parquet_footer.h"
#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_row_group_writer.h"

namespace sluice::operators::delta {

namespace {

// The schema the encoders work with: a Decimal's precision and scale brought into range, so
// that an invalid schema (which open() refuses) cannot reach outside their tables.
ColumnSchema parquet_bounded_schema(ColumnSchema c) {
  if (c.type == ColumnType::Decimal) {
    c.precision = std::clamp(c.precision, 1, 38);
    c.scale = std::clamp(c.scale, 0, c.precision);
  }
  return c;
}

}  // namespace

ParquetWriter::ParquetWriter(std::vector<ColumnSchema> columns, ParquetOptions options)
    : columns_(std::move(columns)),
      options_(options),
      cells_(columns_.size()),
      compressor_(std::make_unique<ParquetCompressor>(options.zstd, options.zstd_level)),
      thrift_(std::make_unique<ParquetThrift>()),
      stats_(columns_.size()) {
  options_.row_group_rows = std::max<int64_t>(options_.row_group_rows, 1);
  options_.page_bytes = std::max<int64_t>(options_.page_bytes, 1);
  converters_.reserve(columns_.size());
  writers_.reserve(columns_.size());
  for (const auto& c : columns_) {
    ColumnSchema b = parquet_bounded_schema(c);
    converters_.emplace_back(b);
    writers_.emplace_back(b, options_.page_bytes, compressor_.get(), thrift_.get());
  }
}

ParquetWriter::~ParquetWriter() = default;
ParquetWriter::ParquetWriter(ParquetWriter&&) noexcept = default;
ParquetWriter& ParquetWriter::operator=(ParquetWriter&&) noexcept = default;

result<void> ParquetWriter::open(const std::string& path) {
  if (auto checked = check_schema(); !checked) return checked;
  file_.close();
  for (auto& w : writers_) w.reset();
  row_groups_.clear();
  rows_ = 0;
  group_rows_ = 0;
  failed_ = false;
  if (auto opened = file_.open(path); !opened) {
    failed_ = true;
    return opened;
  }
  if (auto wrote = file_.write({parquet::kMagic, parquet::kMagicSize}); !wrote) {
    failed_ = true;
    return wrote;
  }
  return {};
}

result<void> ParquetWriter::check_schema() const {
  std::set<std::string> names;
  for (const auto& c : columns_) {
    if (c.name.empty() || !names.insert(c.name).second) {
      return error::fatal(errc::type_mismatch,
                          "parquet: column name '" + c.name + "' is empty or appears twice");
    }
    if (c.type == ColumnType::Decimal &&
        (c.precision < 1 || c.precision > 38 || c.scale < 0 || c.scale > c.precision)) {
      return error::fatal(errc::type_mismatch,
                          "parquet: column '" + c.name + "' is decimal(" +
                              std::to_string(c.precision) + ", " + std::to_string(c.scale) +
                              "): the precision must be 1..38 and the scale 0..precision");
    }
  }
  return {};
}

result<void> ParquetWriter::append(const std::vector<const Value*>& row) {
  if (!file_.is_open() || failed_) {
    return error::fatal(errc::io, "parquet: append to a file that is not open: " + file_.path());
  }
  if (auto checked = check(row); !checked) return checked;  // fills cells_
  try {
    for (size_t i = 0; i < row.size(); ++i) writers_[i].push(cells_[i]);
  } catch (const std::exception& e) {
    return io_failure(e.what());
  }
  ++rows_;
  if (++group_rows_ >= options_.row_group_rows) return flush_row_group();
  return {};
}

result<void> ParquetWriter::check(const std::vector<const Value*>& row) {
  if (row.size() != columns_.size()) {
    return error::permanent(errc::type_mismatch, "parquet: a row of " + std::to_string(row.size()) +
                                                     " values for " +
                                                     std::to_string(columns_.size()) + " columns");
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (auto code = converters_[i].convert(row[i], cells_[i])) return value_error(i, row[i], *code);
  }
  return {};
}

error ParquetWriter::value_error(size_t column, const Value* v, errc code) const {
  const ColumnSchema& c = columns_[column];
  std::string type = parquet::column_type_name(c.type);
  if (c.type == ColumnType::Decimal) {
    type += "(" + std::to_string(c.precision) + ", " + std::to_string(c.scale) + ")";
  }
  if (!c.nullable) type += " not null";
  const char* value_type = v == nullptr ? "null" : type_name(v->type());
  return error::permanent(code, "column '" + c.name + "' (" + type + "): " + value_type +
                                    " value: " + make_error_code(code).message());
}

result<void> ParquetWriter::flush_row_group() {
  if (group_rows_ == 0) return {};
  ParquetRowGroupMeta rg;
  rg.num_rows = group_rows_;
  rg.file_offset = file_.offset();
  rg.columns.reserve(writers_.size());
  for (auto& w : writers_) {
    try {
      rg.add_chunk(w.finish_chunk(), file_.offset());
    } catch (const std::exception& e) {
      return io_failure(e.what());
    }
    if (auto wrote = file_.write(w.chunk()); !wrote) {
      failed_ = true;
      return wrote;
    }
    w.clear_chunk();
  }
  row_groups_.push_back(std::move(rg));
  group_rows_ = 0;
  return {};
}

result<void> ParquetWriter::close() {
  if (!file_.is_open() || failed_) {
    return error::fatal(errc::io, "parquet: close of a file that is not open: " + file_.path());
  }
  if (auto flushed = flush_row_group(); !flushed) return flushed;
  if (auto footer = write_footer(); !footer) return footer;
  if (auto closed = file_.sync_and_close(); !closed) {
    failed_ = true;
    return closed;
  }
  return {};
}

result<void> ParquetWriter::write_footer() {
  std::string footer;
  try {
    footer = ParquetFooter(columns_, compressor_->codec()).encode(rows_, row_groups_);
  } catch (const std::exception& e) {
    return io_failure(e.what());
  }
  parquet_end_footer(footer);
  if (auto wrote = file_.write(footer); !wrote) {
    failed_ = true;
    return wrote;
  }
  return {};
}

error ParquetWriter::io_failure(const std::string& what) {
  failed_ = true;
  return error::transient(errc::io, "parquet: " + file_.path() + ": " + what);
}

int64_t ParquetWriter::bytes() const {
  int64_t n = file_.offset();
  for (const auto& w : writers_) n += w.estimated_bytes();
  return n;
}

const std::vector<ColumnStats>& ParquetWriter::stats() const {
  for (size_t i = 0; i < writers_.size(); ++i) stats_[i] = writers_[i].column_stats();
  return stats_;
}

}  // namespace sluice::operators::delta
