// Nothing in the binlog is skipped silently (issue 15, point 4): compressed binlogs are decoded.
// MariaDB `log_bin_compress = ON` against a private server that compresses every event of 10
// bytes or more (QUERY_COMPRESSED_EVENT, *_ROWS_COMPRESSED_EVENT_V1); MySQL 8
// `binlog_transaction_compression` (TRANSACTION_PAYLOAD_EVENT) with payloads built here from
// real events of the private MariaDB's binlog file, zstd-compressed as MySQL 8 does (no MySQL 8
// server here), replayed through the stream.
#include <zlib.h>
#include <zstd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>

#include "operators/mysql/binlog_stream.h"
#include "operators/mysql/compressed_event.h"
#include "operators/mysql/transaction_payload.h"
#include "tests/unit/mysql/binlog_seeds.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

using Bytes = std::vector<uint8_t>;

uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
void put_le(Bytes& b, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void set_le(Bytes& b, size_t at, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void add_crc(Bytes& b) {
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, b.data(), static_cast<uInt>(b.size()));
  put_le(b, c, 4);
}

my::MySqlConfig cfg_on(MariaDbServer& s, const std::string& db) {
  auto c = make_cfg(db, {});
  c.conn.port = s.port();
  c.hosts = {c.conn};
  return c;
}

std::pair<std::string, uint64_t> status(MariaDbServer& s) {
  auto r = s.query("SHOW MASTER STATUS");
  return {*r.at(0).at(0), std::stoull(*r.at(0).at(1))};
}

// How many events of each type name SHOW BINLOG EVENTS lists in `file`.
size_t count_events(MariaDbServer& s, const std::string& file, const std::string& type) {
  size_t n = 0;
  for (auto& r : s.query("SHOW BINLOG EVENTS IN '" + file + "'")) n += r.at(2) == type;
  return n;
}

// ---- MySQL 8 payload events from real events ----

// The events (with their CRC32) of `file` in [from, to), read from the server's datadir.
std::vector<Bytes> file_events(MariaDbServer& s, const std::string& file, uint64_t from,
                               uint64_t to) {
  std::ifstream in(s.dir() + "/data/" + file, std::ios::binary);
  Bytes all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Bytes> out;
  for (uint64_t at = from; at < to;) {
    BOOST_REQUIRE(at + 19 <= all.size());
    uint32_t size = le32(&all[at + 9]);
    out.emplace_back(all.begin() + static_cast<long>(at),
                     all.begin() + static_cast<long>(at + size));
    at += size;
  }
  return out;
}

// `cut`: bytes dropped from the end of the compressed data (a damaged payload).
Bytes build_payload_body(const Bytes& events, bool compress, size_t cut = 0) {
  Bytes payload = events;
  if (compress) {
    payload.resize(ZSTD_compressBound(events.size()));
    size_t n = ZSTD_compress(payload.data(), payload.size(), events.data(), events.size(), 3);
    BOOST_REQUIRE(!ZSTD_isError(n));
    payload.resize(n - cut);
  }
  auto field = [](Bytes& b, uint8_t type, uint64_t v) {
    Bytes val;
    if (v < 251) {
      val.push_back(static_cast<uint8_t>(v));
    } else if (v < 65536) {
      val.push_back(0xfc);
      put_le(val, v, 2);
    } else {
      val.push_back(0xfe);
      put_le(val, v, 8);
    }
    b.push_back(type);
    b.push_back(static_cast<uint8_t>(val.size()));
    b.insert(b.end(), val.begin(), val.end());
  };
  Bytes body;
  field(body, 2, compress ? 0 : 255);  // compression type
  if (compress) field(body, 3, events.size());
  field(body, 1, payload.size());
  body.push_back(0);  // end of the header
  body.insert(body.end(), payload.begin(), payload.end());
  return body;
}

// MariaDB transactions as MySQL 8 writes them compressed: the GTID event, then one
// TRANSACTION_PAYLOAD_EVENT (ending where the transaction's XID ended) with the other events,
// their checksums removed.
std::vector<Bytes> as_payloads(const std::vector<Bytes>& events, bool compress, size_t cut = 0) {
  std::vector<Bytes> out;
  Bytes inner;
  for (const Bytes& e : events) {
    uint8_t type = e[4];
    if (type == 162) {  // MariaDB GTID: stays outside
      out.push_back(e);
      inner.clear();
      continue;
    }
    Bytes plain(e.begin(), e.end() - 4);
    set_le(plain, 9, plain.size(), 4);
    set_le(plain, 13, 0, 4);
    inner.insert(inner.end(), plain.begin(), plain.end());
    if (type != 16) continue;  // up to the XID
    Bytes body = build_payload_body(inner, compress, cut);
    Bytes ev;
    put_le(ev, le32(e.data()), 4);
    ev.push_back(40);
    put_le(ev, 1, 4);
    put_le(ev, 19 + body.size() + 4, 4);
    put_le(ev, le32(&e[13]), 4);  // the XID's end
    put_le(ev, 0, 2);
    ev.insert(ev.end(), body.begin(), body.end());
    add_crc(ev);
    out.push_back(std::move(ev));
  }
  return out;
}

struct Drained {
  std::vector<Event> rows;
  std::vector<my::BinlogPosition> commits;
};

Drained drain_all(my::BinlogStream& st) {
  Drained d;
  while (true) {
    auto n = st.drain(
        1000, d.rows, [](size_t) {}, [&](const my::BinlogPosition& p) { d.commits.push_back(p); });
    BOOST_REQUIRE_MESSAGE(n.ok(), (n.ok() ? "" : n.err().message));
    if (!st.wait(std::chrono::milliseconds(0))) break;
  }
  return d;
}

int64_t pos_of(const Event& e) { return e.position.as_object().find(intern("pos"))->as_int(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_compression)

BOOST_AUTO_TEST_CASE(maria_compressed_block_format) {
  for (size_t n : {20u, 300u, 70000u}) {
    std::string text;
    for (size_t i = 0; text.size() < n; ++i) text += std::to_string(i) + ",";
    text.resize(n);
    uLongf clen = compressBound(n);
    Bytes z(clen);
    BOOST_REQUIRE(compress(z.data(), &clen, reinterpret_cast<const Bytef*>(text.data()), n) ==
                  Z_OK);
    z.resize(clen);
    size_t lenlen = n < 256 ? 1 : n < 65536 ? 2 : 3;
    Bytes block{static_cast<uint8_t>(0x80 | lenlen)};
    for (size_t i = lenlen; i-- > 0;) block.push_back(static_cast<uint8_t>(n >> (8 * i)));
    block.insert(block.end(), z.begin(), z.end());
    Bytes out{'x'};
    auto r = my::uncompress_maria_block(block.data(), block.size(), out);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.err().message);
    BOOST_CHECK_EQUAL(std::string(out.begin() + 1, out.end()), text);
    Bytes bad = block;
    bad[0] = static_cast<uint8_t>(0x80 | 0x10 | lenlen);  // algorithm 1
    BOOST_CHECK(
        my::uncompress_maria_block(bad.data(), bad.size(), out).err().message.find("algorithm 1") !=
        std::string::npos);
    bad = block;
    bad[0] = static_cast<uint8_t>(lenlen);  // no compression flag
    BOOST_CHECK(!my::uncompress_maria_block(bad.data(), bad.size(), out).ok());
    bad = block;
    bad.resize(bad.size() - 3);  // cut
    BOOST_CHECK(!my::uncompress_maria_block(bad.data(), bad.size(), out).ok());
  }
}

// Found by fuzzing (tests/fuzz/fuzz_binlog_event.cpp): a block's length field was allocated as
// it said (up to 4 GiB) before inflating; more than deflate's 1032:1 can give is an error now.
BOOST_AUTO_TEST_CASE(maria_compressed_block_claiming_more_than_it_can_hold) {
  Bytes block{0x84, 0xff, 0xff, 0xff, 0xff, 0x78, 0x9c, 0x03, 0x00};  // 4 GiB from 4 bytes
  Bytes out{'x'};
  auto r = my::uncompress_maria_block(block.data(), block.size(), out);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_MESSAGE(r.err().message.find("claims 4294967295 bytes") != std::string::npos,
                      r.err().message);
  BOOST_CHECK_EQUAL(out.size(), 1u);
}

BOOST_AUTO_TEST_CASE(mariadb_log_bin_compress_rows_and_statements) {
  MariaDbServer zs("FULL", 41, {"--log-bin-compress=ON", "--log-bin-compress-min-len=10"});
  zs.exec(
      "CREATE DATABASE cz; CREATE TABLE cz.t (id INT PRIMARY KEY, name VARCHAR(100), n "
      "BIGINT)");
  auto cfg = cfg_on(zs, "cz");
  cfg.start.kind = my::StartPosition::Kind::Latest;
  cfg.table_rewrites = my::TableRewrites::Warn;  // the events of the statements alone
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  const std::string file = status(zs).first;
  zs.exec(
      "BEGIN; INSERT INTO cz.t VALUES (1, REPEAT('a', 80), 10), (2, 'bob', 20), (3, 'cy', 30); "
      "COMMIT");
  zs.exec("UPDATE cz.t SET name = 'ann', n = n + 1 WHERE id = 1");
  zs.exec("DELETE FROM cz.t WHERE id = 2");
  zs.exec("ALTER TABLE cz.t ADD COLUMN extra VARCHAR(20) DEFAULT 'dflt'");
  zs.exec("INSERT INTO cz.t (id, name, n) VALUES (4, 'dan', 40)");
  zs.exec("TRUNCATE TABLE cz.t");
  zs.exec("INSERT INTO cz.t VALUES (5, 'eve', 50, 'x')");
  auto evs = poll_n(src, 8);
  BOOST_REQUIRE_EQUAL(evs.size(), 8u);
  BOOST_CHECK(evs[0].op == Op::Create);
  BOOST_CHECK_EQUAL(field(evs[0], "name").as_string(), std::string(80, 'a'));
  BOOST_CHECK_EQUAL(field(evs[2], "id").as_int(), 3);
  BOOST_CHECK_EQUAL(field(evs[2], "n").as_int(), 30);
  BOOST_CHECK(evs[3].op == Op::Update);
  BOOST_CHECK_EQUAL(before(evs[3], "name").as_string(), std::string(80, 'a'));
  BOOST_CHECK_EQUAL(field(evs[3], "name").as_string(), "ann");
  BOOST_CHECK_EQUAL(field(evs[3], "n").as_int(), 11);
  BOOST_CHECK(evs[4].op == Op::Delete);
  BOOST_CHECK_EQUAL(before(evs[4], "name").as_string(), "bob");
  BOOST_CHECK(evs[5].op == Op::Create);  // after the compressed ALTER: the new column
  BOOST_CHECK_EQUAL(field(evs[5], "extra").as_string(), "dflt");
  BOOST_CHECK(evs[6].op == Op::Truncate);  // a compressed TRUNCATE statement
  BOOST_CHECK_EQUAL(evs[6].source->table, "t");
  BOOST_CHECK_EQUAL(field(evs[7], "extra").as_string(), "x");
  BOOST_CHECK(poll_for(src, std::chrono::milliseconds(300)).empty());
  // The server did compress them, and the source expanded them.
  BOOST_CHECK_GE(count_events(zs, file, "Query_compressed"), 2u);
  BOOST_CHECK_GE(count_events(zs, file, "Write_rows_compressed_v1"), 3u);
  BOOST_CHECK_EQUAL(count_events(zs, file, "Update_rows_compressed_v1"), 1u);
  BOOST_CHECK_EQUAL(count_events(zs, file, "Delete_rows_compressed_v1"), 1u);
  BOOST_CHECK_EQUAL(count_events(zs, file, "Write_rows_v1"), 0u);
  BOOST_CHECK_GE(src.stream_stats()->compressed_events.load(), 7u);
  binlog_seeds(zs, file);
  // A resume from the checkpoint reads on from there.
  std::string state = src.checkpoint_state();
  src.close();
  zs.exec("UPDATE cz.t SET extra = 'after' WHERE id = 5");
  my::MySqlSource again(cfg);
  BOOST_REQUIRE(again.open(state).ok());
  auto rest = poll_n(again, 1);
  BOOST_REQUIRE_EQUAL(rest.size(), 1u);
  BOOST_CHECK_EQUAL(field(rest[0], "extra").as_string(), "after");
  BOOST_CHECK(poll_for(again, std::chrono::milliseconds(300)).empty());
}

BOOST_AUTO_TEST_CASE(mysql8_transaction_payload_replayed_as_its_events) {
  server().exec(
      "DROP DATABASE IF EXISTS pz; CREATE DATABASE pz; CREATE TABLE pz.t (id INT PRIMARY KEY, v "
      "VARCHAR(40))");
  server().exec("FLUSH BINARY LOGS");
  auto [file, p0] = status(server());
  server().exec(
      "BEGIN; INSERT INTO pz.t VALUES (1, 'one'), (2, 'two'); INSERT INTO pz.t VALUES (3, "
      "'three'); UPDATE pz.t SET v = 'uno' WHERE id = 1; COMMIT");
  uint64_t p1 = status(server()).second;
  server().exec("DELETE FROM pz.t WHERE id = 2");
  uint64_t p2 = status(server()).second;
  auto raw = file_events(server(), file, p0, p2);
  my::BinlogPosition from;
  from.file = file;
  from.pos = p0;
  from.server = 1;
  for (bool compress : {true, false}) {
    auto events = as_payloads(raw, compress);
    BOOST_REQUIRE_EQUAL(events.size(), 4u);  // GTID, payload, GTID, payload
    Bytes seed;
    for (const Bytes& e : events) seed.insert(seed.end(), e.begin(), e.end());
    fuzz_seed("fuzz_binlog_event", seed);
    my::BinlogStream st(make_cfg("pz", {}));
    auto r = st.replay(from, events, true);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.err().message);
    Drained d = drain_all(st);
    BOOST_REQUIRE_EQUAL(d.rows.size(), 5u);
    BOOST_CHECK(d.rows[0].op == Op::Create);
    BOOST_CHECK_EQUAL(field(d.rows[2], "v").as_string(), "three");
    BOOST_CHECK(d.rows[3].op == Op::Update);
    BOOST_CHECK_EQUAL(before(d.rows[3], "v").as_string(), "one");
    BOOST_CHECK_EQUAL(field(d.rows[3], "v").as_string(), "uno");
    BOOST_CHECK(d.rows[4].op == Op::Delete);
    // Every inner event ends where its payload ends: the checkpoint is never inside it.
    for (int i = 0; i < 4; ++i) BOOST_CHECK_EQUAL(pos_of(d.rows[i]), static_cast<int64_t>(p1));
    BOOST_CHECK_EQUAL(pos_of(d.rows[4]), static_cast<int64_t>(p2));
    BOOST_REQUIRE_EQUAL(d.commits.size(), 2u);
    BOOST_CHECK_EQUAL(d.commits[0].text(), file + ":" + std::to_string(p1));
    BOOST_CHECK_EQUAL(d.commits[1].text(), file + ":" + std::to_string(p2));
    BOOST_CHECK(d.commits[1].gtid.rfind("0-1-", 0) == 0);
    BOOST_CHECK_EQUAL(st.stats().compressed_transactions.load(), 2u);
    // A checkpoint after 2 rows of the first transaction: the resume replays the payload and
    // drops exactly those 2 rows.
    my::BinlogPosition mid = from;
    mid.skip_rows = 2;
    my::BinlogStream again(make_cfg("pz", {}));
    BOOST_REQUIRE(again.replay(mid, events, true).ok());
    Drained rest = drain_all(again);
    BOOST_REQUIRE_EQUAL(rest.rows.size(), 3u);
    BOOST_CHECK_EQUAL(field(rest.rows[0], "id").as_int(), 3);
    BOOST_CHECK(rest.rows[1].op == Op::Update);
    BOOST_CHECK(rest.rows[2].op == Op::Delete);
  }
  // A damaged payload stops the stream with the position, never skipped.
  auto events = as_payloads(raw, true, 5);
  my::BinlogStream st(make_cfg("pz", {}));
  auto r = st.replay(from, events, true);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_MESSAGE(
      r.err().message.find("TRANSACTION_PAYLOAD_EVENT") != std::string::npos &&
          r.err().message.find(file + ":" + std::to_string(p1)) != std::string::npos,
      r.err().message);
}

BOOST_AUTO_TEST_CASE(transaction_payload_header) {
  Bytes inner(100, 0);
  Bytes body = build_payload_body(inner, false);
  auto p = my::parse_transaction_payload(body.data(), body.size());
  BOOST_REQUIRE(p.ok());
  BOOST_CHECK_EQUAL(p->compression, 255u);
  BOOST_CHECK_EQUAL(p->size, 100u);
  // An unknown field is skipped by its length.
  Bytes extra{9, 3, 1, 2, 3};
  extra.insert(extra.end(), body.begin(), body.end());
  BOOST_CHECK(my::parse_transaction_payload(extra.data(), extra.size()).ok());
  Bytes lz4 = body;
  lz4[2] = 1;  // compression type 1
  BOOST_CHECK(
      my::parse_transaction_payload(lz4.data(), lz4.size()).err().message.find("algorithm 1") !=
      std::string::npos);
  BOOST_CHECK(!my::parse_transaction_payload(body.data(), 5).ok());  // cut in the header
}

BOOST_AUTO_TEST_SUITE_END()
