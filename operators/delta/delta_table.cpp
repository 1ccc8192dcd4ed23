#include "operators/delta/delta_table.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "base/json.h"
#include "operators/delta/delta_files.h"
#include "operators/delta/delta_type_map.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"

namespace sluice::operators::delta {
namespace {

// The change columns before the row's own (mode append).
constexpr size_t kCdcColumns = 3;

std::vector<ColumnSchema> cdc_columns() {
  ColumnSchema op{"cdc_operation", ColumnType::String, 0, 0, false};
  ColumnSchema ts{"cdc_timestamp", ColumnType::Timestamp, 0, 0, false};
  ColumnSchema pos{"cdc_position", ColumnType::String, 0, 0, true};
  return {op, ts, pos};
}

// The declared type of column `name` in the event's source, or "".
std::string declared_type(const Event& e, const std::string& name) {
  if (!e.source) return {};
  const SourceMeta& m = *e.source;
  for (size_t i = 0; i < m.column_names.size() && i < m.column_types.size(); ++i) {
    if (m.column_names[i] == name) return m.column_types[i];
  }
  return {};
}

// A value for a text column: nested values as JSON, the rest as displayed.
Value as_text(const Value& v) {
  if (v.type() == Type::Object || v.type() == Type::List) return Value::string(json::encode(v));
  if (v.type() == Type::Decimal) return Value::string(v.as_decimal().to_string());
  return Value::string(v.to_display());
}

// Whether min/max of a column go into the add's stats (Delta readers skip files by them).
bool stats_worthy(const ColumnSchema& c, const Value& v) {
  if (v.is_null() || c.type == ColumnType::Binary) return false;
  if (v.type() == Type::String) return v.as_string().size() <= 32;  // Delta's prefix length
  if (v.type() == Type::Float) return std::isfinite(v.as_float());
  return true;
}

}  // namespace

DeltaTable::DeltaTable(std::string dir, TableSettings settings)
    : dir_(std::move(dir)), settings_(std::move(settings)), log_(dir_) {}

DeltaTable::~DeltaTable() = default;

result<void> DeltaTable::open() {
  if (auto r = make_dirs(dir_); !r) return r;
  if (auto r = log_.load(); !r) return r;
  if (log_.version() < 0) {
    for (ColumnSchema& c : cdc_columns()) add_column(std::move(c));
    return {};
  }
  const auto& existing = log_.schema();
  const auto cdc = cdc_columns();
  for (size_t i = 0; i < cdc.size(); ++i) {
    if (existing.size() <= i || existing[i].name != cdc[i].name) {
      return error::fatal(errc::log, dir_ +
                                         ": the table's schema does not start with the "
                                         "change columns of mode append (cdc_operation, "
                                         "cdc_timestamp, cdc_position)");
    }
  }
  for (const ColumnSchema& c : existing) add_column(c);
  return {};
}

void DeltaTable::add_column(ColumnSchema c) {
  if (schema_.size() >= kCdcColumns) c.nullable = true;  // a truncate's row has none
  column_of_[intern(c.name)] = schema_.size();
  schema_.push_back(std::move(c));
}

result<void> DeltaTable::ensure_columns(const Event& e) {
  std::vector<ColumnSchema> added;
  for (const Field& f : e.row.fields()) {
    if (column_of_.count(f.name) != 0) continue;
    const std::string& name = sym_name(f.name);
    std::optional<ColumnSchema> c = column_for_source(name, declared_type(e, name));
    if (!c) c = column_for_value(name, f.value);
    if (!c) continue;  // null and undeclared: typed when a value comes
    bool dup = false;
    for (const auto& a : added) dup = dup || a.name == name;
    if (!dup) added.push_back(std::move(*c));
  }
  if (added.empty()) return {};
  if (auto s = seal(); !s) return s;  // a data file has one schema
  for (ColumnSchema& c : added) add_column(std::move(c));
  return {};
}

void DeltaTable::fill_row(const Event& e) {
  scratch_.assign(schema_.size(), Value());
  row_.assign(schema_.size(), nullptr);
  scratch_[0] = Value::string(op_code(e.op));
  scratch_[1] = Value::timestamp(e.ts);
  if (e.position.type() == Type::String) {
    row_[2] = &e.position;
  } else if (!e.position.is_null()) {
    scratch_[2] = Value::string(json::encode(e.position));
  }
  for (size_t i = 0; i < kCdcColumns; ++i) {
    if (row_[i] == nullptr) row_[i] = &scratch_[i];
  }
  if (e.op == Op::Truncate) return;
  for (const Field& f : e.row.fields()) {
    auto it = column_of_.find(f.name);
    if (it == column_of_.end() || f.value.is_null()) continue;
    const size_t i = it->second;
    if (schema_[i].type == ColumnType::String && f.value.type() != Type::String) {
      scratch_[i] = as_text(f.value);
      row_[i] = &scratch_[i];
    } else {
      row_[i] = &f.value;
    }
  }
}

result<void> DeltaTable::start_file() {
  char name[64];
  std::snprintf(name, sizeof name, "-%05lld.%sparquet", static_cast<long long>(file_seq_++),
                settings_.parquet.zstd ? "zstd." : "");
  writer_path_ = settings_.file_prefix + name;
  writer_ = std::make_unique<ParquetWriter>(schema_, settings_.parquet);
  if (auto r = writer_->open(dir_ + "/" + writer_path_); !r) {
    writer_.reset();
    return error::fatal(errc::io, r.err().message);
  }
  return {};
}

result<void> DeltaTable::append(const Event& e) {
  if (auto r = ensure_columns(e); !r) return r;
  if (!writer_) {
    if (auto r = start_file(); !r) return r;
  }
  fill_row(e);
  if (auto r = writer_->append(row_); !r) {
    if (r.err().code == make_error_code(errc::io)) return error::fatal(errc::io, r.err().message);
    return error::permanent(r.err().code, dir_ + ": " + r.err().message);
  }
  ++rows_written_;
  if (writer_->rows() >= settings_.file_rows || writer_->bytes() >= settings_.file_size) {
    return seal();
  }
  return {};
}

result<void> DeltaTable::seal() {
  if (!writer_) return {};
  std::unique_ptr<ParquetWriter> w = std::move(writer_);
  const std::string full = dir_ + "/" + writer_path_;
  if (auto r = w->close(); !r) return error::fatal(errc::io, full + ": " + r.err().message);
  if (w->rows() == 0) {
    ::unlink(full.c_str());
    return {};
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(full, ec);
  if (ec) return error::fatal(errc::io, full + ": " + ec.message());
  if (auto r = sync_dir(dir_); !r) return error::fatal(errc::io, r.err().message);
  AddFile a;
  a.path = writer_path_;
  a.size = static_cast<int64_t>(size);
  a.modification_time = now_millis();
  a.rows = w->rows();
  a.stats = stats_of(*w);
  sealed_.push_back(std::move(a));
  return {};
}

std::string DeltaTable::stats_of(const ParquetWriter& w) const {
  std::string mins;
  std::string maxs;
  std::string nulls;
  const auto& cols = w.columns();
  const auto& st = w.stats();
  for (size_t i = 0; i < cols.size() && i < st.size(); ++i) {
    std::string key;
    json::encode_string(cols[i].name, key);
    nulls += (nulls.empty() ? "" : ",") + key + ":" + std::to_string(st[i].null_count);
    if (stats_worthy(cols[i], st[i].min) && stats_worthy(cols[i], st[i].max)) {
      mins += (mins.empty() ? "" : ",") + key + ":" + json::encode(st[i].min);
      maxs += (maxs.empty() ? "" : ",") + key + ":" + json::encode(st[i].max);
    }
  }
  return "{\"numRecords\":" + std::to_string(w.rows()) + ",\"minValues\":{" + mins +
         "},\"maxValues\":{" + maxs + "},\"nullCount\":{" + nulls + "}}";
}

}  // namespace sluice::operators::delta
