#include "reconcile/delta_target.h"

#include <algorithm>
#include <cctype>

#include "operators/delta/delta_log.h"
#include "operators/delta/delta_table.h"
#include "operators/delta/sink_tables.h"
#include "operators/delta/table_file_rows.h"
#include "reconcile/delta_canonical.h"
#include "reconcile/errc.h"
#include "reconcile/read_only_store.h"

namespace sluice::reconcile {
namespace {

namespace dl = operators::delta;
using int128 = __int128;

constexpr int128 kUnboundedAbove = int128(1) << 126;
constexpr int128 kUnboundedBelow = -kUnboundedAbove;

// The value of an integer's decimal text; `otherwise` for "" or a text that is no integer.
int128 integer_of(const std::string& s, int128 otherwise) {
  const size_t first = !s.empty() && s[0] == '-' ? 1 : 0;
  if (first == s.size() || s.size() > 39) return otherwise;
  int128 v = 0;
  for (size_t i = first; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return otherwise;
    v = v * 10 + (s[i] - '0');
  }
  return first ? -v : v;
}

// The change columns every table of the sink starts with (cdc_operation, cdc_timestamp,
// cdc_position): not compared.
constexpr size_t kChangeColumns = 3;

// The `txn` appId of a sink's commits, as DeltaOptions::from_config makes it.
std::string app_id_of(const std::string& pipeline, const std::string& sink) {
  return "sluice/" + pipeline + "/" + sink;
}

}  // namespace

DeltaTarget::DeltaTarget(std::shared_ptr<dl::TableStore> store)
    : store_(std::make_shared<ReadOnlyStore>(std::move(store))) {}

result<void> DeltaTarget::begin(const RowLayout& layout) {
  layout_ = layout;
  columns_.clear();
  names_.clear();
  for (const auto* c : layout.columns) {
    columns_.push_back(delta_column_of(*c));
    names_.push_back(c->name);
  }
  return load();
}

result<RowDigest> DeltaTarget::source_row(const operators::mysql::SqlRow& row) {
  std::vector<std::string> cells(columns_.size(), std::string(kNullCell));
  std::vector<std::string> key_text;
  for (size_t i = 0; i < columns_.size() && i < row.size(); ++i) {
    if (i < layout_.key_columns) key_text.push_back(row[i].value_or(""));
    if (!row[i]) continue;
    auto text = mysql_cell_text(*layout_.columns[i], columns_[i], *row[i]);
    if (!text.ok()) {
      return error::permanent(errc::compare,
                              layout_.db + "." + layout_.table + " " + text.err().message);
    }
    cells[i] = std::move(text).value();
  }
  RowDigest d = digest_row(cells, layout_.key_columns);
  d.key_text = std::move(key_text);
  return d;
}

result<RowDigest> DeltaTarget::source_document(const Object& row) {
  std::vector<std::string> cells(columns_.size(), std::string(kNullCell));
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Value* v = row.find(intern(names_[i]));
    if (v != nullptr && !v->is_null())
      cells[i] = delta_cell_text(columns_[i], dl::stored_value(columns_[i], *v));
  }
  for (const Field& f : row.fields()) {
    const std::string& name = sym_name(f.name);
    if (std::find(names_.begin(), names_.end(), name) == names_.end() && !f.value.is_null())
      cells.push_back(unknown_field_cell(name, f.value));
  }
  RowDigest d = digest_row(cells, 1);
  const Value* id = row.find(intern("_id"));
  d.key_text = {id ? mysql_key_text(dl::stored_value(columns_[0], *id)) : std::string()};
  return d;
}

void DeltaTarget::compared_columns(const std::vector<dl::ColumnSchema>& schema,
                                   std::vector<size_t>& at) {
  if (layout_.documents) {
    columns_.clear();
    names_ = {"_id"};
    for (size_t i = kChangeColumns; i < schema.size(); ++i) {
      if (schema[i].name != "_id") names_.push_back(schema[i].name);
    }
  }
  for (size_t j = 0; j < names_.size(); ++j) {
    size_t i = 0;
    while (i < schema.size() && schema[i].name != names_[j]) ++i;
    at.push_back(i);
    if (layout_.documents) {
      columns_.push_back(i < schema.size()
                             ? schema[i]
                             : dl::ColumnSchema{"_id", dl::ColumnType::String, 0, 0, true});
    }
  }
}

result<void> DeltaTarget::load() {
  rows_.clear();
  dl::DeltaTable table(store_, dl::TableSettings{});
  if (auto r = table.open(); !r) return error::permanent(errc::compare, r.err().message);
  const auto& schema = table.schema();
  std::vector<size_t> at;  // the table's column of each compared column (schema.size(): none)
  compared_columns(schema, at);
  std::vector<std::string> cells(at.size());
  auto digest = [&](std::vector<Value>& row) -> result<void> {
    std::vector<std::string> key_text;
    for (size_t j = 0; j < at.size(); ++j) {
      const bool has = at[j] < schema.size() && at[j] < row.size();
      cells[j] = has ? delta_cell_text(schema[at[j]], row[at[j]]) : std::string(kNullCell);
      if (j < layout_.key_columns) key_text.push_back(has ? mysql_key_text(row[at[j]]) : "");
    }
    RowDigest d = digest_row(cells, layout_.key_columns);
    d.key_text = std::move(key_text);
    if (layout_.documents && at[0] < row.size()) d.key_value = row[at[0]];
    rows_.emplace_back(layout_.chunked ? integer_of(cells[0], 0) : 0, std::move(d));
    return {};
  };
  for (const auto& [path, file] : table.live()) {
    if (auto r = dl::for_each_file_row(table, file, digest); !r)
      return error::permanent(errc::compare, r.err().message);
  }
  std::stable_sort(rows_.begin(), rows_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return {};
}

result<void> DeltaTarget::rows(const KeyRange& range,
                               const std::function<void(RowDigest&&)>& each) {
  const int128 lo = integer_of(range.lo, kUnboundedBelow);
  const int128 hi = integer_of(range.hi, kUnboundedAbove);
  auto it = std::upper_bound(rows_.begin(), rows_.end(), lo,
                             [](int128 v, const auto& r) { return v < r.first; });
  if (!layout_.chunked) it = rows_.begin();
  for (; it != rows_.end() && (!layout_.chunked || it->first <= hi); ++it) {
    RowDigest copy = it->second;
    each(std::move(copy));
  }
  return {};
}

result<void> DeltaTarget::carry_over(const std::string& repair_pipeline, const std::string& sink,
                                     engine::Checkpoint& cp) {
  dl::DeltaLog log(store_);
  if (auto r = log.load(); !r) return error::permanent(errc::repair, r.err().message);
  const int64_t version = log.txn_version(app_id_of(repair_pipeline, sink));
  if (version > 0 && static_cast<uint64_t>(version) > cp.id) cp.id = static_cast<uint64_t>(version);
  return {};
}

}  // namespace sluice::reconcile
