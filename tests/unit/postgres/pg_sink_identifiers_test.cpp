// Names, keys and types of schemas nobody designed for PostgreSQL: MySQL names of 64 characters
// (or CJK names of 22 and more) that PostgreSQL would cut to 63 bytes, a keyless table whose
// source got a primary key while the pipeline ran (ALTER TABLE ... ADD PRIMARY KEY), and
// columns whose source type was widened (INT to BIGINT when the ids run out).
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "base/temporal.h"
#include "dsl/parser.h"
#include "operators/postgres/sql_text.h"
#include "pg_test_support.h"
#include "support/stderr_capture.h"

using namespace sluice;
using namespace sluice::pgtest;
namespace pg = sluice::operators::postgres;

namespace {

// 64 bytes: 62 x c, then the two given characters.
std::string long_name(const char* tail) { return std::string(62, 'c') + tail; }

// 24 CJK characters (72 bytes in UTF-8), then tail.
std::string cjk_name(const char* tail) {
  std::string s;
  for (int i = 0; i < 8; ++i) s += "顧客名";
  return s + tail;
}

std::shared_ptr<const SourceMeta> table_meta(const std::string& table,
                                             std::vector<std::string> pk) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->db = "shop";
  m->table = table;
  m->column_names = {"a", "b"};
  m->column_types = {"int", "varchar(20)"};
  m->primary_key = std::move(pk);
  return m;
}

Event change(const std::shared_ptr<const SourceMeta>& m, Op op, int64_t a, const char* b,
             int64_t pos, const char* before_b = nullptr) {
  Event e = ev(op, row({{"a", Value::int64(a)}, {"b", Value::string(b)}}), pos);
  e.source = m;
  if (before_b != nullptr) {
    e.before = row({{"a", Value::int64(a)}, {"b", Value::string(before_b)}});
    e.has_before = true;
  }
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_identifiers)

BOOST_AUTO_TEST_CASE(identifiers_fit_postgres_and_stay_the_same) {
  BOOST_TEST(pg::pg_identifier("customer_id") == "customer_id");
  const std::string n63(63, 'x');
  BOOST_TEST(pg::pg_identifier(n63) == n63);
  for (const std::string& n : {long_name("_1"), long_name("_2"), cjk_name(""), cjk_name("2")}) {
    const std::string id = pg::pg_identifier(n);
    BOOST_TEST(id.size() <= pg::kMaxIdentifier, id);
    BOOST_TEST(id == pg::pg_identifier(n));                              // the same every time
    BOOST_TEST(n.compare(0, id.size() - 9, id, 0, id.size() - 9) == 0);  // a prefix, '_', hash
    // Whole UTF-8 characters: the prefix does not end inside one.
    BOOST_TEST(((static_cast<unsigned char>(id[id.size() - 10]) & 0xC0) != 0xC0), id);
  }
  BOOST_TEST(pg::pg_identifier(long_name("_1")) != pg::pg_identifier(long_name("_2")));
  BOOST_TEST(pg::pg_identifier(cjk_name("")) != pg::pg_identifier(cjk_name("2")));
  // What PostgreSQL makes of them: 63 bytes, or fewer at a character boundary.
  BOOST_TEST(pg::pg_cut_identifier(long_name("_1")) == long_name("_1").substr(0, 63));
  BOOST_TEST(pg::pg_cut_identifier(cjk_name("")) == cjk_name("").substr(0, 63));
  BOOST_TEST(pg::pg_cut_identifier(cjk_name("2")) == cjk_name("").substr(0, 63));
  const pg::QualifiedName t = pg::parse_table_name("ods." + std::string(70, 't'));
  BOOST_TEST(t.schema == "ods");
  BOOST_TEST(t.name == pg::pg_identifier(std::string(70, 't')));
}

// Two MySQL columns of 64 characters that differ in the last one, and two CJK names alike in
// their first 63 bytes: PostgreSQL would cut each pair to one name (42701, the whole batch
// refused). Each gets a column of its own, and a second sink writes the same columns.
BOOST_AUTO_TEST_CASE(long_names_get_columns_of_their_own) {
  const std::string c1 = long_name("_1"), c2 = long_name("_2");
  const std::string j1 = cjk_name(""), j2 = cjk_name("2");
  const std::string table = "ident_" + std::string(64, 't');
  auto values = [&](int64_t id, int64_t x) {
    return row({{"id", Value::int64(id)},
                {c1.c_str(), Value::int64(x)},
                {c2.c_str(), Value::int64(x + 1)},
                {j1.c_str(), Value::string("東京")},
                {j2.c_str(), Value::int64(x + 2)}});
  };
  {
    auto sink = open_sink({.table = table, .key = {"id"}});
    write_ok(*sink, {ev(Op::Create, values(1, 10), 1), ev(Op::Create, values(2, 20), 2)});
  }
  // Another stage: it knows nothing of the table but its name.
  auto sink = open_sink({.table = table, .key = {"id"}, .stage = "ident2"});
  write_ok(*sink, {ev(Op::Update, values(2, 30), 3)});
  const std::string t = pg::quote_ident(pg::pg_identifier(table));
  auto col = [](const std::string& n) { return pg::quote_ident(pg::pg_identifier(n)); };
  BOOST_TEST(q("SELECT count(*) FROM information_schema.columns WHERE table_name = '" +
               pg::pg_identifier(table) + "'") == "5");
  BOOST_TEST(q("SELECT string_agg(id || ':' || " + col(c1) + " || ':' || " + col(c2) +
               " || ':' || " + col(j1) + " || ':' || " + col(j2) + ", ' ' ORDER BY id) FROM " +
               t) == "1:10:11:東京:12 2:30:31:東京:32");
}

// A table an earlier version created with the name PostgreSQL cut (one long column, no
// collision, so it worked): its column stays in use; no second column is added.
BOOST_AUTO_TEST_CASE(a_column_postgres_cut_earlier_stays_in_use) {
  const std::string c1 = long_name("_1");
  q("CREATE TABLE ident_cut (id bigint PRIMARY KEY, " + pg::quote_ident(pg::pg_cut_identifier(c1)) +
    " bigint)");
  auto sink = open_sink({.table = "ident_cut", .key = {"id"}});
  write_ok(*sink,
           {ev(Op::Create, row({{"id", Value::int64(1)}, {c1.c_str(), Value::int64(7)}}), 1)});
  BOOST_TEST(q("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ident_cut'") ==
             "2");
  BOOST_TEST(q("SELECT " + pg::quote_ident(pg::pg_cut_identifier(c1)) + " FROM ident_cut") == "7");
}

// The table was keyless when the sink created it (changes applied by full row identity); then
// the source got a primary key. Upserts need a unique key (42P10 without one): the sink adds the
// primary key, and the changes after it apply by key. Where the rows break the key, the records
// are refused with the reason, nothing else is lost.
BOOST_AUTO_TEST_CASE(a_primary_key_the_source_got_is_added) {
  auto keyless = table_meta("k_added", {});
  auto keyed = table_meta("k_added", {"a"});
  auto sink = open_sink({.table = "k_added", .rows = 1000});
  write_ok(*sink,
           {change(keyless, Op::Create, 1, "one", 1), change(keyless, Op::Create, 2, "two", 2)});
  BOOST_TEST(q("SELECT count(*) FROM pg_index WHERE indrelid = 'k_added'::regclass") == "0");
  write_ok(*sink,
           {change(keyed, Op::Update, 1, "uno", 3, "one"), change(keyed, Op::Delete, 2, "two", 4),
            change(keyed, Op::Create, 3, "three", 5)});
  BOOST_TEST(q("SELECT string_agg(a || ':' || b, ' ' ORDER BY a) FROM k_added") == "1:uno 3:three");
  BOOST_TEST(q("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
               "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'k_added'::regclass AND "
               "i.indisprimary") == "a");

  auto dup_keyless = table_meta("k_dup", {});
  auto dup_keyed = table_meta("k_dup", {"a"});
  auto dup_sink = open_sink({.table = "k_dup", .stage = "kdup"});
  write_ok(*dup_sink, {change(dup_keyless, Op::Create, 1, "one", 1),
                       change(dup_keyless, Op::Create, 1, "again", 2)});
  std::vector<Event> evs = {change(dup_keyed, Op::Create, 5, "five", 3)};
  std::vector<Event> dead;
  BOOST_REQUIRE(dup_sink->write(evs, dead).ok());
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  const std::string& m = dead[0].dead_letter->message;
  BOOST_TEST(m.find("cannot add the primary key (\"a\")") != std::string::npos, m);
  BOOST_TEST(q("SELECT count(*) FROM k_dup") == "2");
}

// A unique index the user made on the key serves ON CONFLICT: no primary key is added.
BOOST_AUTO_TEST_CASE(a_unique_index_on_the_key_is_enough) {
  q("CREATE TABLE k_unique (a int NOT NULL, b text); CREATE UNIQUE INDEX k_unique_a ON k_unique "
    "(a)");
  auto keyed = table_meta("k_unique", {"a"});
  auto sink = open_sink({.table = "k_unique"});
  write_ok(*sink, {change(keyed, Op::Create, 1, "one", 1)});
  write_ok(*sink, {change(keyed, Op::Update, 1, "uno", 2, "one")});
  BOOST_TEST(q("SELECT string_agg(a || ':' || b, ' ') FROM k_unique") == "1:uno");
  BOOST_TEST(q("SELECT count(*) FROM pg_index WHERE indrelid = 'k_unique'::regclass AND "
               "indisprimary") == "0");
}

BOOST_AUTO_TEST_CASE(which_types_are_wider) {
  BOOST_TEST(pg::pg_type_holding("integer", "bigint") == "bigint");
  BOOST_TEST(pg::pg_type_holding("smallint", "integer") == "integer");
  BOOST_TEST(pg::pg_type_holding("bigint", "numeric(20)") == "numeric(20)");
  BOOST_TEST(pg::pg_type_holding("numeric(10,2)", "numeric(14,4)") == "numeric(14,4)");
  BOOST_TEST(pg::pg_type_holding("numeric(10,2)", "numeric") == "numeric");
  BOOST_TEST(pg::pg_type_holding("real", "double precision") == "double precision");
  // Narrower on one side, wider on the other: the type that holds both.
  BOOST_TEST(pg::pg_type_holding("numeric(10,2)", "numeric(12,1)") == "numeric(13,2)");
  BOOST_TEST(pg::pg_type_holding("numeric(10,0)", "numeric(10,2)") == "numeric(12,2)");
  BOOST_TEST(pg::pg_type_holding("integer", "numeric(10,2)") == "numeric(12,2)");
  BOOST_TEST(pg::pg_type_holding("numeric(1000,0)", "numeric(10,2)") == "numeric");
  BOOST_TEST(pg::pg_type_holding("timestamp(0) without time zone", "timestamp(6)") ==
             "timestamp(6)");
  BOOST_TEST(pg::pg_type_holding("timestamp(3) with time zone", "timestamptz(6)") ==
             "timestamptz(6)");
  // A source type without "(n)" has no fraction (MySQL); format_type's has 6 (PostgreSQL).
  BOOST_TEST(pg::pg_type_holding("timestamp(0) without time zone", "timestamp").empty());
  BOOST_TEST(pg::pg_type_holding("timestamp without time zone", "timestamp(6)").empty());
  BOOST_TEST(pg::pg_type_holding("bigint", "integer").empty());
  BOOST_TEST(pg::pg_type_holding("numeric(20,0)", "numeric(20)").empty());
  BOOST_TEST(pg::pg_type_holding("numeric(20,0)", "bigint").empty());
  BOOST_TEST(pg::pg_type_holding("integer", "text").empty());
  BOOST_TEST(pg::pg_type_holding("double precision", "real").empty());
  BOOST_TEST(pg::pg_type_holding("date", "timestamp(6)").empty());  // another family
}

BOOST_AUTO_TEST_CASE(which_columns_change_the_values) {
  BOOST_TEST(pg::pg_type_rounding("numeric(10,0)", "numeric(10,2)") ==
             "rounds the values to 0 decimal(s)");
  BOOST_TEST(pg::pg_type_rounding("numeric(10,2)", "double precision") ==
             "rounds the values to 2 decimal(s)");
  BOOST_TEST(pg::pg_type_rounding("timestamp(0) without time zone", "timestamp(6)") ==
             "rounds the values to whole seconds");
  BOOST_TEST(pg::pg_type_rounding("timestamp(3) with time zone", "timestamptz(6)") ==
             "rounds the fraction of a second to 3 digit(s)");
  BOOST_TEST(pg::pg_type_rounding("date", "timestamp") == "drops the time of day");
  BOOST_TEST(pg::pg_type_rounding("real", "double precision") ==
             "keeps about 6 significant digits of the values");
  BOOST_TEST(pg::pg_type_rounding("double precision", "numeric(20)") ==
             "keeps about 15 significant digits of the values");
  BOOST_TEST(pg::pg_type_rounding("numeric(10,2)", "numeric(8,2)").empty());
  BOOST_TEST(pg::pg_type_rounding("numeric", "numeric(65,30)").empty());
  BOOST_TEST(pg::pg_type_rounding("timestamp(0) without time zone", "timestamptz").empty());
  BOOST_TEST(pg::pg_type_rounding("double precision", "integer").empty());
  BOOST_TEST(pg::pg_type_rounding("real", "smallint").empty());
  BOOST_TEST(pg::pg_type_rounding("integer", "numeric(10,2)").empty());  // refused, not rounded
  BOOST_TEST(pg::pg_type_rounding("text", "timestamp(6)").empty());
}

// ALTER TABLE t MODIFY id BIGINT, MODIFY amount DECIMAL(14,4), MODIFY f DOUBLE in the source:
// the values after it did not fit the columns made before it (22003, the pipeline stopped).
// The column follows the source's wider type.
BOOST_AUTO_TEST_CASE(a_widened_source_type_widens_the_column) {
  auto typed = [](std::vector<std::string> types) {
    auto m = std::make_shared<SourceMeta>();
    m->connector = "mysql";
    m->db = "shop";
    m->table = "widened";
    m->column_names = {"id", "amount", "f"};
    m->column_types = std::move(types);
    m->primary_key = {"id"};
    return m;
  };
  auto before = typed({"int", "decimal(10,2)", "float"});
  auto after = typed({"bigint", "decimal(14,4)", "double"});
  auto sink = open_sink({.table = "widened"});
  auto change = [](const std::shared_ptr<const SourceMeta>& m, int64_t id, const char* amount,
                   double f, int64_t pos) {
    Event e = ev(Op::Create,
                 row({{"id", Value::int64(id)},
                      {"amount", Value::decimal(*Decimal::parse(amount))},
                      {"f", Value::float64(f)}}),
                 pos);
    e.source = m;
    return e;
  };
  write_ok(*sink, {change(before, 1, "12345678.12", 0.5, 1)});
  BOOST_TEST(q("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
               "'widened'::regclass AND attname = 'id'") == "integer");
  write_ok(*sink, {change(after, 3000000000, "1234567890.1234", 1e300, 2)});
  BOOST_TEST(q("SELECT string_agg(format_type(atttypid, atttypmod), ' ' ORDER BY attnum) FROM "
               "pg_attribute WHERE attrelid = 'widened'::regclass AND attnum > 0") ==
             "bigint numeric(14,4) double precision");
  BOOST_TEST(q("SELECT string_agg(id || ':' || amount || ':' || f, ' ' ORDER BY id) FROM "
               "widened") == "1:12345678.1200:0.5 3000000000:1234567890.1234:1e+300");
}

// A table a DBA made by hand, narrower than its source: numeric(10,2) for DECIMAL(12,4),
// numeric(10,0) for DECIMAL(10,2), timestamp(0) for DATETIME(6), real for DOUBLE. PostgreSQL
// rounded every value into them without an error (1.2345 became 1.23, 12:00:00.999999 became
// 12:00:01); the sink widened the first only, and said nothing of the others. Now each gets the
// type that holds both; a date column for a DATETIME (another family) is kept and the sink says
// once that PostgreSQL drops the time of day. With create_tables = false nothing is altered and
// each column that rounds is named.
namespace {

std::shared_ptr<const SourceMeta> narrow_meta(const std::string& table) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->db = "shop";
  m->table = table;
  m->column_names = {"id", "price", "qty", "ts", "r", "d"};
  m->column_types = {"int", "decimal(12,4)", "decimal(10,2)", "datetime(6)", "double", "datetime"};
  m->primary_key = {"id"};
  return m;
}

Event narrow_row(const std::shared_ptr<const SourceMeta>& m, int64_t id, int64_t pos) {
  Event e =
      ev(Op::Create,
         row({{"id", Value::int64(id)},
              {"price", Value::decimal(*Decimal::parse("1.2345"))},
              {"qty", Value::decimal(*Decimal::parse("1.50"))},
              {"ts", Value::datetime(*temporal::parse_datetime("2024-01-01 23:59:59.999999"))},
              {"r", Value::float64(0.1234567890123)},
              {"d", Value::datetime(*temporal::parse_datetime("2024-01-01 12:34:56"))}}),
         pos);
  e.source = m;
  return e;
}

constexpr const char* kNarrowColumns =
    "(id int PRIMARY KEY, price numeric(10,2), qty numeric(10,0), ts timestamp(0), r real, "
    "d date)";

std::string column_types(const std::string& table) {
  return q(
      "SELECT string_agg(format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM "
      "pg_attribute WHERE attrelid = '" +
      table + "'::regclass AND attnum > 0");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_table_made_narrower_than_its_source) {
  q(std::string("CREATE TABLE narrow_made ") + kNarrowColumns);
  test::StderrCapture log;
  auto sink = open_sink({.table = "narrow_made"});
  write_ok(*sink, {narrow_row(narrow_meta("narrow_made"), 1, 1)});
  BOOST_TEST(column_types("narrow_made") ==
             "integer, numeric(12,4), numeric(12,2), timestamp(6) without time zone, double "
             "precision, date");
  BOOST_TEST(
      q("SELECT price || ' ' || qty || ' ' || ts || ' ' || r || ' ' || d FROM narrow_made") ==
      "1.2345 1.50 2024-01-01 23:59:59.999999 0.1234567890123 2024-01-01");
  const std::string text = log.text();
  BOOST_TEST(text.find("column qty is now numeric(12,2)") != std::string::npos);
  BOOST_TEST(text.find("column d is date, its source's type datetime: PostgreSQL drops the time "
                       "of day") != std::string::npos);
  BOOST_TEST(text.find("column ts is timestamp") == std::string::npos);  // widened: no rounding

  q(std::string("CREATE TABLE narrow_kept ") + kNarrowColumns);
  auto kept = open_sink({.table = "narrow_kept", .create_tables = false});
  write_ok(*kept, {narrow_row(narrow_meta("narrow_kept"), 1, 1)});
  BOOST_TEST(column_types("narrow_kept") ==
             "integer, numeric(10,2), numeric(10,0), timestamp(0) without time zone, real, date");
  BOOST_TEST(q("SELECT price || ' ' || qty || ' ' || ts FROM narrow_kept") ==
             "1.23 2 2024-01-02 00:00:00");
  const std::string more = log.text();
  for (const char* said :
       {"column price is numeric(10,2), its source's type decimal(12,4): PostgreSQL rounds the "
        "values to 2 decimal(s)",
        "column qty is numeric(10,0), its source's type decimal(10,2): PostgreSQL rounds the "
        "values to 0 decimal(s)",
        "column ts is timestamp(0) without time zone, its source's type datetime(6): PostgreSQL "
        "rounds the values to whole seconds",
        "column r is real, its source's type double: PostgreSQL keeps about 6 significant "
        "digits"}) {
    BOOST_TEST(more.find(said) != std::string::npos, said);
  }
  // Once a table and column.
  write_ok(*kept, {narrow_row(narrow_meta("narrow_kept"), 2, 2)});
  const std::string again = log.text();
  BOOST_TEST(again.find("column ts is timestamp(0)") == again.rfind("column ts is timestamp(0)"));
}

// A table a DBA made with unquoted names (PostgreSQL folds them to lower case) for a MySQL
// table whose column names have capitals (MySQL compares column names ignoring case). The sink
// added columns "Id", "CustomerName" and "OrderTotal" to the DBA's table and refused every
// record (key column id not in the records). Now a field goes to the column of its name in
// lower case when the table has no column of its own name; a record that has both `Name` and
// `name` (JSON) keeps them apart.
BOOST_AUTO_TEST_CASE(capitals_go_to_the_columns_postgres_folded) {
  q("CREATE TABLE camel (id int PRIMARY KEY, customername text, ordertotal numeric(10,2))");
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->table = "camel";
  m->primary_key = {"Id"};
  m->column_names = {"Id", "CustomerName", "OrderTotal"};
  m->column_types = {"int", "varchar(20)", "decimal(10,2)"};
  auto put = [&](Op op, int64_t id, const char* name, int64_t pos) {
    Event e = ev(op,
                 row({{"Id", Value::int64(id)},
                      {"CustomerName", Value::string(name)},
                      {"OrderTotal", Value::decimal(*Decimal::parse("10.50"))}}),
                 pos);
    e.source = m;
    return e;
  };
  auto sink = open_sink({.table = "camel"});
  write_ok(*sink, {put(Op::Read, 1, "Ann", 1)});
  write_ok(*sink, {put(Op::Create, 2, "Bob", 2), put(Op::Update, 1, "Ann B", 3)});
  BOOST_TEST(q("SELECT string_agg(id || ':' || customername || ':' || ordertotal, ' ' ORDER BY "
               "id) FROM camel") == "1:Ann B:10.50 2:Bob:10.50");
  BOOST_TEST(column_types("camel") == "integer, text, numeric(10,2)");  // no column added

  q("CREATE TABLE both_cases (id int PRIMARY KEY, name text)");
  auto both = open_sink({.table = "both_cases", .key = {"id"}});
  write_ok(*both, {ev(Op::Create,
                      row({{"id", Value::int64(1)},
                           {"Name", Value::string("upper")},
                           {"name", Value::string("lower")}}),
                      1)});
  BOOST_TEST(q("SELECT name || ' ' || \"Name\" FROM both_cases") == "lower upper");
}

// A source table's name is one name, dots and quotes included: MySQL takes any character in a
// quoted table name, and a table `other.secret` with table = @table was written into the table
// secret of the schema other (a TRUNCATE of the source table emptied it). The expression's own
// dots separate the schema (@source.db + "." + @table, a literal inside if), and so do a Kafka
// topic's (SourceMeta::table_qualified: dbserver1.inventory.customers).
BOOST_AUTO_TEST_CASE(a_dot_from_the_record_is_part_of_the_name) {
  q("CREATE SCHEMA other; CREATE TABLE other.secret (a int PRIMARY KEY, b text); "
    "INSERT INTO other.secret VALUES (1, 'keep')");
  auto named = [](const char* db, const char* table, bool qualified = false) {
    auto m = std::make_shared<SourceMeta>();
    m->connector = qualified ? "kafka" : "mysql";
    m->db = db;
    m->table = table;
    m->table_qualified = qualified;
    m->primary_key = {"a"};
    return std::shared_ptr<const SourceMeta>(std::move(m));
  };
  dsl::Diagnostics diags;
  std::vector<ast::ExprPtr> exprs;
  auto sink_for = [&](const char* text) {
    exprs.push_back(dsl::parse_expr(text, diags));
    BOOST_REQUIRE(exprs.back() && !diags.has_errors());
    return open_sink({.key = {"a"}, .table_expr = exprs.back().get()});
  };
  {
    auto sink = sink_for("@table");
    auto m = named("shop", "other.secret");
    write_ok(*sink, {change(m, Op::Create, 2, "x", 1)});
    BOOST_TEST(q("SELECT string_agg(a || b, ',') FROM public.\"other.secret\"") == "2x");
    Event trunc = ev(Op::Truncate, Object(), 2);
    trunc.source = m;
    write_ok(*sink, {trunc});
    BOOST_TEST(q("SELECT count(*) FROM public.\"other.secret\"") == "0");
    BOOST_TEST(q("SELECT string_agg(a || b, ',') FROM other.secret") == "1keep");
  }
  {
    auto sink = sink_for("@db + \".\" + @table");
    write_ok(*sink, {change(named("my.db", "t.x"), Op::Create, 3, "y", 1)});
    BOOST_TEST(q("SELECT a || b FROM \"my.db\".\"t.x\"") == "3y");
  }
  {
    auto sink = sink_for("\"staging_\" + @table");
    write_ok(*sink, {change(named("shop", "a\"b.c"), Op::Create, 4, "z", 1)});
    BOOST_TEST(q("SELECT a || b FROM public.\"staging_a\"\"b.c\"") == "4z");
  }
  {
    auto sink =
        sink_for("(if @source.db == \"shop\" then \"ods_if.\" else \"ods_else.\") + @table");
    write_ok(*sink, {change(named("shop", "plain"), Op::Create, 5, "w", 1)});
    BOOST_TEST(q("SELECT a || b FROM ods_if.plain") == "5w");
  }
  {
    auto sink = sink_for("@table");
    write_ok(*sink, {change(named("", "kq.customers", true), Op::Create, 6, "v", 1)});
    BOOST_TEST(q("SELECT a || b FROM kq.customers") == "6v");
  }
}

// A target table made the modern way: the key GENERATED ALWAYS AS IDENTITY (INSERT refuses a
// value for it without OVERRIDING SYSTEM VALUE, 428C9; COPY takes one) and a column GENERATED
// ALWAYS AS (...) STORED named like a source column (no write may give it a value). Snapshot
// rows went in by COPY; every streamed change was refused.
BOOST_AUTO_TEST_CASE(identity_and_generated_columns_of_an_existing_table) {
  q("CREATE TABLE gen_t (a bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, b text, "
    "blen int GENERATED ALWAYS AS (length(b)) STORED)");
  auto m = table_meta("gen_t", {"a"});
  auto r = [&](Op op, int64_t a, const char* b, int64_t pos) {
    Event e =
        ev(op, row({{"a", Value::int64(a)}, {"b", Value::string(b)}, {"blen", Value::int64(99)}}),
           pos);
    e.source = m;
    return e;
  };
  auto sink = open_sink({.table = "gen_t", .key = {"a"}});
  write_ok(*sink, {r(Op::Read, 1, "one", 1), r(Op::Read, 2, "two", 2)});
  write_ok(*sink, {r(Op::Create, 3, "three", 3), r(Op::Update, 2, "second", 4),
                   r(Op::Delete, 1, "one", 5)});
  BOOST_TEST(q("SELECT string_agg(a || ':' || b || ':' || blen, ',' ORDER BY a) FROM gen_t") ==
             "2:second:6,3:three:5");
}

BOOST_AUTO_TEST_SUITE_END()
