#include "operators/delta/delta_table.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "base/json.h"
#include "base/logger.h"
#include "operators/delta/compaction.h"
#include "operators/delta/delta_files.h"
#include "operators/delta/delta_schema.h"
#include "operators/delta/delta_type_map.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/local_table_store.h"
#include "operators/delta/sink_tables.h"
#include "operators/delta/upsert_merge.h"

namespace sluice::operators::delta {
namespace {

// The change columns before the row's own.
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

// cdc_operation's value for each operation, made once (a row points at it).
const Value& op_value(Op op) {
  static const Value kValues[] = {Value::string("c"), Value::string("u"), Value::string("d"),
                                  Value::string("r"), Value::string("t"), Value::string("s")};
  switch (op) {
    case Op::Create:
      return kValues[0];
    case Op::Update:
      return kValues[1];
    case Op::Delete:
      return kValues[2];
    case Op::Read:
      return kValues[3];
    case Op::Truncate:
      return kValues[4];
    case Op::Schema:
      return kValues[5];
  }
  return kValues[0];
}

// Whether min/max of a column go into the add's stats (Delta readers skip files by them).
bool stats_worthy(const ColumnSchema& c, const Value& v) {
  if (v.is_null() || c.type == ColumnType::Binary) return false;
  if (v.type() == Type::String) return v.as_string().size() <= 32;  // Delta's prefix length
  if (v.type() == Type::Float) return std::isfinite(v.as_float());
  return true;
}

}  // namespace

DeltaTable::DeltaTable(std::shared_ptr<TableStore> store, TableSettings settings)
    : store_(std::move(store)),
      dir_(store_->location()),
      settings_(std::move(settings)),
      log_(store_) {}

DeltaTable::DeltaTable(const std::string& dir, TableSettings settings)
    : DeltaTable(std::make_shared<LocalTableStore>(dir), std::move(settings)) {}

DeltaTable::~DeltaTable() = default;

result<void> DeltaTable::open() {
  if (auto r = store_->prepare(); !r) return r;
  if (auto r = log_.load(); !r) return r;
  live_ = log_.live();
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
                                         "change columns (cdc_operation, cdc_timestamp, "
                                         "cdc_position): not a table of this sink");
    }
  }
  for (const ColumnSchema& c : existing) add_column(c);
  return {};
}

void DeltaTable::add_column(ColumnSchema c) {
  if (schema_.size() >= kCdcColumns) c.nullable = true;  // a truncate's row has none
  column_of_[intern(c.name)] = schema_.size();
  schema_.push_back(std::move(c));
  checker_.reset();
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
  for (ColumnSchema& c : added) {
    if (spark_refuses_column_name(c.name)) warn_spark_name(c.name);
    add_column(std::move(c));
  }
  return {};
}

void DeltaTable::warn_spark_name(const std::string& name) const {
  log::warn("delta", dir_ + ": column '" + name +
                         "' has a space or one of ,;{}()= in its name: Spark and Databricks "
                         "refuse such a name in a Delta table without column mapping (which "
                         "this sink does not write); DuckDB, delta-rs and Trino read it. To "
                         "read the table in Spark, rename the field in a transform before the "
                         "sink (docs/delta.md, \"Column names\")");
}

void DeltaTable::fill_row(const Event& e) {
  scratch_.assign(schema_.size(), Value());
  row_.assign(schema_.size(), nullptr);
  row_[0] = &op_value(e.op);
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
    if (stored_as_text(schema_[i], f.value)) {
      scratch_[i] = text_of(f.value);
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
  if (auto r = writer_->open(store_->local_path(writer_path_)); !r) {
    writer_.reset();
    return error::fatal(errc::io, r.err().message);
  }
  return {};
}

result<void> DeltaTable::apply(const Event& e) {
  if (auto r = ensure_columns(e); !r) return r;
  if (settings_.upsert) return stage(e);
  fill_row(e);
  return append_row();
}

result<void> DeltaTable::append_row() {
  if (!writer_) {
    if (auto r = start_file(); !r) return r;
  }
  if (auto r = writer_->append(row_); !r) {
    if (r.err().code == make_error_code(errc::io)) return error::fatal(errc::io, r.err().message);
    return error::permanent(r.err().code, dir_ + ": " + r.err().message);
  }
  if (writer_->rows() >= settings_.file_rows || writer_->bytes() >= settings_.file_size) {
    return seal();
  }
  return {};
}

result<void> DeltaTable::write_cells(std::vector<Value>& cells) {
  cells.resize(schema_.size());
  row_.assign(schema_.size(), nullptr);
  for (size_t i = 0; i < cells.size(); ++i) row_[i] = &cells[i];
  return append_row();
}

result<void> DeltaTable::check_row() {
  if (!checker_) checker_ = std::make_unique<ParquetWriter>(schema_, settings_.parquet);
  if (auto r = checker_->check(row_); !r) {
    return error::permanent(r.err().code, dir_ + ": " + r.err().message);
  }
  return {};
}

result<void> DeltaTable::resolve_key(const Event& e) {
  static const std::vector<std::string> kNone;
  const std::vector<std::string>& names =
      !settings_.key.empty() ? settings_.key : (e.source ? e.source->primary_key : kNone);
  key_index_.clear();
  for (const std::string& n : names) {
    auto it = column_of_.find(intern(n));
    if (it == column_of_.end()) {
      return error::permanent(errc::type_mismatch,
                              dir_ + ": key column '" + n + "' has no value in any row yet");
    }
    key_index_.push_back(it->second);
  }
  return {};
}

std::string DeltaTable::key_of_cells(const std::vector<Value>& cells) const {
  std::string key;
  static const Value kNull;
  auto cell = [&](size_t i) -> const Value& { return i < cells.size() ? cells[i] : kNull; };
  if (keyed()) {
    for (size_t i : key_index_) append_key_part(cell(i), key);
  } else {
    for (size_t i = kCdcColumns; i < schema_.size(); ++i) append_key_part(cell(i), key);
  }
  return key;
}

result<std::string> DeltaTable::key_of_row() const {
  std::string key;
  for (size_t i : key_index_) {
    if (row_[i] == nullptr || row_[i]->is_null()) {
      return error::permanent(errc::null_in_required,
                              dir_ + ": key column '" + schema_[i].name + "' is null");
    }
    append_key_part(*row_[i], key);
  }
  return key;
}

// The key (keyed) or identity (keyless) of an image that is not the row being staged.
std::string DeltaTable::identity_of(const Object& image) const {
  std::string key;
  auto part = [&](size_t i) {
    const Value* v = image.find(intern(schema_[i].name));
    if (v == nullptr || !stored_as_text(schema_[i], *v)) {
      append_key_part(v == nullptr ? Value() : *v, key);
    } else {
      append_key_part(text_of(*v), key);
    }
  };
  if (keyed()) {
    for (size_t i : key_index_) part(i);
  } else {
    for (size_t i = kCdcColumns; i < schema_.size(); ++i) part(i);
  }
  return key;
}

result<void> DeltaTable::stage(const Event& e) {
  if (e.op == Op::Truncate) {
    batch_.truncate();
    return {};
  }
  if (auto r = resolve_key(e); !r) return r;
  fill_row(e);
  if (!keyed()) {
    if (e.op == Op::Delete) {
      batch_.erase_one(identity_of(e.row));
      return {};
    }
    if (auto c = check_row(); !c) return c;
    if (e.op == Op::Update && e.has_before) batch_.erase_one(identity_of(e.before));
    std::vector<Value> cells(row_.size());
    for (size_t i = 0; i < row_.size(); ++i) cells[i] = row_[i] ? *row_[i] : Value();
    std::string identity = key_of_cells(cells);
    batch_.insert(std::move(identity), std::move(cells));
    return {};
  }
  auto key = key_of_row();
  if (!key.ok()) return key.err();
  const Value first = *row_[key_index_[0]];
  if (e.op == Op::Delete) {
    batch_.erase(key.value(), first);
    return {};
  }
  if (auto c = check_row(); !c) return c;
  if (e.op == Op::Update && e.has_before) {
    std::string old = identity_of(e.before);
    if (old != key.value()) {
      const Value* old_first = e.before.find(intern(schema_[key_index_[0]].name));
      batch_.erase(old, old_first ? *old_first : Value());
    }
  }
  std::vector<Value> cells(row_.size());
  for (size_t i = 0; i < row_.size(); ++i) cells[i] = row_[i] ? *row_[i] : Value();
  batch_.upsert(key.value(), std::move(cells), first);
  return {};
}

result<TableCommit> DeltaTable::prepare_commit() {
  TableCommit c;
  c.dir = dir_;
  if (settings_.upsert && !batch_.empty()) {
    UpsertMerge merge(*this, batch_);
    if (auto r = merge.run(c.removes); !r) return r.err();
    batch_.clear();
  }
  if (auto s = seal(); !s) return s.err();
  c.adds = std::move(sealed_);
  sealed_.clear();
  c.schema = schema_;
  for (const RemoveFile& r : c.removes) live_.erase(r.path);
  for (const AddFile& a : c.adds) live_[a.path] = a;
  if (auto r = compact(c); !r) return r.err();
  return c;
}

result<void> DeltaTable::compact(TableCommit& c) {
  Compaction compaction(*this, settings_.optimize_files);
  std::set<std::string> added;
  for (const AddFile& a : c.adds) added.insert(a.path);
  const std::vector<AddFile> small = compaction.due(added);
  if (small.empty()) return {};
  std::vector<RemoveFile> removes;
  if (auto r = compaction.run(small, removes); !r) return r;
  if (auto s = seal(); !s) return s;
  for (AddFile& a : sealed_) {
    a.data_change = false;
    live_[a.path] = a;
    c.adds.push_back(std::move(a));
  }
  sealed_.clear();
  for (RemoveFile& r : removes) {
    live_.erase(r.path);
    c.removes.push_back(std::move(r));
  }
  return {};
}

result<void> DeltaTable::seal() {
  if (!writer_) return {};
  std::unique_ptr<ParquetWriter> w = std::move(writer_);
  const std::string full = dir_ + "/" + writer_path_;
  if (auto r = w->close(); !r) return error::fatal(errc::io, full + ": " + r.err().message);
  if (w->rows() == 0) {
    store_->discard(writer_path_);
    return {};
  }
  // A file that cannot be made durable loses its rows: the pipeline restarts from its last
  // checkpoint, whose sources send them again.
  auto size = store_->finish(writer_path_);
  if (!size.ok()) return error::fatal(errc::io, full + ": " + size.err().message);
  AddFile a;
  a.path = writer_path_;
  a.size = size.value();
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
