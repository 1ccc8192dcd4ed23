#include "operators/mysql/table_map.h"

#include <algorithm>

#include "operators/mysql/byte_reader.h"
#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

enum OptMeta : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumSetDefaultCharset = 10,
  kEnumSetColumnCharset = 11,
};

bool is_numeric(const Column& c) {
  switch (c.type) {
    case kTiny:
    case kShort:
    case kInt24:
    case kLong:
    case kLongLong:
    case kNewDecimal:
    case kDecimal:
    case kFloat:
    case kDouble:
      return true;
    default:
      return false;
  }
}

// Reads the per-type metadata of one column.
bool read_meta(Column& c, ByteReader& r) {
  switch (c.type) {
    case kFloat:
    case kDouble:
    case kBlob:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kGeometry:
    case kJson:
      c.meta = r.u8();
      break;
    case kTimestamp2:
    case kDateTime2:
    case kTime2:
      c.meta = r.u8();
      c.fsp = static_cast<uint8_t>(c.meta);
      break;
    case kVarchar:
    case kVarString:
      c.meta = static_cast<uint16_t>(r.le(2));
      c.length = c.meta;
      break;
    case kBit:
      c.meta = static_cast<uint16_t>(r.le(2));  // low byte: bits % 8, high byte: whole bytes
      break;
    case kNewDecimal:
      c.precision = r.u8();
      c.scale = r.u8();
      c.meta = static_cast<uint16_t>(c.precision << 8 | c.scale);
      break;
    case kString:
    case kEnum:
    case kSet: {
      uint8_t b0 = r.u8();
      uint8_t b1 = r.u8();
      c.meta = static_cast<uint16_t>(b0 << 8 | b1);
      if ((b0 & 0x30) != 0x30) {  // CHAR longer than 255 bytes: two length bits folded in b0
        c.length = static_cast<uint16_t>(b1 | (((b0 & 0x30) ^ 0x30) << 4));
        c.real_type = static_cast<uint8_t>(b0 | 0x30);
      } else {
        c.real_type = b0;
        c.length = b1;
      }
      if (c.real_type != kEnum && c.real_type != kSet) c.real_type = kString;
      return !r.failed();
    }
    default:
      break;
  }
  c.real_type = c.type;
  return !r.failed();
}

// Applies a DEFAULT_CHARSET-style block to the columns selected by `pick`.
template <class Pick>
void default_charset(std::vector<Column>& cols, ByteReader r, Pick pick) {
  uint32_t def = static_cast<uint32_t>(r.lenenc());
  std::vector<Column*> sel;
  for (auto& c : cols) {
    if (pick(c)) sel.push_back(&c);
  }
  for (auto* c : sel) c->collation = def;
  while (r.remaining() > 0 && !r.failed()) {
    uint64_t idx = r.lenenc();
    uint32_t coll = static_cast<uint32_t>(r.lenenc());
    if (idx < sel.size()) sel[idx]->collation = coll;
  }
}

template <class Pick>
void column_charset(std::vector<Column>& cols, ByteReader r, Pick pick) {
  for (auto& c : cols) {
    if (!pick(c)) continue;
    if (r.remaining() == 0) break;
    c.collation = static_cast<uint32_t>(r.lenenc());
  }
}

void labels(std::vector<Column>& cols, ByteReader r, uint8_t real_type) {
  for (auto& c : cols) {
    if (c.real_type != real_type) continue;
    if (r.remaining() == 0) break;
    uint64_t n = r.lenenc();
    c.labels.clear();
    for (uint64_t i = 0; i < n && !r.failed(); ++i) c.labels.emplace_back(r.lenenc_bytes());
  }
}

}  // namespace

void TableMap::finish(const std::string& source_name) {
  syms.clear();
  syms.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name.empty()) columns[i].name = "col_" + std::to_string(i + 1);
    syms.push_back(intern(columns[i].name));
  }
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = source_name;
  m->db = db;
  m->table = table;
  for (size_t i : primary_key) {
    if (i < columns.size()) m->primary_key.push_back(columns[i].name);
  }
  for (const auto& c : columns) {
    if (c.hidden) continue;
    m->column_names.push_back(c.name);
    m->column_types.push_back(source_type_text(c));
    m->column_not_null.push_back(!c.nullable);
  }
  meta = std::move(m);
}

result<TableMap> parse_table_map(const uint8_t* body, size_t len) {
  ByteReader r(body, len);
  TableMap t;
  t.table_id = r.le(6);
  r.skip(2);  // flags
  size_t dblen = r.u8();
  t.db = std::string(r.bytes(dblen));
  r.skip(1);
  size_t tlen = r.u8();
  t.table = std::string(r.bytes(tlen));
  r.skip(1);
  uint64_t n = r.lenenc();
  if (r.failed() || n > 4096) return error::fatal(errc::decode, "malformed TABLE_MAP event");
  t.columns.resize(n);
  std::string_view types = r.bytes(n);
  if (r.failed()) return error::fatal(errc::decode, "malformed TABLE_MAP event (column types)");
  for (size_t i = 0; i < n; ++i) t.columns[i].type = static_cast<uint8_t>(types[i]);
  std::string_view meta = r.lenenc_bytes();
  ByteReader mr(reinterpret_cast<const uint8_t*>(meta.data()), meta.size());
  for (auto& c : t.columns) {
    if (!read_meta(c, mr))
      return error::fatal(errc::decode,
                          "malformed TABLE_MAP column metadata for " + t.db + "." + t.table);
  }
  std::string_view nulls = r.bytes((n + 7) / 8);
  if (r.failed()) return error::fatal(errc::decode, "malformed TABLE_MAP event (null bitmap)");
  for (size_t i = 0; i < n; ++i) {
    t.columns[i].nullable = (static_cast<uint8_t>(nulls[i / 8]) >> (i % 8)) & 1;
  }
  // Optional metadata: type, length, value.
  while (r.remaining() > 0) {
    uint8_t type = r.u8();
    std::string_view v = r.lenenc_bytes();
    if (r.failed()) break;
    ByteReader vr(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    switch (type) {
      case kSignedness: {
        size_t k = 0;
        for (auto& c : t.columns) {
          if (!is_numeric(c)) continue;
          if (k / 8 < v.size()) c.is_unsigned = (static_cast<uint8_t>(v[k / 8]) >> (7 - k % 8)) & 1;
          ++k;
        }
        t.has_signedness = true;
        break;
      }
      case kDefaultCharset:
        default_charset(t.columns, vr, is_character_column);
        t.has_charsets = true;
        break;
      case kColumnCharset:
        column_charset(t.columns, vr, is_character_column);
        t.has_charsets = true;
        break;
      case kColumnName:
        for (auto& c : t.columns) c.name = std::string(vr.lenenc_bytes());
        t.has_names = !vr.failed();
        break;
      case kSetStrValue:
        labels(t.columns, vr, kSet);
        t.has_labels = true;
        break;
      case kEnumStrValue:
        labels(t.columns, vr, kEnum);
        t.has_labels = true;
        break;
      case kSimplePrimaryKey:
        while (vr.remaining() > 0 && !vr.failed()) t.primary_key.push_back(vr.lenenc());
        t.has_primary_key = true;
        break;
      case kPrimaryKeyWithPrefix:
        while (vr.remaining() > 0 && !vr.failed()) {
          t.primary_key.push_back(vr.lenenc());
          vr.lenenc();
        }
        t.has_primary_key = true;
        break;
      case kEnumSetDefaultCharset:
        default_charset(t.columns, vr, is_enum_or_set);
        break;
      case kEnumSetColumnCharset:
        column_charset(t.columns, vr, is_enum_or_set);
        break;
      default:
        break;  // GEOMETRY_TYPE and future fields
    }
  }
  // A key column past the last column: a malformed event (the rows' decoder indexes its
  // column bitmaps by these).
  const size_t ncols = t.columns.size();
  if (std::any_of(t.primary_key.begin(), t.primary_key.end(), [&](size_t k) { return k >= ncols; }))
    return error::fatal(errc::decode,
                        "malformed TABLE_MAP event (primary key column out of range)");
  return t;
}

}  // namespace sluice::operators::mysql
