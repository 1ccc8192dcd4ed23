// Op::Truncate (a source TRUNCATE TABLE) in the postgres sink, against the private server:
// upsert truncates the target in order with the batch's other events and in the same
// transaction as the checkpoint row; soft_delete marks every row deleted; append records one
// row with cdc_operation 't'; a missing table is a no-op; a refused TRUNCATE is a dead letter.
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {

Event truncate_ev(const std::string& table, int64_t pos) {
  Event e;
  e.op = Op::Truncate;
  e.position = Value::int64(pos);
  e.ts = 1709214359000000;  // 2024-02-29T13:45:59Z
  auto m = std::make_shared<SourceMeta>();
  m->connector = "test";
  m->db = "src";
  m->table = table;
  e.source = m;
  return e;
}

Event put(Op op, int64_t id, const char* v, int64_t pos) {
  return ev(op, row({{"id", Value::int64(id)}, {"v", Value::string(v)}}), pos);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_truncate)

BOOST_AUTO_TEST_CASE(upsert_truncates_in_order_within_the_batch) {
  auto sink = open_sink({.table = "trunc_up", .key = {"id"}, .stage = "trunc_up"});
  write_ok(*sink,
           {put(Op::Create, 1, "a", 1), put(Op::Create, 2, "b", 2), put(Op::Create, 3, "c", 3)});
  BOOST_TEST(q("SELECT count(*) FROM trunc_up") == "3");
  // One flush: 4 before the truncate is gone, 5 after it stays (updated), 2 is re-created.
  write_ok(*sink,
           {put(Op::Create, 4, "d", 4), put(Op::Update, 2, "b2", 5), truncate_ev("t", 6),
            put(Op::Create, 5, "e", 7), put(Op::Update, 5, "e2", 8), put(Op::Create, 2, "b3", 9)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM trunc_up") == "2=b3,5=e2");
  // The checkpoint row was written in the same transaction, at the batch's last event.
  BOOST_TEST(q("SELECT position || '|' || seq FROM sluice_checkpoints WHERE stage = "
               "'trunc_up'") == "9|9");
  // A truncate alone, then rows again.
  write_ok(*sink, {truncate_ev("t", 10)});
  BOOST_TEST(q("SELECT count(*) FROM trunc_up") == "0");
  write_ok(*sink, {put(Op::Create, 7, "g", 11)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',') FROM trunc_up") == "7=g");
}

BOOST_AUTO_TEST_CASE(truncate_of_a_missing_table_is_a_no_op) {
  auto sink = open_sink({.table = "trunc_missing", .key = {"id"}, .stage = "trunc_missing"});
  write_ok(*sink, {truncate_ev("t", 1)});
  BOOST_TEST(q("SELECT to_regclass('public.trunc_missing') IS NULL") == "t");
  write_ok(*sink, {truncate_ev("t", 2), put(Op::Create, 1, "a", 3)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',') FROM trunc_missing") == "1=a");
}

BOOST_AUTO_TEST_CASE(soft_delete_marks_every_row_deleted) {
  auto sink = open_sink({.table = "trunc_soft",
                         .mode = "soft_delete",
                         .key = {"id"},
                         .metadata = true,
                         .stage = "trunc_soft"});
  write_ok(*sink, {put(Op::Create, 1, "a", 1), put(Op::Create, 2, "b", 2)});
  write_ok(*sink, {truncate_ev("t", 3), put(Op::Create, 3, "c", 4)});
  BOOST_TEST(q("SET TimeZone = 'UTC'; SELECT string_agg(id || '=' || cdc_deleted || ':' || "
               "cdc_operation || ':' || coalesce(cdc_position, '-') || ':' || "
               "coalesce(to_char(cdc_timestamp, 'YYYY-MM-DD HH24:MI:SS'), '-'), ',' ORDER BY id) "
               "FROM trunc_soft") ==
             "1=true:t:3:2024-02-29 13:45:59,2=true:t:3:2024-02-29 13:45:59,"
             "3=false:c:4:-");
  // A row deleted before the truncate keeps its delete record.
  write_ok(*sink, {put(Op::Delete, 3, "c", 5), truncate_ev("t", 6)});
  BOOST_TEST(q("SELECT cdc_operation || ':' || cdc_position FROM trunc_soft WHERE id = 3") ==
             "d:5");
}

BOOST_AUTO_TEST_CASE(append_records_one_truncate_row) {
  auto sink = open_sink({.table = "trunc_hist", .mode = "append", .stage = "trunc_hist"});
  write_ok(*sink, {put(Op::Create, 1, "a", 1), put(Op::Update, 1, "b", 2), truncate_ev("t", 3),
                   put(Op::Create, 1, "c", 4)});
  BOOST_TEST(q("SELECT string_agg(coalesce(id::text, '-') || ':' || coalesce(v, '-') || ':' || "
               "cdc_operation || ':' || cdc_position, ',' ORDER BY cdc_position) FROM "
               "trunc_hist") == "1:a:c:1,1:b:u:2,-:-:t:3,1:c:c:4");
  // A truncate as the very first event of a new append table creates it.
  auto fresh = open_sink({.table = "trunc_hist2", .mode = "append", .stage = "trunc_hist2"});
  write_ok(*fresh, {truncate_ev("t", 1)});
  BOOST_TEST(q("SELECT cdc_operation || ':' || cdc_position FROM trunc_hist2") == "t:1");
}

BOOST_AUTO_TEST_CASE(a_refused_truncate_is_a_dead_letter_and_the_rest_commits) {
  q("DROP TABLE IF EXISTS trunc_child; DROP TABLE IF EXISTS trunc_parent; "
    "CREATE TABLE trunc_parent (id bigint PRIMARY KEY, v text); "
    "CREATE TABLE trunc_child (id bigint PRIMARY KEY, p bigint REFERENCES trunc_parent(id)); "
    "INSERT INTO trunc_parent VALUES (1, 'a'); INSERT INTO trunc_child VALUES (1, 1);");
  auto sink = open_sink({.table = "trunc_parent", .key = {"id"}, .stage = "trunc_parent"});
  std::vector<Event> evs = {put(Op::Create, 2, "b", 1), truncate_ev("t", 2),
                            put(Op::Create, 3, "c", 3)};
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(std::string(op_code(dead[0].op)) == "t");
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM trunc_parent") ==
             "1=a,2=b,3=c");
}

// A restart with no engine checkpoint: the target holds the rows of an earlier run of this
// stage that never acknowledged a barrier (kill -9 in its first second). The new run derives
// everything again; rows the earlier run wrote for keys that no longer exist must not stay.
BOOST_AUTO_TEST_CASE(a_fresh_run_clears_the_output_of_a_run_that_never_checkpointed) {
  {
    auto killed = open_sink({.table = "takeover_t", .key = {"id"}, .stage = "takeover"});
    write_ok(*killed,
             {put(Op::Create, 1, "a", 1), put(Op::Create, 2, "b", 2), put(Op::Create, 3, "c", 3)});
  }  // no checkpoint(): the engine state stays empty
  auto fresh = open_sink({.table = "takeover_t", .key = {"id"}, .stage = "takeover"});
  // Key 3 was deleted in the source meanwhile: the fresh snapshot has 1 and 2 only.
  write_ok(*fresh, {put(Op::Read, 1, "a2", 10), put(Op::Read, 2, "b2", 10)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM takeover_t") ==
             "1=a2,2=b2");
  // The cleared table takes the fresh snapshot by COPY straight in, batch after batch.
  write_ok(*fresh, {put(Op::Read, 4, "d", 10)});
  BOOST_TEST(fresh->stats().direct_copies == 2u);
  write_ok(*fresh, {put(Op::Delete, 4, "d", 11)});
  BOOST_TEST(q("SELECT tables || '|' || acked FROM sluice_checkpoints WHERE stage = "
               "'takeover'") == "public.takeover_t|false");
  // This run reaches a barrier: a later fresh lineage keeps its rows (the state directory was
  // lost, not a run that died before its first checkpoint).
  auto st = fresh->checkpoint(1);
  BOOST_REQUIRE(st.ok());
  BOOST_TEST(q("SELECT acked FROM sluice_checkpoints WHERE stage = 'takeover'") == "t");
  auto later = open_sink({.table = "takeover_t", .key = {"id"}, .stage = "takeover"});
  write_ok(*later, {put(Op::Read, 1, "a3", 20)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM takeover_t") ==
             "1=a3,2=b2");
  // `later` found the rows of that acknowledged run in the table when it first wrote it: a
  // takeover of `later` keeps the table (its rows and theirs).
  {
    auto killed = open_sink({.table = "takeover_t", .key = {"id"}, .stage = "takeover"});
    write_ok(*killed, {put(Op::Create, 5, "e", 30)});
  }
  auto next = open_sink({.table = "takeover_t", .key = {"id"}, .stage = "takeover"});
  write_ok(*next, {put(Op::Read, 1, "a4", 40)});
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM takeover_t") ==
             "1=a4,2=b2,5=e");
  // A table that run made itself: a run that writes nothing still clears it at its first
  // checkpoint.
  {
    auto killed = open_sink({.table = "takeover_u", .key = {"id"}, .stage = "takeover_u"});
    write_ok(*killed, {put(Op::Create, 5, "e", 30)});
  }
  auto idle = open_sink({.table = "takeover_u", .key = {"id"}, .stage = "takeover_u"});
  BOOST_TEST(q("SELECT count(*) FROM takeover_u") == "1");
  BOOST_REQUIRE(idle->checkpoint(1).ok());
  BOOST_TEST(q("SELECT count(*) FROM takeover_u") == "0");
}

// The table held rows before the run that died first wrote it (an ODS table made and filled by
// hand, or by the consumer Sluice replaces: orders the source has since purged). The takeover
// truncated it, and those rows were gone for good: the fresh snapshot cannot bring back what
// the source no longer has. Now such a table is kept, with a warning.
BOOST_AUTO_TEST_CASE(a_takeover_keeps_a_table_that_held_rows_before) {
  q("CREATE TABLE takeover_held (id bigint PRIMARY KEY, v text); "
    "INSERT INTO takeover_held VALUES (900001, 'archived')");
  {
    auto killed = open_sink({.table = "takeover_held", .key = {"id"}, .stage = "held"});
    write_ok(*killed, {put(Op::Read, 1, "a", 1), put(Op::Read, 2, "b", 2)});
  }
  BOOST_TEST(q("SELECT shared_tables FROM sluice_checkpoints WHERE stage = 'held'") ==
             "public.takeover_held");
  auto fresh = open_sink({.table = "takeover_held", .key = {"id"}, .stage = "held"});
  write_ok(*fresh, {put(Op::Read, 1, "a2", 10)});
  BOOST_REQUIRE(fresh->checkpoint(1).ok());
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM takeover_held") ==
             "1=a2,2=b,900001=archived");
}

// Two pipelines write one table (two MySQL shards into one ODS table). One of them dies before
// its first checkpoint; its restart truncated the table, and the other's rows, which that one
// never sends again, were gone. Now a table another sink's checkpoint row lists is kept; a table
// only the dead run wrote is still cleared.
BOOST_AUTO_TEST_CASE(a_takeover_keeps_a_table_another_sink_writes) {
  {
    auto killed = open_sink({.table = "fan_in", .key = {"id"}, .stage = "shard1"});
    write_ok(*killed, {put(Op::Read, 1, "one", 1)});
  }
  auto other = open_sink({.table = "fan_in", .key = {"id"}, .stage = "shard2"});
  write_ok(*other, {put(Op::Read, 2, "two", 1)});
  BOOST_REQUIRE(other->checkpoint(1).ok());
  auto fresh = open_sink({.table = "fan_in", .key = {"id"}, .stage = "shard1"});
  write_ok(*fresh, {put(Op::Read, 1, "one", 10)});
  BOOST_REQUIRE(fresh->checkpoint(1).ok());
  BOOST_TEST(q("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM fan_in") == "1=one,2=two");
}

BOOST_AUTO_TEST_SUITE_END()
