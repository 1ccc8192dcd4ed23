// Pure unit tests (no server): type mapping, COPY encoding, names, secrets.
#include <boost/test/unit_test.hpp>

#include "base/secrets.h"
#include "base/temporal.h"
#include "operators/postgres/copy_encoder.h"
#include "operators/postgres/postgres_kind.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/sql_text.h"
#include "operators/postgres/type_map.h"

using namespace sluice;
using namespace sluice::operators::postgres;

BOOST_AUTO_TEST_SUITE(postgres_types)

BOOST_AUTO_TEST_CASE(value_types_map_exactly) {
  BOOST_TEST(pg_type_for_value(Type::Decimal) == "numeric");
  BOOST_TEST(pg_type_for_value(Type::Int) == "bigint");
  BOOST_TEST(pg_type_for_value(Type::UInt) == "numeric(20)");
  BOOST_TEST(pg_type_for_value(Type::Float) == "double precision");
  BOOST_TEST(pg_type_for_value(Type::String) == "text");
  BOOST_TEST(pg_type_for_value(Type::Bytes) == "bytea");
  BOOST_TEST(pg_type_for_value(Type::Date) == "date");
  BOOST_TEST(pg_type_for_value(Type::Time) == "text");
  BOOST_TEST(pg_type_for_value(Type::DateTime) == "timestamp");
  BOOST_TEST(pg_type_for_value(Type::Timestamp) == "timestamptz");
  BOOST_TEST(pg_type_for_value(Type::Object) == "jsonb");
  BOOST_TEST(pg_type_for_value(Type::List) == "jsonb");
  BOOST_TEST(pg_type_for_value(Type::Bool) == "boolean");
  BOOST_TEST(pg_type_for_value(Type::Null) == "");
}

BOOST_AUTO_TEST_CASE(mysql_types_map_exactly) {
  BOOST_TEST(pg_type_for_source("decimal(15,2)") == "numeric(15,2)");
  BOOST_TEST(pg_type_for_source("DECIMAL(38,10)") == "numeric(38,10)");
  BOOST_TEST(pg_type_for_source("bigint unsigned") == "numeric(20)");
  BOOST_TEST(pg_type_for_source("bigint(20)") == "bigint");
  BOOST_TEST(pg_type_for_source("int unsigned") == "bigint");
  BOOST_TEST(pg_type_for_source("int(11)") == "integer");
  BOOST_TEST(pg_type_for_source("tinyint(1)") == "smallint");
  BOOST_TEST(pg_type_for_source("datetime(6)") == "timestamp(6)");
  BOOST_TEST(pg_type_for_source("datetime") == "timestamp");
  BOOST_TEST(pg_type_for_source("timestamp") == "timestamptz");
  BOOST_TEST(pg_type_for_source("date") == "date");
  BOOST_TEST(pg_type_for_source("time(3)") == "text");
  BOOST_TEST(pg_type_for_source("json") == "jsonb");
  BOOST_TEST(pg_type_for_source("enum('active','closed')") == "text");
  BOOST_TEST(pg_type_for_source("set('a','b')") == "text[]");
  BOOST_TEST(pg_type_for_source("longblob") == "bytea");
  BOOST_TEST(pg_type_for_source("varchar(255)") == "text");
  BOOST_TEST(pg_type_for_source("double") == "double precision");
  BOOST_TEST(pg_type_for_source("geometry_collection_x") == "bytea");
  BOOST_TEST(pg_type_for_source("weird") == "");
  BOOST_TEST((col_kind_for("text[]") == ColKind::TextArray));
  BOOST_TEST((col_kind_for("jsonb") == ColKind::Json));
  BOOST_TEST((col_kind_for("numeric(15,2)") == ColKind::Plain));
}

BOOST_AUTO_TEST_CASE(copy_encoding_is_exact_and_escaped) {
  std::string out;
  append_copy_value(Value::decimal(*Decimal::parse("-0.01")), ColKind::Plain, out);
  BOOST_TEST(out == "-0.01");
  out.clear();
  append_copy_value(Value::string("a\tb\nc\\d\re"), ColKind::Plain, out);
  BOOST_TEST(out == "a\\tb\\nc\\\\d\\re");
  out.clear();
  append_copy_value(Value::null(), ColKind::Plain, out);
  BOOST_TEST(out == "\\N");
  out.clear();
  append_copy_value(Value::bytes(std::string("\x00\xff", 2)), ColKind::Bytea, out);
  BOOST_TEST(out == "\\\\x00ff");
  out.clear();
  append_copy_value(Value::timestamp(1709214359123456), ColKind::Plain, out);
  BOOST_TEST(out == "2024-02-29T13:45:59.123456Z");
  out.clear();
  append_copy_value(Value::list({Value::string("a\"b"), Value::string("c")}), ColKind::TextArray,
                    out);
  BOOST_TEST(out == "{\"a\\\\\"b\",\"c\"}");
  out.clear();
  append_copy_value(Value::string("x"), ColKind::Json, out);
  BOOST_TEST(out == "\"x\"");
  out.clear();
  append_copy_value(Value::uint64(18446744073709551615ULL), ColKind::Plain, out);
  BOOST_TEST(out == "18446744073709551615");
}

BOOST_AUTO_TEST_CASE(table_names_and_quoting) {
  auto a = parse_table_name("ods.customers");
  BOOST_TEST(a.schema == "ods");
  BOOST_TEST(a.name == "customers");
  BOOST_TEST(a.quoted() == "\"ods\".\"customers\"");
  auto b = parse_table_name("customers");
  BOOST_TEST(b.schema == "public");
  auto c = parse_table_name("\"my.schema\".\"T\"");
  BOOST_TEST(c.schema == "my.schema");
  BOOST_TEST(c.name == "T");
  BOOST_TEST(quote_ident("a\"b") == "\"a\"\"b\"");
  BOOST_TEST(quote_literal("it's") == "'it''s'");
}

BOOST_AUTO_TEST_CASE(url_passwords_are_secrets) {
  secrets::add_connection_string("postgresql://app:Hunter2xyz@db:5432/ods");
  BOOST_TEST(secrets::redact("failed for Hunter2xyz") == "failed for ***");
  secrets::add_connection_string("host=db user=app password=Kw0rdPass dbname=x");
  BOOST_TEST(secrets::redact("Kw0rdPass") == "***");
}

BOOST_AUTO_TEST_CASE(spec_declares_the_options) {
  auto k = sink_kind();
  BOOST_TEST(k.spec.kind == "postgres");
  BOOST_TEST((k.spec.role == dsl::Role::Sink));
  BOOST_TEST(static_cast<bool>(k.sink));
  std::vector<std::string> names;
  for (const auto& o : k.spec.options) names.push_back(o.name);
  std::vector<std::string> want = {"url",   "table",         "mode",
                                   "key",   "create_tables", "metadata_columns",
                                   "batch", "connections",   "copy"};
  BOOST_TEST(names == want, boost::test_tools::per_element());
  BOOST_TEST(k.spec.options[0].required);
  BOOST_TEST((k.spec.options[1].type == dsl::OptType::Expr));
}

BOOST_AUTO_TEST_SUITE_END()
