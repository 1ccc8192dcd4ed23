// The Debezium encoder's modes (encoder_options.h), as Debezium's MySQL connector settings
// write the same column: decimal.handling.mode, time.precision.mode,
// bigint.unsigned.handling.mode and the JSON converter's schemas.enable. A value a mode cannot
// hold exactly is an error (the sink dead-letters it), never rounded or wrapped.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "base/json.h"
#include "operators/debezium/debezium_encoder.h"

// A named namespace (the test cases too): the sanitizer builds compile test files in unity
// batches, where other files' helpers of the same names would clash.
namespace debezium_options_test {

using namespace sluice;
using namespace sluice::operators::debezium;

// One row {id, v} of a mysql table whose `v` column has the given type.
Event one_column(const std::string& type, Value v) {
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = "src";
  meta->db = "db";
  meta->table = "t";
  meta->primary_key = {"id"};
  meta->column_names = {"id", "v"};
  meta->column_types = {"int", type};
  meta->column_not_null = {true, false};
  Event e;
  e.op = Op::Create;
  e.source = meta;
  e.ts = 1709214359000000LL;
  e.row.append(intern("id"), Value::int64(1));
  e.row.append(intern("v"), std::move(v));
  return e;
}

// The field schema of `v` and its value, as encoded.
std::pair<std::string, std::string> encoded(const Event& e, const EncoderOptions& o) {
  std::string out;
  auto r = DebeziumEncoder("s", o).encode_value(e, out);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  auto msg = json::parse(out);
  BOOST_REQUIRE(msg.ok());
  const Object& m = msg->as_object();
  const Value& after_schema =
      m.find(intern("schema"))->as_object().find(intern("fields"))->as_list()[1];
  const Value& field = after_schema.as_object().find(intern("fields"))->as_list()[1];
  const Value& value =
      *m.find(intern("payload"))->as_object().find(intern("after"))->as_object().find(intern("v"));
  return {json::encode(field), json::encode(value)};
}

std::string error_of(const Event& e, const EncoderOptions& o) {
  std::string out;
  auto r = DebeziumEncoder("s", o).encode_value(e, out);
  return r.ok() ? "" : r.err().message;
}

Value dec(const char* text) { return Value::decimal(*Decimal::parse(text)); }

BOOST_AUTO_TEST_SUITE(debezium_options)

BOOST_AUTO_TEST_CASE(decimal_modes) {
  Event e = one_column("decimal(12,4)", dec("-1234.5600"));
  EncoderOptions o;
  auto [schema, value] = encoded(e, o);
  BOOST_CHECK_EQUAL(schema,
                    R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.)"
                    R"(Decimal","version":1,"parameters":{"scale":"4","connect.decimal.)"
                    R"(precision":"12"},"field":"v"})");
  BOOST_CHECK_EQUAL(value, R"("/0OfAA==")");  // -12345600: FF 43 9F 00, big-endian
  o.decimal = DecimalMode::String;
  std::tie(schema, value) = encoded(e, o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"string","optional":true,"field":"v"})");
  BOOST_CHECK_EQUAL(value, R"("-1234.5600")");
  o.decimal = DecimalMode::Double;
  std::tie(schema, value) = encoded(e, o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"double","optional":true,"field":"v"})");
  BOOST_CHECK_EQUAL(value, "-1234.56");
}

BOOST_AUTO_TEST_CASE(time_precision_connect_and_adaptive) {
  EncoderOptions o;
  o.time = TimePrecision::Connect;
  auto [schema, value] = encoded(one_column("datetime(6)", Value::datetime(1709214359123000LL)), o);
  BOOST_CHECK_EQUAL(schema,
                    R"({"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.)"
                    R"(Timestamp","version":1,"field":"v"})");
  BOOST_CHECK_EQUAL(value, "1709214359123");
  std::tie(schema, value) = encoded(one_column("date", Value::date(19782)), o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"int32","optional":true,"name":"org.apache.kafka.connect.)"
                            R"(data.Date","version":1,"field":"v"})");
  // MySQL TIME (the mysql source reads it as text, up to 838 hours): Connect's Time holds ms.
  std::tie(schema, value) = encoded(one_column("time", Value::string("-01:02:03.5")), o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"int32","optional":true,"name":"org.apache.kafka.connect.)"
                            R"(data.Time","version":1,"field":"v"})");
  BOOST_CHECK_EQUAL(value, "-3723500");
  // Microseconds would be cut: an error that names the way out.
  std::string err = error_of(one_column("datetime(6)", Value::datetime(1709214359123456LL)), o);
  BOOST_CHECK_MESSAGE(err.find("adaptive_time_microseconds") != std::string::npos, err);
  o.time = TimePrecision::AdaptiveTimeMicroseconds;
  std::tie(schema, value) = encoded(one_column("time(6)", Value::string("838:59:59.000001")), o);
  BOOST_CHECK_EQUAL(value, "3020399000001");
  std::tie(schema, value) =
      encoded(one_column("timestamp(3)", Value::timestamp(1709214359100000LL)), o);
  BOOST_CHECK_EQUAL(value, R"("2024-02-29T13:45:59.100Z")");
}

BOOST_AUTO_TEST_CASE(bigint_unsigned_long_and_precise) {
  EncoderOptions o;
  auto [schema, value] =
      encoded(one_column("bigint unsigned", Value::uint64(9223372036854775807ULL)), o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"int64","optional":true,"field":"v"})");
  BOOST_CHECK_EQUAL(value, "9223372036854775807");
  std::string err =
      error_of(one_column("bigint unsigned", Value::uint64(9223372036854775808ULL)), o);
  BOOST_CHECK_MESSAGE(err.find("bigint_unsigned = precise") != std::string::npos, err);
  o.bigint_unsigned = BigintUnsigned::Precise;
  std::tie(schema, value) =
      encoded(one_column("bigint unsigned", Value::uint64(18446744073709551615ULL)), o);
  BOOST_CHECK_EQUAL(schema,
                    R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.)"
                    R"(Decimal","version":1,"parameters":{"scale":"0","connect.decimal.)"
                    R"(precision":"20","__debezium.source.column.type":"BIGINT UNSIGNED"},)"
                    R"("field":"v"})");
  BOOST_CHECK_EQUAL(value, R"("AP//////////")");
}

BOOST_AUTO_TEST_CASE(float_is_float32_text_and_double_is_double) {
  EncoderOptions o;
  // FLOAT holds a 4-byte float: the value read is the double nearest to it.
  auto [schema, value] = encoded(one_column("float", Value::float64(static_cast<float>(0.1))), o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"float","optional":true,"field":"v"})");
  BOOST_CHECK_EQUAL(value, "0.1");
  std::tie(schema, value) = encoded(one_column("double", Value::float64(0.1)), o);
  BOOST_CHECK_EQUAL(schema, R"({"type":"double","optional":true,"field":"v"})");
  BOOST_CHECK_EQUAL(value, "0.1");
}

BOOST_AUTO_TEST_CASE(without_schemas_the_payload_alone) {
  EncoderOptions o;
  o.schemas = false;
  Event e = one_column("varchar(5)", Value::string("x"));
  std::string key, value;
  BOOST_REQUIRE(DebeziumEncoder("s", o).encode_key(e, key));
  BOOST_CHECK_EQUAL(key, R"({"id":1})");
  BOOST_REQUIRE(DebeziumEncoder("s", o).encode_value(e, value).ok());
  auto v = json::parse(value);
  BOOST_REQUIRE(v.ok());
  BOOST_CHECK(v->as_object().find(intern("schema")) == nullptr);
  BOOST_CHECK(*v->as_object().find(intern("op")) == Value::string("c"));
  BOOST_CHECK_EQUAL(json::encode(*v->as_object().find(intern("after"))), R"({"id":1,"v":"x"})");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace debezium_options_test
