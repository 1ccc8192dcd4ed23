// The order of a snapshot's tables (table_order.h): a table after the tables its foreign keys
// refer to. A target given the source's foreign keys (docs/mysql.md recommends them for
// ON DELETE CASCADE) refused every row of `accounts` when it was read before `zones`, which name
// order does.
#include "operators/mysql/table_order.h"

#include <boost/test/unit_test.hpp>

#include "operators/mysql/mysql_source.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

std::string order_names(const std::vector<my::SnapshotTable>& tables) {
  std::string out;
  for (const auto& t : tables) out += (out.empty() ? "" : " ") + t.table;
  return out;
}

std::vector<my::SnapshotTable> order_tables(std::initializer_list<const char*> names) {
  std::vector<my::SnapshotTable> out;
  for (const char* n : names) out.push_back({"db", n, 0, {}});
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_table_order)

BOOST_AUTO_TEST_CASE(a_table_comes_after_the_tables_it_refers_to) {
  auto t = order_tables({"accounts", "items", "orders", "users", "zones"});
  my::order_by_foreign_keys(t, {{"db.accounts", "db.zones"},
                                {"db.accounts", "db.users"},
                                {"db.items", "db.orders"},
                                {"db.orders", "db.accounts"},
                                {"db.users", "db.users"},          // itself: no order
                                {"db.orders", "other.missing"}});  // not captured
  BOOST_TEST(order_names(t) == "users zones accounts orders items");
}

BOOST_AUTO_TEST_CASE(a_cycle_is_broken_at_one_of_its_tables) {
  // b and c refer to each other, a to b: d is free; then b (on the cycle), which frees a and c.
  auto t = order_tables({"a", "b", "c", "d"});
  my::order_by_foreign_keys(t, {{"db.b", "db.c"}, {"db.c", "db.b"}, {"db.a", "db.b"}});
  BOOST_TEST(order_names(t) == "d b a c");
  auto none = order_tables({"x", "y"});
  my::order_by_foreign_keys(none, {});
  BOOST_TEST(order_names(none) == "x y");
}

// Through the source against the private MariaDB: every snapshot row of zones comes before the
// first of accounts, whose name comes first.
BOOST_AUTO_TEST_CASE(the_snapshot_reads_a_referred_table_first) {
  server().exec(
      "CREATE DATABASE fk_order; "
      "CREATE TABLE fk_order.zones (id INT PRIMARY KEY, name VARCHAR(20)); "
      "CREATE TABLE fk_order.accounts (id INT PRIMARY KEY, zone_id INT NOT NULL, "
      "FOREIGN KEY (zone_id) REFERENCES fk_order.zones (id)); "
      "INSERT INTO fk_order.zones VALUES (1, 'north'), (2, 'south'); "
      "INSERT INTO fk_order.accounts VALUES (1, 2), (2, 1), (3, 2)");
  for (auto method : {my::SnapshotMethod::LockFree, my::SnapshotMethod::Consistent}) {
    auto cfg = make_cfg("fk_order", {}, my::SnapshotMode::Initial);
    cfg.snapshot_method = method;
    my::MySqlSource src(cfg);
    auto o = src.open("");
    BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
    auto evs = poll_n(src, 5);
    BOOST_REQUIRE_EQUAL(evs.size(), 5u);
    std::string order;
    for (const auto& e : evs) order += e.source->table.substr(0, 1);
    BOOST_TEST(order == "zzaaa");
  }
}

BOOST_AUTO_TEST_SUITE_END()
