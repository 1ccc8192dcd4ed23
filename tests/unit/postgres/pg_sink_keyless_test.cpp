// issue 15: a table without a key, applied the way PostgreSQL's logical replication applies
// REPLICA IDENTITY FULL: a create inserts, an update or delete changes exactly one row equal in
// every column to the before image (NULL-safe), in upsert and soft_delete mode.
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {

// A keyless source table `name` with columns a (int), b (text), j (json).
std::shared_ptr<const SourceMeta> keyless_meta(const std::string& name) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->db = "shop";
  m->table = name;
  m->column_names = {"a", "b", "j"};
  m->column_types = {"int", "varchar(20)", "json"};
  return m;
}

Object r(int64_t a, const char* b, const char* j = nullptr) {
  Object o;
  o.append(intern("a"), Value::int64(a));
  o.append(intern("b"), b == nullptr ? Value::null() : Value::string(b));
  Object doc;
  if (j != nullptr) doc.append(intern("k"), Value::string(j));
  o.append(intern("j"), j == nullptr ? Value::null() : Value::object(std::move(doc)));
  return o;
}

Event change(const std::shared_ptr<const SourceMeta>& m, Op op, Object after, int64_t pos,
             Object before = {}) {
  Event e = ev(op, std::move(after), pos, 1700000000000000 + pos);
  e.source = m;
  if (op == Op::Update) {
    e.before = std::move(before);
    e.has_before = true;
  }
  return e;
}

std::string rows_of(const std::string& table, const std::string& extra = "") {
  return q(
      "SELECT string_agg(a || ':' || coalesce(b, 'NULL') || ':' || coalesce(j::text, "
      "'NULL')" +
      extra + ", ' ' ORDER BY a, b NULLS FIRST" + extra + ") FROM " + table);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_keyless)

BOOST_AUTO_TEST_CASE(upsert_applies_by_full_row_identity) {
  auto m = keyless_meta("k_upsert");
  auto sink = open_sink({.table = "k_upsert", .rows = 1000});
  std::vector<Event> evs;
  int64_t pos = 0;
  // Duplicates are separate rows; NULLs match NULLs; json matches by value.
  evs.push_back(change(m, Op::Read, r(1, "x"), ++pos));
  evs.push_back(change(m, Op::Read, r(1, "x"), ++pos));
  evs.push_back(change(m, Op::Create, r(2, nullptr, "v"), ++pos));
  evs.push_back(change(m, Op::Create, r(3, "y"), ++pos));
  // One of the two identical rows changes.
  evs.push_back(change(m, Op::Update, r(1, "changed"), ++pos, r(1, "x")));
  // The NULL-b row, found through NULL and json.
  evs.push_back(change(m, Op::Update, r(2, nullptr, "w"), ++pos, r(2, nullptr, "v")));
  // A delete removes exactly one row; the insert after it is kept.
  evs.push_back(change(m, Op::Create, r(3, "y"), ++pos));
  evs.push_back(change(m, Op::Delete, r(3, "y"), ++pos));
  write_ok(*sink, evs);
  BOOST_TEST(q("SELECT count(*) FROM pg_constraint WHERE conrelid = 'k_upsert'::regclass AND "
               "contype = 'p'") == "0");
  BOOST_TEST(rows_of("k_upsert") == "1:changed:NULL 1:x:NULL 2:NULL:{\"k\": \"w\"} 3:y:NULL");
  // Later batches see what earlier ones wrote; an update of a row that is not there changes
  // nothing (as PostgreSQL's apply does).
  std::vector<Event> more;
  more.push_back(change(m, Op::Delete, r(1, "x"), ++pos));
  more.push_back(change(m, Op::Update, r(9, "gone"), ++pos, r(8, "missing")));
  more.push_back(change(m, Op::Update, r(4, "z"), ++pos, r(3, "y")));
  write_ok(*sink, more);
  BOOST_TEST(rows_of("k_upsert") == "1:changed:NULL 2:NULL:{\"k\": \"w\"} 4:z:NULL");
}

BOOST_AUTO_TEST_CASE(soft_delete_marks_one_live_row) {
  auto m = keyless_meta("k_soft");
  auto sink = open_sink({.table = "k_soft", .mode = "soft_delete", .metadata = true, .rows = 1000});
  std::vector<Event> evs;
  int64_t pos = 0;
  evs.push_back(change(m, Op::Create, r(1, "x"), ++pos));
  evs.push_back(change(m, Op::Create, r(1, "x"), ++pos));
  evs.push_back(change(m, Op::Delete, r(1, "x"), ++pos));
  // The deleted row no longer matches: this delete marks the other one.
  evs.push_back(change(m, Op::Delete, r(1, "x"), ++pos));
  evs.push_back(change(m, Op::Create, r(5, "e"), ++pos));
  evs.push_back(change(m, Op::Update, r(6, "f"), ++pos, r(5, "e")));
  write_ok(*sink, evs);
  BOOST_TEST(q("SELECT string_agg(a || ':' || b || ':' || cdc_deleted || ':' || cdc_operation, "
               "' ' ORDER BY a, cdc_position) FROM k_soft") == "1:x:true:d 1:x:true:d 6:f:false:u");
  BOOST_TEST(q("SELECT cdc_position FROM k_soft WHERE a = 6") == "6");
}

BOOST_AUTO_TEST_CASE(keyless_table_is_exactly_once_across_a_restart) {
  auto m = keyless_meta("k_replay");
  std::vector<Event> evs;  // identical rows: only the replay filter can tell them apart
  for (int i = 1; i <= 9; ++i) evs.push_back(change(m, Op::Create, r(7, "dup"), i));
  evs.push_back(change(m, Op::Delete, r(7, "dup"), 10));
  SinkOpts o{.table = "k_replay", .stage = "k_replay"};
  auto sink = open_sink(o);
  write_ok(*sink, {evs.begin(), evs.begin() + 3});
  auto state = sink->checkpoint(1);  // the engine's last complete checkpoint
  BOOST_REQUIRE(state.ok());
  write_ok(*sink, {evs.begin() + 3, evs.begin() + 8});  // committed, then the process dies
  sink.reset();
  BOOST_TEST(q("SELECT count(*) FROM k_replay") == "8");
  // Restart from checkpoint 1: events 4..10 are replayed (other batch sizes).
  auto again = open_sink(o, state.value());
  write_ok(*again, {evs.begin() + 3, evs.begin() + 6});
  write_ok(*again, {evs.begin() + 6, evs.end()});
  BOOST_TEST(q("SELECT count(*) FROM k_replay") == "8");  // 9 inserts, 1 delete
  BOOST_TEST(again->stats().replay_skipped == 5u);
}

// Records without a key that come from no source table are still dead letters:
// pg_sink_errors_test.cpp, missing_key_dead_letters.

BOOST_AUTO_TEST_SUITE_END()
