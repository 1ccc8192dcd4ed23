// The binlog events a test made a private server write, as fuzz seeds (support/fuzz_seed.h;
// nothing happens without SLUICE_FUZZ_SEEDS):
//  - fuzz_binlog_event: each transaction of the file (from one GTID event to the next) after the
//    file's FORMAT_DESCRIPTION_EVENT; the same with its rows events rewritten as MySQL 8 writes
//    them (v2: an empty extra-data block) and a MySQL GTID event for the MariaDB one;
//  - fuzz_binlog_column: each column value of the WRITE_ROWS events, with its TABLE_MAP type and
//    metadata bytes and the options byte of that target (signedness, collation, JSON).
#pragma once
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "operators/mysql/byte_reader.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/table_map.h"
#include "support/fuzz_seed.h"
#include "support/mariadb_server.h"

namespace sluice::test {

namespace binlog_seed_detail {

using Bytes = std::vector<uint8_t>;

inline uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// An event with a new type and body (header kept, size and CRC32 rewritten).
inline Bytes rebuild(const Bytes& ev, uint8_t type, const Bytes& body) {
  Bytes b;
  b.reserve(19 + body.size() + 4);
  for (size_t i = 0; i < 19; ++i) b.push_back(ev[i]);
  for (uint8_t x : body) b.push_back(x);  // (not insert: GCC 12 -Warray-bounds false positive)
  b[4] = type;
  uint32_t size = static_cast<uint32_t>(19 + body.size() + 4);
  for (int i = 0; i < 4; ++i) b[9 + i] = static_cast<uint8_t>(size >> (8 * i));
  uLong c = crc32(crc32(0L, Z_NULL, 0), b.data(), static_cast<uInt>(b.size()));
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(c >> (8 * i)));
  return b;
}

inline Bytes body_of(const Bytes& ev) { return Bytes(ev.begin() + 19, ev.end() - 4); }

// MariaDB -> MySQL 8: rows events v1 (23-25) -> v2 (30-32), GTID (162) -> GTID_LOG (33).
inline Bytes as_mysql8(const Bytes& ev) {
  uint8_t t = ev[4];
  if (t >= 23 && t <= 25) {
    Bytes body = body_of(ev);
    body.insert(body.begin() + 8, {2, 0});  // extra data: just its own length
    return rebuild(ev, static_cast<uint8_t>(t + 7), body);
  }
  if (t == 162) {
    Bytes src = body_of(ev), body(25, 0);
    for (int i = 0; i < 16; ++i) body[1 + i] = static_cast<uint8_t>(0x3e + i);  // a server uuid
    for (int i = 0; i < 8; ++i) body[17 + i] = src[i];                          // gno = seq
    return rebuild(ev, 33, body);
  }
  return ev;
}

// The bytes of TABLE_MAP metadata that parse_table_map turned into c.meta.
inline void meta_bytes(const operators::mysql::Column& c, uint8_t& m0, uint8_t& m1) {
  namespace my = operators::mysql;
  switch (c.type) {
    case my::kVarchar:
    case my::kVarString:
    case my::kBit:
      m0 = static_cast<uint8_t>(c.meta), m1 = static_cast<uint8_t>(c.meta >> 8);
      return;
    case my::kString:
    case my::kEnum:
    case my::kSet:
    case my::kNewDecimal:
      m0 = static_cast<uint8_t>(c.meta >> 8), m1 = static_cast<uint8_t>(c.meta);
      return;
    default:
      m0 = static_cast<uint8_t>(c.meta), m1 = 0;
  }
}

// Each column value of a WRITE_ROWS v1 body, decoded as RowDecoder does, as a column seed.
inline void column_seeds(const operators::mysql::TableMap& tm, const Bytes& body) {
  namespace my = operators::mysql;
  my::ByteReader r(body.data(), body.size());
  r.skip(8);
  uint64_t n = r.lenenc();
  if (r.failed() || n != tm.columns.size()) return;
  std::string_view present = r.bytes((n + 7) / 8);
  my::DecodeStats stats;
  while (!r.failed() && r.remaining() > 0) {
    size_t npresent = 0;
    for (size_t i = 0; i < n; ++i)
      npresent += (static_cast<uint8_t>(present[i / 8]) >> (i % 8)) & 1;
    std::string_view nulls = r.bytes((npresent + 7) / 8);
    size_t k = 0;
    for (size_t i = 0; i < n && !r.failed(); ++i) {
      if (!((static_cast<uint8_t>(present[i / 8]) >> (i % 8)) & 1)) continue;
      bool is_null = (static_cast<uint8_t>(nulls[k / 8]) >> (k % 8)) & 1;
      ++k;
      if (is_null) continue;
      const my::Column& c = tm.columns[i];
      const uint8_t* at = r.ptr();
      if (!my::decode_column(c, r, stats).ok()) return;
      uint8_t m0 = 0, m1 = 0;
      meta_bytes(c, m0, m1);
      uint8_t coll = c.collation == 0                       ? 0
                     : c.collation == my::kBinaryCollation  ? 1
                     : my::is_latin1_collation(c.collation) ? 2
                                                            : 3;
      uint8_t opts = static_cast<uint8_t>(
          (c.is_unsigned ? 1 : 0) | (c.real_type == my::kEnum ? 2 : 0) |
          (c.real_type == my::kSet ? 4 : 0) | coll << 3 | (c.is_json ? 32 : 0));
      Bytes seed{c.type, m0, m1, opts};
      seed.insert(seed.end(), at, r.ptr());
      fuzz_seed("fuzz_binlog_column", seed);
    }
  }
}

}  // namespace binlog_seed_detail

// Seeds from the events of `file` in the server's data directory.
inline void binlog_seeds(MariaDbServer& s, const std::string& file) {
  using namespace binlog_seed_detail;
  if (std::getenv("SLUICE_FUZZ_SEEDS") == nullptr) return;
  std::ifstream in(s.dir() + "/data/" + file, std::ios::binary);
  Bytes all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Bytes> events;
  for (size_t at = 4; at + 19 <= all.size();) {  // after the magic
    uint32_t size = le32(&all[at + 9]);
    if (size < 19 || at + size > all.size()) break;
    events.emplace_back(all.begin() + static_cast<long>(at),
                        all.begin() + static_cast<long>(at + size));
    at += size;
  }
  if (events.empty() || events[0][4] != 15) return;  // FORMAT_DESCRIPTION_EVENT first
  std::vector<std::vector<Bytes>> groups{{}};
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i][4] == 162) groups.emplace_back();
    groups.back().push_back(events[i]);
  }
  std::unordered_map<uint64_t, operators::mysql::TableMap> maps;
  for (const auto& g : groups) {
    Bytes maria = events[0], mysql8 = events[0];
    for (const Bytes& ev : g) {
      maria.insert(maria.end(), ev.begin(), ev.end());
      Bytes m = as_mysql8(ev);
      mysql8.insert(mysql8.end(), m.begin(), m.end());
      Bytes body = body_of(ev);
      if (ev[4] == 19) {
        auto tm = operators::mysql::parse_table_map(body.data(), body.size());
        if (tm.ok()) maps[tm->table_id] = std::move(tm).value();
      } else if (ev[4] == 23 && body.size() >= 6) {  // WRITE_ROWS v1
        uint64_t id = le32(body.data()) | uint64_t{body[4]} << 32 | uint64_t{body[5]} << 40;
        auto it = maps.find(id);
        if (it != maps.end()) column_seeds(it->second, body);
      }
    }
    fuzz_seed("fuzz_binlog_event", maria);
    fuzz_seed("fuzz_binlog_event", mysql8);
  }
}

}  // namespace sluice::test
