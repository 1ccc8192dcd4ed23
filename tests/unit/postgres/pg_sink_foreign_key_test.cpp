// A target whose tables have the source's foreign keys (docs/mysql.md recommends them for
// ON DELETE CASCADE), against the private server. The sink applies a batch table by table; a
// source transaction that deletes a customer's orders and then the customer, or inserts a
// customer and then an order, was refused when the table of the later change came first in
// the batch (23503): the record went to the dead letters and the target kept a row the source
// had deleted. Now such a refusal makes the sink apply its batches in the source's order.
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "dsl/parser.h"
#include "pg_test_support.h"
#include "support/stderr_capture.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {

std::shared_ptr<const SourceMeta> fk_table(const char* name) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->db = "shop";
  m->table = name;
  m->primary_key = {"id"};
  return m;
}

Event fk_change(const std::shared_ptr<const SourceMeta>& m, Op op, Object r, int64_t pos) {
  Event e = ev(op, std::move(r), pos);
  if (op == Op::Delete) {
    e.before = e.row;
    e.has_before = true;
  }
  e.source = m;
  return e;
}

// The sink's `table` expression.
ast::ExprPtr table_expr(const char* text) {
  dsl::Diagnostics diags;
  auto expr = dsl::parse_expr(text, diags);
  BOOST_REQUIRE(expr && !diags.has_errors());
  return expr;
}

// Writes as the engine does: a transient error means the same call again.
std::vector<Event> fk_write(operators::postgres::PostgresSink& s, std::vector<Event> evs) {
  std::vector<Event> dead;
  auto r = s.write(evs, dead);
  for (int i = 0; i < 3 && !r.ok() && r.err().kind == failure_kind::transient; ++i)
    r = s.write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  return dead;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_foreign_keys)

BOOST_AUTO_TEST_CASE(changes_a_foreign_key_orders_are_applied_in_the_source_order) {
  q("CREATE TABLE fk_customers (id bigint PRIMARY KEY, name text); "
    "CREATE TABLE fk_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES "
    "fk_customers (id)); "
    "INSERT INTO fk_customers VALUES (7, 'old'), (8, 'other'); "
    "INSERT INTO fk_orders VALUES (70, 7), (80, 8)");
  auto expr = table_expr("\"fk_\" + @table");
  test::StderrCapture log;
  auto sink = open_sink({.stage = "fk", .table_expr = expr.get()});
  auto customers = fk_table("customers"), orders = fk_table("orders");
  auto customer = [](int64_t id, const char* name) {
    return row({{"id", Value::int64(id)}, {"name", Value::string(name)}});
  };
  auto order = [](int64_t id, int64_t c) {
    return row({{"id", Value::int64(id)}, {"customer_id", Value::int64(c)}});
  };
  // One batch of three source transactions: a customer and its order; customer 7's order and
  // then customer 7 deleted; order 80 moved to the new customer and customer 8 deleted.
  auto dead = fk_write(*sink, {fk_change(customers, Op::Create, customer(100, "new"), 1),
                               fk_change(orders, Op::Create, order(1000, 100), 2),
                               fk_change(orders, Op::Delete, order(70, 7), 3),
                               fk_change(customers, Op::Delete, customer(7, "old"), 4),
                               fk_change(orders, Op::Update, order(80, 100), 5),
                               fk_change(customers, Op::Delete, customer(8, "other"), 6)});
  BOOST_TEST(dead.empty());
  BOOST_TEST(q("SELECT string_agg(id::text, ',' ORDER BY id) FROM fk_customers") == "100");
  BOOST_TEST(q("SELECT string_agg(id || ':' || customer_id, ',' ORDER BY id) FROM fk_orders") ==
             "80:100,1000:100");
  BOOST_TEST(log.text().find("from now on batches are applied in the order of the foreign keys") !=
             std::string::npos);
  // Later batches go in that order at once (no refusal first).
  write_ok(*sink, {fk_change(customers, Op::Create, customer(101, "b"), 7),
                   fk_change(orders, Op::Create, order(1001, 101), 8),
                   fk_change(orders, Op::Delete, order(1000, 100), 9),
                   fk_change(orders, Op::Delete, order(80, 100), 10),
                   fk_change(customers, Op::Delete, customer(100, "new"), 11)});
  BOOST_TEST(q("SELECT string_agg(id::text, ',' ORDER BY id) FROM fk_customers") == "101");
  BOOST_TEST(q("SELECT string_agg(id || ':' || customer_id, ',' ORDER BY id) FROM fk_orders") ==
             "1001:101");
  BOOST_TEST(sink->stats().dead == 0u);
}

// Tables whose foreign keys refer to each other (a department's manager is an employee, an
// employee's department a department): no order of the tables fits every batch, the source's
// order does.
BOOST_AUTO_TEST_CASE(a_cycle_of_foreign_keys_goes_in_the_source_order) {
  q("CREATE TABLE cyc_dept (id bigint PRIMARY KEY, manager bigint); "
    "CREATE TABLE cyc_emp (id bigint PRIMARY KEY, dept bigint REFERENCES cyc_dept (id)); "
    "ALTER TABLE cyc_dept ADD FOREIGN KEY (manager) REFERENCES cyc_emp (id)");
  auto expr = table_expr("\"cyc_\" + @table");
  test::StderrCapture log;
  auto sink = open_sink({.stage = "cyc", .table_expr = expr.get()});
  auto dept = fk_table("dept"), emp = fk_table("emp");
  auto d = [](int64_t id, Value manager) {
    return row({{"id", Value::int64(id)}, {"manager", std::move(manager)}});
  };
  auto e = [](int64_t id, int64_t dept_id) {
    return row({{"id", Value::int64(id)}, {"dept", Value::int64(dept_id)}});
  };
  // A department, its first employee, then the employee made its manager.
  auto dead = fk_write(*sink, {fk_change(dept, Op::Create, d(1, Value::null()), 1),
                               fk_change(emp, Op::Create, e(10, 1), 2),
                               fk_change(dept, Op::Update, d(1, Value::int64(10)), 3)});
  BOOST_TEST(dead.empty());
  BOOST_TEST(q("SELECT manager FROM cyc_dept WHERE id = 1") == "10");
  BOOST_TEST(q("SELECT dept FROM cyc_emp WHERE id = 10") == "1");
  BOOST_TEST(log.text().find("from now on batches are applied in the source's order") !=
             std::string::npos);
}

// A row that refers to what the source never had stays a dead letter with the reason.
BOOST_AUTO_TEST_CASE(a_row_the_key_refuses_in_the_source_order_too_is_a_dead_letter) {
  q("CREATE TABLE fk2_customers (id bigint PRIMARY KEY); "
    "CREATE TABLE fk2_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES "
    "fk2_customers (id))");
  auto expr = table_expr("\"fk2_\" + @table");
  auto sink = open_sink({.stage = "fk2", .table_expr = expr.get()});
  std::vector<Event> evs = {
      fk_change(fk_table("customers"), Op::Create, row({{"id", Value::int64(1)}}), 1),
      fk_change(fk_table("orders"), Op::Create,
                row({{"id", Value::int64(10)}, {"customer_id", Value::int64(1)}}), 2),
      fk_change(fk_table("orders"), Op::Create,
                row({{"id", Value::int64(11)}, {"customer_id", Value::int64(99)}}), 3)};
  auto dead = fk_write(*sink, std::move(evs));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].dead_letter->message.find("23503") != std::string::npos);
  BOOST_TEST(q("SELECT string_agg(id::text, ',' ORDER BY id) FROM fk2_orders") == "10");
  // That run never reached a checkpoint, and the tables were empty before it: a fresh run clears
  // both, in one TRUNCATE (PostgreSQL refuses to truncate fk2_customers alone: 0A000).
  sink.reset();
  auto fresh = open_sink({.stage = "fk2", .table_expr = expr.get()});
  auto again = fk_write(
      *fresh, {fk_change(fk_table("customers"), Op::Read, row({{"id", Value::int64(2)}}), 10)});
  BOOST_TEST(again.empty());
  BOOST_TEST(q("SELECT (SELECT string_agg(id::text, ',') FROM fk2_customers) || '|' || "
               "(SELECT count(*) FROM fk2_orders)") == "2|0");
}

BOOST_AUTO_TEST_SUITE_END()
