#include "operators/mysql/row_decoder.h"

#include <algorithm>
#include <memory>
#include <string>

#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

constexpr uint8_t kWriteV1 = 23, kUpdateV1 = 24, kDeleteV1 = 25;
constexpr uint8_t kWriteV2 = 30, kUpdateV2 = 31, kDeleteV2 = 32;

// A system-versioned row whose row end is its type's largest value: a row of the table now.
// TIMESTAMP(6) ends at 2038-01-19 03:14:07.999999 UTC (MariaDB 11.5 and later on 64-bit:
// 2106-02-07 06:28:15.999999); a transaction-id period (BIGINT UNSIGNED) at 2^64 - 1.
bool current_row_end(const Value& v) {
  constexpr int64_t k2038 = 2147483647LL * 1000000 + 999999;
  constexpr int64_t k2106 = 4294967295LL * 1000000 + 999999;
  if (v.type() == Type::Timestamp) return v.as_micros() == k2038 || v.as_micros() == k2106;
  if (v.type() == Type::UInt) return v.as_uint() == UINT64_MAX;
  return true;
}

}  // namespace

bool RowDecoder::is_rows_event(uint8_t t) {
  return (t >= kWriteV1 && t <= kDeleteV1) || (t >= kWriteV2 && t <= kDeleteV2);
}

uint64_t RowDecoder::table_id(const uint8_t* body, size_t len) {
  ByteReader r(body, len);
  return r.le(6);
}

result<void> RowDecoder::decode_image(ByteReader& r, const TableMap& tm,
                                      const std::vector<uint8_t>& present, size_t npresent,
                                      Object& row, bool& current, std::string& refused) {
  current = true;  // a row end the image leaves out is one the change kept
  std::string_view nulls = r.bytes((npresent + 7) / 8);
  if (r.failed()) return error::fatal(errc::decode, "truncated row image in " + tm.full_name());
  row.reserve(npresent);
  size_t k = 0;
  for (size_t i = 0; i < tm.columns.size(); ++i) {
    if (!present[i]) continue;
    bool is_null = (static_cast<uint8_t>(nulls[k / 8]) >> (k % 8)) & 1;
    ++k;
    if (is_null) {
      if (!tm.columns[i].hidden) row.append(tm.syms[i], Value::null());
      continue;
    }
    auto v = decode_column(tm.columns[i], r, stats_);
    if (!v.ok()) {
      const std::string what = "cannot decode " + tm.full_name() + "." + tm.columns[i].name + " (" +
                               column_type_name(tm.columns[i].type) + "): " + v.err().message;
      // A JSON value read whole that does not parse or has a number with no exact form here
      // (beyond 76 digits): the row is a dead letter, the rest of the event is read on. Bytes
      // that do not decode stop.
      if (v.err().code != errc::bad_json) return error::fatal(errc::decode, what);
      if (refused.empty()) refused = what;
      if (!tm.columns[i].hidden) row.append(tm.syms[i], Value::null());
      continue;
    }
    if (static_cast<int>(i) == tm.row_end) current = current_row_end(*v);
    if (!tm.columns[i].hidden) row.append(tm.syms[i], std::move(v).value());
  }
  return {};
}

// System versioning: a row written as history (an update's or delete's old version), or a
// history row deleted (DELETE HISTORY), is no change of the table; an update that ends a row's
// life is its delete. False: the event is dropped.
bool RowDecoder::versioned_change(Event& e, bool was, bool is) {
  if (e.op == Op::Update && was && !is) {
    e.op = Op::Delete;
    e.row = e.before;
    return true;
  }
  return e.op == Op::Update ? was && is : is;
}

void RowDecoder::find_lacking(const TableMap& tm, bool update, bool del) {
  lacking_.clear();
  auto missing = [&](const std::vector<uint8_t>& present) {
    std::string names;
    for (size_t i = 0; i < tm.columns.size(); ++i) {
      if (!present[i] && !tm.columns[i].hidden)
        names += (names.empty() ? "" : ", ") + tm.columns[i].name;
    }
    return names;
  };
  bool key_present = !tm.primary_key.empty();
  for (size_t k : tm.primary_key) key_present = key_present && present1_[k];
  const std::string old_row = missing(present1_);
  if ((update || del) && !key_present && !old_row.empty()) {
    lacking_ = "its old row lacks " + old_row;
  } else if (!del) {
    const std::string new_row = missing(update ? present2_ : present1_);
    if (!new_row.empty()) lacking_ = "its new row lacks " + new_row;
  }
}

result<size_t> RowDecoder::decode(uint8_t type, const uint8_t* body, size_t len, const TableMap& tm,
                                  std::vector<Event>& out) {
  ByteReader r(body, len);
  r.skip(6);  // table id
  r.skip(2);  // flags
  bool v2 = type >= kWriteV2;
  if (v2) {
    size_t extra = static_cast<size_t>(r.le(2));
    if (extra >= 2) r.skip(extra - 2);
  }
  uint64_t ncols = r.lenenc();
  if (r.failed() || ncols != tm.columns.size()) {
    return error::fatal(errc::decode, "rows event for " + tm.full_name() + " has " +
                                          std::to_string(ncols) + " columns, its TABLE_MAP " +
                                          std::to_string(tm.columns.size()));
  }
  bool update = type == kUpdateV1 || type == kUpdateV2;
  bool del = type == kDeleteV1 || type == kDeleteV2;
  auto bitmap = [&](std::vector<uint8_t>& present) {
    std::string_view b = r.bytes((ncols + 7) / 8);
    present.assign(ncols, 0);
    for (size_t i = 0; i < ncols && !r.failed(); ++i) {
      present[i] = (static_cast<uint8_t>(b[i / 8]) >> (i % 8)) & 1;
    }
  };
  bitmap(present1_);
  if (update) bitmap(present2_);
  if (r.failed())
    return error::fatal(errc::decode, "truncated rows event header for " + tm.full_name());
  const size_t n1 = static_cast<size_t>(std::count(present1_.begin(), present1_.end(), 1));
  const size_t n2 =
      update ? static_cast<size_t>(std::count(present2_.begin(), present2_.end(), 1)) : 0;
  find_lacking(tm, update, del);
  size_t count = 0;
  size_t first = out.size();
  auto undo = [&](error err) {  // nothing of a failed event is kept
    out.resize(first);
    return err;
  };
  size_t body_start = r.remaining();
  while (r.remaining() > 0) {
    if (count == 1) {  // reserve for the rest from the first row's size (no regrowth moves)
      size_t per_row = std::max<size_t>(1, body_start - r.remaining());
      out.reserve(out.size() + r.remaining() / per_row + 2);
    }
    const size_t row_start = r.remaining();
    Event& e = out.emplace_back();  // decoded in place: no per-row moves
    e.source = tm.meta;
    bool was = true, is = true;  // the images' rows are rows of the table now (not history)
    std::string refused;         // a value of the row that has no exact form here
    if (update) {
      e.op = Op::Update;
      auto a = decode_image(r, tm, present1_, n1, e.before, was, refused);
      if (!a.ok()) return undo(a.err());
      e.has_before = true;
      auto b = decode_image(r, tm, present2_, n2, e.row, is, refused);
      if (!b.ok()) return undo(b.err());
    } else {
      e.op = del ? Op::Delete : Op::Create;
      auto a = decode_image(r, tm, present1_, n1, e.row, is, refused);
      if (!a.ok()) return undo(a.err());
      if (del) {
        e.before = e.row;
        e.has_before = true;
      }
    }
    if (r.remaining() == row_start) {  // no column present: rows of no bytes never end
      return undo(error::fatal(errc::decode,
                               "rows event for " + tm.full_name() + " with no column present"));
    }
    if (!refused.empty()) {  // the engine stamps the stage and the time (stamp_dead_letters)
      auto d = std::make_shared<DeadLetterInfo>();
      d->code = errc::bad_json;
      d->message = refused + " (the value is null here)";
      e.dead_letter = std::move(d);
    }
    if (tm.row_end >= 0 && !versioned_change(e, was, is)) {
      out.pop_back();
      ++stats_.history_rows;
    }
    ++count;
  }
  return out.size() - first;  // history rows of a versioned table are not appended
}

}  // namespace sluice::operators::mysql
