#include "operators/delta/upsert_batch.h"

namespace sluice::operators::delta {

void append_key_part(const Value& v, std::string& out) {
  std::string text;
  char tag = 'n';
  switch (v.type()) {
    case Type::Null:
      break;
    case Type::Bool:
      tag = 'b';
      text = v.as_bool() ? "1" : "0";
      break;
    case Type::Int:
    case Type::UInt:
    case Type::Decimal: {
      tag = 'N';
      text = v.type() == Type::Int    ? std::to_string(v.as_int())
             : v.type() == Type::UInt ? std::to_string(v.as_uint())
                                      : v.as_decimal().to_string();
      if (text.find('.') != std::string::npos) {  // 1.50 -> 1.5, 2.0 -> 2
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
      }
      if (text == "-0") text = "0";
      break;
    }
    case Type::Float:
      tag = 'f';
      format_float(v.as_float(), text);
      break;
    case Type::String:
    case Type::Bytes:  // a binary column takes strings too: one tag for both
      tag = 's';
      text = v.as_string();
      break;
    default:
      tag = 't';
      text = std::to_string(v.as_micros());  // Date, Time, DateTime, Timestamp
      if (v.type() == Type::Date) text = std::to_string(v.as_date());
      break;
  }
  out += tag;
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

void UpsertBatch::widen_range(const Value& k) {
  if (range_unknown_) return;
  if (k.is_null()) {
    range_unknown_ = true;
    min_key_ = Value();
    max_key_ = Value();
    return;
  }
  if (min_key_.is_null() || Value::compare(k, min_key_) < 0) min_key_ = k;
  if (max_key_.is_null() || Value::compare(k, max_key_) > 0) max_key_ = k;
}

UpsertBatch::Keyed& UpsertBatch::entry(const std::string& key) {
  auto [it, added] = keyed_.emplace(key, rows_.size());
  if (added) rows_.emplace_back();
  return rows_[it->second];
}

void UpsertBatch::upsert(const std::string& key, std::vector<Value> cells, const Value& first_key) {
  Keyed& k = entry(key);
  k.deleted = false;
  k.cells = std::move(cells);
  widen_range(first_key);
}

void UpsertBatch::erase(const std::string& key, const Value& first_key) {
  Keyed& k = entry(key);
  k.deleted = true;
  k.cells.clear();
  widen_range(first_key);
}

void UpsertBatch::insert(std::string identity, std::vector<Value> cells) {
  inserts_.emplace_back(std::move(identity), std::move(cells));
}

void UpsertBatch::erase_one(const std::string& identity) {
  for (size_t i = inserts_.size(); i-- > 0;) {
    if (inserts_[i].first == identity) {
      inserts_.erase(inserts_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
  ++deletes_[identity];
}

bool UpsertBatch::take_delete(const std::string& identity) {
  auto it = deletes_.find(identity);
  if (it == deletes_.end() || it->second == 0) return false;
  if (--it->second == 0) deletes_.erase(it);
  return true;
}

void UpsertBatch::truncate() {
  clear();
  truncated_ = true;
}

std::vector<std::vector<Value>> UpsertBatch::take_rows() {
  std::vector<std::vector<Value>> out;
  out.reserve(keyed_.size() + inserts_.size());
  for (Keyed& k : rows_) {
    if (!k.deleted) out.push_back(std::move(k.cells));
  }
  for (auto& [identity, cells] : inserts_) out.push_back(std::move(cells));
  return out;
}

void UpsertBatch::clear() {
  keyed_.clear();
  rows_.clear();
  inserts_.clear();
  deletes_.clear();
  truncated_ = false;
  min_key_ = Value();
  max_key_ = Value();
  range_unknown_ = false;
}

}  // namespace sluice::operators::delta
