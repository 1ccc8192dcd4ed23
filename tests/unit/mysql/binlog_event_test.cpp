// Binlog event framing and GTID state, on event bytes built here: rotate events with and without
// a checksum (the real one at the end of a file and the artificial one a dump starts with),
// MariaDB GTID and GTID list events, and both GTID state forms.
#include "operators/mysql/binlog_event.h"

#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "operators/mysql/binlog_position.h"
#include "operators/mysql/gtid_state.h"
#include "support/fuzz_seed.h"

using namespace sluice::operators::mysql;

namespace {

void le(std::vector<uint8_t>& b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// header + body (+ CRC32 of both when `crc`).
std::vector<uint8_t> event(uint8_t type, uint32_t next_pos, uint16_t flags,
                           const std::vector<uint8_t>& body, bool crc) {
  std::vector<uint8_t> b;
  le(b, 0, 4);  // timestamp
  b.push_back(type);
  le(b, 1, 4);  // server id
  le(b, kEventHeaderSize + body.size() + (crc ? 4 : 0), 4);
  le(b, next_pos, 4);
  le(b, flags, 2);
  b.insert(b.end(), body.begin(), body.end());
  if (crc) {
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, b.data(), static_cast<uInt>(b.size()));
    le(b, c, 4);
  }
  sluice::test::fuzz_seed("fuzz_binlog_event", b);
  return b;
}

std::vector<uint8_t> rotate_body(uint64_t pos, const std::string& file) {
  std::vector<uint8_t> b;
  le(b, pos, 8);
  b.insert(b.end(), file.begin(), file.end());
  return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(binlog_event)

BOOST_AUTO_TEST_CASE(rotate_with_and_without_checksum) {
  for (bool crc : {true, false}) {
    auto raw = event(4 /*ROTATE*/, 2093009, 0, rotate_body(4, "mysql-bin.000003"), crc);
    auto ev = parse_event(raw.data(), raw.size(), crc);
    BOOST_REQUIRE(ev.ok());
    BOOST_CHECK_EQUAL(ev->type, 4);
    BOOST_CHECK_EQUAL(ev->next_pos, 2093009u);
    BOOST_CHECK(!ev->artificial());
    BOOST_CHECK_EQUAL(crc_matches(raw.data(), raw.size()), crc);
    auto r = parse_rotate(ev->body, ev->body_len);
    BOOST_REQUIRE(r.ok());
    BOOST_CHECK_EQUAL(r->file, "mysql-bin.000003");  // whole name, not "03"
    BOOST_CHECK_EQUAL(r->position, 4u);
  }
  // The artificial rotate a dump starts with: next_pos 0, LOG_EVENT_ARTIFICIAL_F.
  auto raw = event(4, 0, kLogEventArtificial, rotate_body(1234, "bin.000017"), true);
  auto ev = parse_event(raw.data(), raw.size(), true);
  BOOST_REQUIRE(ev.ok());
  BOOST_CHECK(ev->artificial());
  auto r = parse_rotate(ev->body, ev->body_len);
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK_EQUAL(r->file, "bin.000017");
  BOOST_CHECK_EQUAL(r->position, 1234u);
}

BOOST_AUTO_TEST_CASE(truncated_events_are_errors) {
  auto raw = event(4, 100, 0, rotate_body(4, "f.000001"), true);
  BOOST_CHECK(!parse_event(raw.data(), 10, true).ok());
  BOOST_CHECK(!parse_event(raw.data(), raw.size() - 1, true).ok());  // size says more
  std::vector<uint8_t> body;
  le(body, 4, 8);  // no file name
  BOOST_CHECK(!parse_rotate(body.data(), body.size()).ok());
}

BOOST_AUTO_TEST_CASE(maria_gtid_and_gtid_list) {
  std::vector<uint8_t> g;
  le(g, 42, 8);    // seq
  le(g, 3, 4);     // domain
  g.push_back(1);  // FL_STANDALONE
  uint8_t flags = 0;
  auto gt = parse_maria_gtid(g.data(), g.size(), 7, flags);
  BOOST_REQUIRE(gt.ok());
  BOOST_CHECK_EQUAL(gt->domain, 3u);
  BOOST_CHECK_EQUAL(gt->server, 7u);
  BOOST_CHECK_EQUAL(gt->seq, 42u);
  BOOST_CHECK_EQUAL(flags, 1);
  std::vector<uint8_t> l;
  le(l, 2, 4);
  le(l, 0, 4), le(l, 1, 4), le(l, 100, 8);
  le(l, 5, 4), le(l, 2, 4), le(l, 7, 8);
  auto list = parse_gtid_list(l.data(), l.size());
  BOOST_REQUIRE(list.ok());
  BOOST_REQUIRE_EQUAL(list->size(), 2u);
  BOOST_CHECK_EQUAL((*list)[1].domain, 5u);
  BOOST_CHECK_EQUAL((*list)[1].seq, 7u);
  BOOST_CHECK(!parse_gtid_list(l.data(), l.size() - 3).ok());
}

BOOST_AUTO_TEST_CASE(gtid_state_mariadb) {
  auto s = GtidState::parse("0-1-42");  // an older checkpoint: the last GTID alone
  BOOST_REQUIRE(s.ok());
  s->add_maria(1, 2, 7);
  s->add_maria(0, 3, 43);  // a new primary in domain 0
  BOOST_CHECK_EQUAL(s->text(), "0-3-43,1-2-7");
  s->merge_maria(1, 9, 1);   // known domain: kept
  s->merge_maria(4, 1, 10);  // new domain: taken
  BOOST_CHECK_EQUAL(s->text(), "0-3-43,1-2-7,4-1-10");
  auto back = GtidState::parse(s->text());
  BOOST_REQUIRE(back.ok());
  BOOST_CHECK_EQUAL(back->text(), s->text());
  BOOST_CHECK(!GtidState::parse("0-1").ok());
  BOOST_CHECK(!GtidState::parse("x-1-2").ok());
  BOOST_CHECK(GtidState::parse("")->empty());
}

BOOST_AUTO_TEST_CASE(gtid_state_mysql) {
  const std::string a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  const std::string b = "8a94f357-aab4-11df-86ab-c80aa9429562";
  auto s = GtidState::parse(a + ":1-5:7, \n" + b + ":1");
  BOOST_REQUIRE(s.ok());
  BOOST_CHECK(s->is_mysql());
  s->add_mysql(a, 8);
  s->add_mysql(b, 2);
  s->add_mysql(a, 6);  // fills the gap
  BOOST_CHECK_EQUAL(s->text(), a + ":1-8," + b + ":1-2");
  s->add_mysql(a, 3);  // already in
  s->add_mysql(a, 10);
  BOOST_CHECK_EQUAL(s->text(), a + ":1-8:10," + b + ":1-2");
  BOOST_CHECK(!GtidState::parse("abc:1-2").ok());
  BOOST_CHECK(!GtidState::parse(a + ":1-x").ok());
  BOOST_CHECK(!GtidState::parse("0-1-2," + a + ":1").ok());
}

// Nothing in the binlog is skipped silently: event types the stream does not decode are
// either known to carry nothing CDC needs or stop it with a reason naming the fix.
BOOST_AUTO_TEST_CASE(unhandled_event_types) {
  for (uint8_t t : {3, 5, 13, 14, 27, 28, 29, 34, 35, 41, 160, 161}) {
    BOOST_TEST(refuse_unhandled_event(t).empty(), "type " << int(t));
  }
  BOOST_TEST(refuse_unhandled_event(26).find("INCIDENT_EVENT") == 0u);
  BOOST_TEST(refuse_unhandled_event(39).find("binlog_row_value_options") != std::string::npos);
  // Compressed events (MySQL 40, MariaDB 165-171) are decoded by the stream
  // (compression_test.cpp), never passed to refuse_unhandled_event.
  BOOST_TEST(refuse_unhandled_event(200).find("unknown") != std::string::npos);
  BOOST_TEST(refuse_unhandled_event(0).find("unknown") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(binlog_file_order) {
  BOOST_TEST(binlog_file_less("mysql-bin.000009", "mysql-bin.000010"));
  BOOST_TEST(binlog_file_less("mysql-bin.999999", "mysql-bin.1000000"));
  BOOST_TEST(!binlog_file_less("mysql-bin.1000000", "mysql-bin.999999"));
  BOOST_TEST(!binlog_file_less("mysql-bin.000010", "mysql-bin.000010"));
}

// XA_PREPARE_LOG_EVENT names its transaction as XA COMMIT / ROLLBACK statements write the xid
// (binlog_stream_xa.cpp matches the two); a cut or overlong one is an error, never a crash.
BOOST_AUTO_TEST_CASE(xa_prepare_events_name_their_xid) {
  auto body = [](uint8_t one_phase, uint32_t format, const std::string& gtrid,
                 const std::string& bqual) {
    std::vector<uint8_t> b{one_phase};
    le(b, format, 4);
    le(b, gtrid.size(), 4);
    le(b, bqual.size(), 4);
    b.insert(b.end(), gtrid.begin(), gtrid.end());
    b.insert(b.end(), bqual.begin(), bqual.end());
    return b;
  };
  auto raw = event(kXaPrepareEvent, 900, 0, body(0, 1, "r", ""), true);
  auto ev = parse_event(raw.data(), raw.size(), true);
  BOOST_REQUIRE(ev.ok());
  auto x = parse_xa_prepare(ev->body, ev->body_len);
  BOOST_REQUIRE(x.ok());
  BOOST_CHECK(!x->one_phase);
  BOOST_CHECK_EQUAL(x->xid, "X'72',X'',1");
  auto b = body(1, 7, "gz\x01", "bq");
  x = parse_xa_prepare(b.data(), b.size());
  BOOST_REQUIRE(x.ok());
  BOOST_CHECK(x->one_phase);
  BOOST_CHECK_EQUAL(x->xid, "X'677A01',X'6271',7");
  b.pop_back();  // cut
  BOOST_CHECK(!parse_xa_prepare(b.data(), b.size()).ok());
  b = body(0, 1, std::string(65, 'a'), "");
  BOOST_CHECK(!parse_xa_prepare(b.data(), b.size()).ok());
}

BOOST_AUTO_TEST_SUITE_END()
