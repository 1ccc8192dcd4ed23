#include "operators/delta/upsert_merge.h"

#include "base/json.h"
#include "operators/delta/delta_table.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/table_file_rows.h"

namespace sluice::operators::delta {
namespace {

// Both numbers, or both strings: the only statistics the merge compares with keys.
bool comparable_stat(const Value& a, const Value& b) {
  return (a.is_numeric() && b.is_numeric()) ||
         (a.type() == Type::String && b.type() == Type::String);
}

}  // namespace

result<void> UpsertMerge::run(std::vector<RemoveFile>& removes) {
  // A copy: rewriting goes through the table, which changes nothing of its live view until
  // the commit is prepared.
  const auto live = table_.live();
  for (const auto& [path, f] : live) {
    if (batch_.truncated()) {
      removes.push_back(RemoveFile{path, f.size});
      continue;
    }
    if (!may_hold(f)) continue;
    if (auto r = rewrite(f, removes); !r) return r;
  }
  for (std::vector<Value>& row : batch_.take_rows()) {
    if (auto r = table_.write_cells(row); !r) return r;
  }
  return {};
}

bool UpsertMerge::may_hold(const AddFile& f) const {
  if (!table_.keyed() || !batch_.has_key_range()) return true;
  auto stats = json::parse(f.stats);
  if (!stats.ok()) return true;
  const std::string& column = table_.schema()[table_.first_key_column()].name;
  const Value* mins = json_member(stats.value(), "minValues");
  const Value* maxs = json_member(stats.value(), "maxValues");
  const Value* lo = mins != nullptr ? json_member(*mins, column.c_str()) : nullptr;
  const Value* hi = maxs != nullptr ? json_member(*maxs, column.c_str()) : nullptr;
  if (lo == nullptr || hi == nullptr) return true;
  if (!comparable_stat(*lo, batch_.min_key()) || !comparable_stat(*hi, batch_.max_key())) {
    return true;
  }
  return Value::compare(batch_.max_key(), *lo) >= 0 && Value::compare(batch_.min_key(), *hi) <= 0;
}

result<void> UpsertMerge::rewrite(const AddFile& f, std::vector<RemoveFile>& removes) {
  ++files_read_;
  std::vector<std::vector<Value>> kept;
  bool dropped = false;
  auto read = for_each_file_row(table_, f, [&](std::vector<Value>& cells) -> result<void> {
    const std::string key = table_.key_of_cells(cells);
    const bool drop = table_.keyed() ? batch_.touches_key(key) : batch_.take_delete(key);
    if (drop) {
      dropped = true;
    } else {
      kept.push_back(std::move(cells));
    }
    return {};
  });
  if (!read) return read;
  if (!dropped) return {};
  ++files_rewritten_;
  removes.push_back(RemoveFile{f.path, f.size, true});
  for (std::vector<Value>& cells : kept) {
    if (auto r = table_.write_cells(cells); !r) return r;
  }
  return {};
}

}  // namespace sluice::operators::delta
