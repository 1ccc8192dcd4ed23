// Debezium codec: decoding documented message forms (Debezium reference docs, MySQL connector
// "Change event values" and "Data type mappings") and encode -> decode round trips.
#include <boost/test/unit_test.hpp>
#include <string>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/debezium/debezium_decoder.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/debezium/decimal_bytes.h"
#include "support/fuzz_seed.h"

using namespace sluice;
using namespace sluice::operators::debezium;

namespace {

// The decoder, each message also written as a fuzz seed (support/fuzz_seed.h): key NUL value.
struct SeededDecoder : DebeziumDecoder {
  using DebeziumDecoder::DebeziumDecoder;
  result<bool> decode(std::string_view key, std::string_view value, bool has_value, Event& out) {
    test::fuzz_seed("fuzz_debezium", std::string(key) + '\0' + std::string(has_value ? value : ""));
    return DebeziumDecoder::decode(key, value, has_value, out);
  }
};

// The documented MySQL `customers` create event (schema + payload).
const char* kRowSchema =
    R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},)"
    R"({"type":"string","optional":false,"field":"first_name"},)"
    R"({"type":"string","optional":false,"field":"last_name"},)"
    R"({"type":"string","optional":false,"field":"email"}],"optional":true,)"
    R"("name":"mysql-server-1.inventory.customers.Value")";

std::string customers_envelope(const std::string& payload) {
  std::string row = kRowSchema;
  return R"({"schema":{"type":"struct","fields":[)" + row + R"(,"field":"before"},)" + row +
         R"(,"field":"after"},{"type":"struct","fields":[)"
         R"({"type":"string","optional":false,"field":"version"},)"
         R"({"type":"string","optional":false,"field":"connector"},)"
         R"({"type":"string","optional":false,"field":"name"},)"
         R"({"type":"int64","optional":false,"field":"ts_ms"},)"
         R"({"type":"boolean","optional":true,"default":false,"field":"snapshot"},)"
         R"({"type":"string","optional":false,"field":"db"},)"
         R"({"type":"string","optional":true,"field":"table"},)"
         R"({"type":"int64","optional":false,"field":"server_id"},)"
         R"({"type":"string","optional":true,"field":"gtid"},)"
         R"({"type":"string","optional":false,"field":"file"},)"
         R"({"type":"int64","optional":false,"field":"pos"},)"
         R"({"type":"int32","optional":false,"field":"row"},)"
         R"({"type":"int64","optional":true,"field":"thread"},)"
         R"({"type":"string","optional":true,"field":"query"}],"optional":false,)"
         R"("name":"io.debezium.connector.mysql.Source","field":"source"},)"
         R"({"type":"string","optional":false,"field":"op"},)"
         R"({"type":"int64","optional":true,"field":"ts_ms"}],"optional":false,)"
         R"("name":"mysql-server-1.inventory.customers.Envelope"},"payload":)" +
         payload + "}";
}

const char* kSource =
    R"({"version":"2.4.0.Final","connector":"mysql","name":"mysql-server-1","ts_ms":1465581029100,)"
    R"("snapshot":false,"db":"inventory","table":"customers","server_id":223344,"gtid":null,)"
    R"("file":"mysql-bin.000003","pos":484,"row":0,"thread":7,"query":null})";

const char* kKey =
    R"({"schema":{"type":"struct","name":"mysql-server-1.inventory.customers.Key","optional":false,)"
    R"("fields":[{"field":"id","type":"int32","optional":false}]},"payload":{"id":1004}})";

Object row_of(const std::string& json_text) {
  auto v = json::parse(json_text);
  BOOST_REQUIRE(v.ok());
  return v->as_object();
}

Value field(const Event& e, const char* name) {
  const Value* v = e.row.find(intern(name));
  BOOST_REQUIRE_MESSAGE(v != nullptr, "missing field " << name);
  return *v;
}

// A create event with one field `v` of the given schema and JSON value.
std::string one_field_msg(const std::string& field_schema, const std::string& json_value) {
  std::string row =
      R"({"type":"struct","fields":[)" + field_schema + R"(],"optional":true,"name":"s.d.t.Value")";
  std::string msg = R"({"schema":{"type":"struct","fields":[)" + row + R"(,"field":"before"},)" +
                    row +
                    R"(,"field":"after"},{"type":"string","optional":false,"field":"op"}],)"
                    R"("optional":false,"name":"s.d.t.Envelope"},"payload":{"before":null,)"
                    R"("after":{"v":)" +
                    json_value + R"(},"op":"c","ts_ms":1}})";
  return msg;
}

// One column of the given schema and JSON value, decoded.
Value decode_one(const std::string& field_schema, const std::string& json_value) {
  SeededDecoder d("src");
  Event e;
  auto r = d.decode("", one_field_msg(field_schema, json_value), true, e);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message) << " for " << json_value);
  BOOST_REQUIRE(*r);
  return field(e, "v");
}

std::string fs(const std::string& type, const std::string& name, const std::string& params = "") {
  std::string s = R"({"type":")" + type + R"(","optional":true)";
  if (!name.empty()) s += R"(,"name":")" + name + R"(","version":1)";
  if (!params.empty()) s += R"(,"parameters":)" + params;
  return s + R"(,"field":"v"})";
}

Value dec(const char* text) { return Value::decimal(*Decimal::parse(text)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(debezium_codec)

BOOST_AUTO_TEST_CASE(documented_create_event_with_schema_and_key) {
  std::string payload = std::string(R"({"op":"c","ts_ms":1465491411815,"before":null,)") +
                        R"("after":{"id":1004,"first_name":"Anne","last_name":"Kretchmar",)"
                        R"("email":"annek@noanswer.org"},"source":)" +
                        kSource + "}";
  SeededDecoder d("kin");
  Event e;
  auto r = d.decode(kKey, customers_envelope(payload), true, e);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_REQUIRE(*r);
  BOOST_CHECK(e.op == Op::Create);
  BOOST_CHECK(e.row == row_of(R"({"id":1004,"first_name":"Anne","last_name":"Kretchmar",)"
                              R"("email":"annek@noanswer.org"})"));
  BOOST_CHECK(!e.has_before);
  BOOST_CHECK_EQUAL(e.ts, 1465581029100LL * 1000);
  BOOST_REQUIRE(e.source);
  BOOST_CHECK_EQUAL(e.source->connector, "mysql");
  BOOST_CHECK_EQUAL(e.source->db, "inventory");
  BOOST_CHECK_EQUAL(e.source->table, "customers");
  BOOST_CHECK_EQUAL(e.source->name, "kin");
  BOOST_REQUIRE_EQUAL(e.source->primary_key.size(), 1u);
  BOOST_CHECK_EQUAL(e.source->primary_key[0], "id");
  BOOST_CHECK(e.key == Value::int64(1004));
  BOOST_REQUIRE_EQUAL(e.source->column_types.size(), 4u);
  BOOST_CHECK_EQUAL(e.source->column_types[0], "int");
  BOOST_CHECK_EQUAL(e.source->column_names[3], "email");
  // The binlog fields are kept, and written again as they came.
  BOOST_REQUIRE(e.origin);
  BOOST_CHECK_EQUAL(e.origin->server_id, 223344);
  BOOST_CHECK_EQUAL(e.origin->file, "mysql-bin.000003");
  BOOST_CHECK_EQUAL(e.origin->pos, 484);
  BOOST_CHECK_EQUAL(e.origin->thread, 7);
  BOOST_CHECK(e.origin->gtid.empty());
  BOOST_CHECK(e.snapshot_mark == SnapshotMark::None);
  std::string again;
  BOOST_REQUIRE(DebeziumEncoder("mysql-server-1").encode_value(e, again).ok());
  auto v = json::parse(again);
  BOOST_REQUIRE(v.ok());
  const Value* src = v->as_object().find(intern("payload"))->as_object().find(intern("source"));
  std::string block = json::encode(*src);
  for (const char* part :
       {R"("connector":"mysql")", R"("server_id":223344)", R"("gtid":null)",
        R"("file":"mysql-bin.000003","pos":484,"row":0,"thread":7)", R"("snapshot":"false")"}) {
    BOOST_CHECK_MESSAGE(block.find(part) != std::string::npos, part << " in " << block);
  }
}

BOOST_AUTO_TEST_CASE(update_delete_tombstone_and_skipped_ops) {
  SeededDecoder d("kin");
  Event e;
  std::string upd =
      std::string(R"({"before":{"id":1004,"first_name":"Anne","last_name":"K",)") +
      R"("email":"a@x"},"after":{"id":1004,"first_name":"Anne Marie","last_name":"K",)"
      R"("email":"a@x"},"source":)" +
      kSource + R"(,"op":"u","ts_ms":1465581029523})";
  auto r = d.decode(kKey, customers_envelope(upd), true, e);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(e.op == Op::Update);
  BOOST_CHECK(e.has_before);
  BOOST_CHECK(field(e, "first_name") == Value::string("Anne Marie"));
  BOOST_CHECK(*e.before.find(intern("first_name")) == Value::string("Anne"));

  std::string del = std::string(R"({"before":{"id":1004,"first_name":"Anne","last_name":"K",)") +
                    R"("email":"a@x"},"after":null,"source":)" + kSource +
                    R"(,"op":"d","ts_ms":1465581902461})";
  r = d.decode(kKey, customers_envelope(del), true, e);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(e.op == Op::Delete);
  BOOST_CHECK(field(e, "id") == Value::int64(1004));
  BOOST_CHECK(!e.has_before);

  r = d.decode(kKey, "", false, e);  // tombstone
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK(!*r);
  // A truncate (issue 20): an event of the source's table, no row.
  r = d.decode("",
               R"({"schema":null,"payload":{"op":"t","before":null,"after":null,)"
               R"("source":{"db":"x","table":"y","ts_ms":5}}})",
               true, e);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(e.op == Op::Truncate);
  BOOST_CHECK(e.row.empty());
  BOOST_CHECK(e.source->table == "x.y" || e.source->table == "y");
  // The same schema text is compiled once and reused.
  r = d.decode(kKey, customers_envelope(upd), true, e);
  BOOST_REQUIRE(r.ok() && *r);
}

BOOST_AUTO_TEST_CASE(without_schema) {
  SeededDecoder d("kin");
  Event e;
  // schemas.enable=false: the bare payload, and an envelope with a null schema.
  auto r = d.decode(R"({"id":7})",
                    R"({"before":null,"after":{"id":7,"name":"x","amt":1.50},)"
                    R"("source":{"connector":"postgresql","db":"shop","schema":"public",)"
                    R"("table":"orders","ts_ms":1700000000000},"op":"r","ts_ms":1700000000001})",
                    true, e);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_REQUIRE(*r);
  BOOST_CHECK(e.op == Op::Read);
  BOOST_CHECK(field(e, "amt") == dec("1.50"));
  BOOST_CHECK_EQUAL(e.source->table, "public.orders");
  BOOST_CHECK(e.key == Value::int64(7));
  BOOST_CHECK_EQUAL(e.ts, 1700000000000LL * 1000);
  r = d.decode("", R"({"schema":null,"payload":{"before":null,"after":{"id":8},"op":"c"}})", true,
               e);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(field(e, "id") == Value::int64(8));
  BOOST_CHECK(e.key.is_null());
}

BOOST_AUTO_TEST_CASE(malformed_messages_are_errors) {
  SeededDecoder d("kin");
  Event e;
  for (const char* bad :
       {"not json", "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"op\":\"c\"}}",
        "{\"payload\":{\"after\":{\"id\":1}}}", "{\"payload\":{\"op\":\"c\"}}", "[1,2]",
        "{\"payload\":{\"op\":\"x\",\"after\":{}}}"}) {
    auto r = d.decode("", bad, true, e);
    BOOST_CHECK_MESSAGE(!r.ok(), "accepted: " << bad);
  }
  auto r = decode_one(fs("int32", ""), "1");  // sanity
  BOOST_CHECK(r == Value::int64(1));
}

BOOST_AUTO_TEST_CASE(logical_types_decode_exactly) {
  const int32_t day = temporal::days_from_civil(2024, 2, 29);
  BOOST_REQUIRE_EQUAL(day, 19782);
  const int64_t tod_ms = 49559123;  // 13:45:59.123
  const int64_t ts_us = 1709214359123456LL;
  struct Case {
    std::string schema;
    std::string json;
    Value want;
  };
  const std::string D = "org.apache.kafka.connect.data.Decimal";
  std::vector<Case> cases = {
      {fs("bytes", D, R"({"scale":"2","connect.decimal.precision":"10"})"), "\"AeJA\"",
       dec("1234.56")},
      {fs("bytes", D, R"({"scale":"2"})"), "\"/2o=\"", dec("-1.50")},
      {fs("bytes", D, R"({"scale":"0"})"), "\"AA==\"", dec("0")},
      {fs("bytes", D, R"({"scale":"10"})"), "\"9rZPCQ/9zOw7tm+vIccMsg==\"",
       dec("-1234567890123456789012345678.9012345678")},
      {R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},)"
       R"({"type":"bytes","optional":false,"field":"value"}],"optional":true,)"
       R"("name":"io.debezium.data.VariableScaleDecimal","version":1,"field":"v"})",
       R"({"scale":3,"value":"ME8="})", dec("12.367")},
      {fs("int32", "io.debezium.time.Date"), "19782", Value::date(day)},
      {fs("int32", "org.apache.kafka.connect.data.Date"), "19782", Value::date(day)},
      {fs("int32", "io.debezium.time.Date"), "-1", Value::date(-1)},
      {fs("int32", "io.debezium.time.Time"), "49559123", Value::time(tod_ms * 1000)},
      {fs("int32", "org.apache.kafka.connect.data.Time"), "49559123", Value::time(tod_ms * 1000)},
      {fs("int64", "io.debezium.time.MicroTime"), "49559123456", Value::time(49559123456LL)},
      {fs("int64", "io.debezium.time.NanoTime"), "49559123456789", Value::time(49559123456LL)},
      {fs("int64", "io.debezium.time.Timestamp"), "1709214359123",
       Value::datetime(1709214359123000LL)},
      {fs("int64", "org.apache.kafka.connect.data.Timestamp"), "1709214359123",
       Value::datetime(1709214359123000LL)},
      {fs("int64", "io.debezium.time.MicroTimestamp"), "1709214359123456", Value::datetime(ts_us)},
      {fs("int64", "io.debezium.time.NanoTimestamp"), "1709214359123456789",
       Value::datetime(ts_us)},
      {fs("int64", "io.debezium.time.MicroTimestamp"), "-1", Value::datetime(-1)},
      {fs("string", "io.debezium.time.ZonedTimestamp"), "\"2024-02-29T13:45:59.123456Z\"",
       Value::timestamp(ts_us)},
      {fs("string", "io.debezium.time.ZonedTimestamp"), "\"2024-02-29T15:45:59.123456789+02:00\"",
       Value::timestamp(ts_us)},
      {fs("string", "io.debezium.time.ZonedTimestamp"), "\"2024-02-29T13:45:59Z\"",
       Value::timestamp(1709214359000000LL)},
      {fs("string", "io.debezium.data.Json"), R"("{\"a\":[1,2.50],\"b\":null}")",
       Value::object(row_of(R"({"a":[1,2.50],"b":null})"))},
      {fs("string", "io.debezium.data.Json"), R"("[1,\"x\"]")",
       Value::list({Value::int64(1), Value::string("x")})},
      {fs("string", "io.debezium.data.Enum", R"({"allowed":"red,green"})"), "\"red\"",
       Value::string("red")},
      {fs("string", "io.debezium.data.EnumSet", R"({"allowed":"a,b,c"})"), "\"a,c\"",
       Value::list({Value::string("a"), Value::string("c")})},
      {fs("string", "io.debezium.data.EnumSet", R"({"allowed":"a,b,c"})"), "\"\"", Value::list({})},
      {fs("bytes", "io.debezium.data.Bits", R"({"length":"10"})"), "\"pQI=\"", Value::uint64(677)},
      {fs("bytes", ""), "\"AQL/\"", Value::bytes(std::string("\x01\x02\xff", 3))},
      {fs("float64", ""), "1.5", Value::float64(1.5)},
      {fs("float64", ""), "3", Value::float64(3.0)},
      {fs("boolean", ""), "true", Value::boolean(true)},
      {fs("int64", ""), "-9223372036854775808", Value::int64(INT64_MIN)},
      {fs("string", ""), "\"h\\u00e9\"", Value::string("h\xc3\xa9")},
      {fs("int32", ""), "null", Value()},
  };
  for (const auto& c : cases) {
    Value got = decode_one(c.schema, c.json);
    BOOST_CHECK_MESSAGE(got == c.want, c.json << " (" << c.schema << ") decoded as "
                                              << type_name(got.type()) << " " << got.to_display()
                                              << ", want " << c.want.to_display());
  }
}

BOOST_AUTO_TEST_CASE(decimal_bytes_round_trip) {
  for (const char* t :
       {"0", "1", "-1", "127", "128", "-128", "-129", "255", "65535",
        "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999"}) {
    int128 v = Decimal::parse(t)->unscaled();
    auto back = unscaled_from_bytes(unscaled_to_bytes(v));
    BOOST_REQUIRE(back);
    BOOST_CHECK_MESSAGE(*back == v, t);
  }
  BOOST_CHECK_EQUAL(json::base64_encode(unscaled_to_bytes(123456)), "AeJA");
  BOOST_CHECK_EQUAL(json::base64_encode(unscaled_to_bytes(-150)), "/2o=");
  BOOST_CHECK(!unscaled_from_bytes(std::string(17, '\x7f')));
}

// DECIMAL(65,30): Debezium bytes of any length, both ways, digit for digit.
BOOST_AUTO_TEST_CASE(wide_decimals_as_debezium_bytes) {
  const std::string D = "org.apache.kafka.connect.data.Decimal";
  const std::string schema = fs("bytes", D, R"({"scale":"30","connect.decimal.precision":"65"})");
  const char* min = "-99999999999999999999999999999999999.999999999999999999999999999999";
  const char* mid = "12345678901234567890123456789012345.123456789000000000000000000000";
  // Reference bytes: Python's int.to_bytes of the unscaled value (28 and 27 bytes).
  BOOST_CHECK(decode_one(schema, "\"/wzp2OOAPG91dBC5sca6EIXayfYAAAAAAAAAAQ==\"") == dec(min));
  BOOST_CHECK_EQUAL(
      decode_one(schema, "\"HgK8HpeFi9xsuVBY80JNfTp/68+vONmjIAAA\"").as_decimal().to_string(), mid);
  BOOST_CHECK_EQUAL(json::base64_encode(Decimal::parse(min)->to_be_bytes()),
                    "/wzp2OOAPG91dBC5sca6EIXayfYAAAAAAAAAAQ==");
  // Beyond 76 digits the decoder refuses instead of rounding.
  {
    SeededDecoder d("src");
    Event e;
    auto r = d.decode(
        "", one_field_msg(schema, "\"" + json::base64_encode(std::string(40, '\x7f')) + "\""), true,
        e);
    BOOST_REQUIRE(!r.ok());
    BOOST_CHECK_MESSAGE(r.err().message.find("wider than 76 digits") != std::string::npos,
                        r.err().message);
  }

  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->db = "bank";
  meta->table = "wide";
  meta->primary_key = {"id"};
  meta->column_names = {"id", "d"};
  meta->column_types = {"bigint", "decimal(65,30)"};
  DebeziumEncoder enc("srv");
  SeededDecoder dd("kin");
  for (const char* t :
       {min, mid, "99999999999999999999999999999999999.999999999999999999999999999999",
        "0.000000000000000000000000000001", "-1.500000000000000000000000000000"}) {
    Event e;
    e.op = Op::Create;
    e.source = meta;
    e.row.set(intern("id"), Value::int64(1));
    e.row.set(intern("d"), dec(t));
    std::string key, value;
    BOOST_REQUIRE(enc.encode_key(e, key));
    auto vr = enc.encode_value(e, value);
    BOOST_REQUIRE_MESSAGE(vr.ok(), (vr.ok() ? "" : vr.err().message));
    BOOST_CHECK(value.find("\"connect.decimal.precision\":\"65\"") != std::string::npos);
    Event out;
    auto r = dd.decode(key, value, true, out);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
    const Value* got = out.row.find(intern("d"));
    BOOST_REQUIRE(got != nullptr);
    BOOST_CHECK_EQUAL(got->as_decimal().to_string(), t);
    BOOST_CHECK_EQUAL(got->as_decimal().scale(), 30);
  }
  // Without column types the scale comes from the value itself.
  Event e;
  e.op = Op::Create;
  e.row.set(intern("d"), dec(std::string(76, '9').c_str()));
  std::string value;
  BOOST_REQUIRE(enc.encode_value(e, value).ok());
  Event out;
  auto r = dd.decode("", value, true, out);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK_EQUAL(out.row.find(intern("d"))->as_decimal().to_string(), std::string(76, '9'));
}

BOOST_AUTO_TEST_CASE(encode_then_decode_is_exact) {
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = "mks";
  meta->db = "bank";
  meta->table = "accounts";
  meta->primary_key = {"id"};
  meta->column_names = {"id", "balance", "opened", "color", "tags", "flags", "doc", "big", "at"};
  meta->column_types = {"bigint",           "decimal(15,2)", "date", "enum('red','green')",
                        "set('a','b','c')", "bit(10)",       "json", "bigint unsigned",
                        "datetime(6)"};
  Event e;
  e.op = Op::Update;
  e.source = meta;
  e.ts = 1709214359123000LL;
  e.row = row_of(R"({"id":42,"note":"héllo \"q\""})");
  e.row.set(intern("balance"), dec("-1234.50"));
  e.row.set(intern("opened"), Value::date(19782));
  e.row.set(intern("color"), Value::string("green"));
  e.row.set(intern("tags"), Value::list({Value::string("a"), Value::string("c")}));
  e.row.set(intern("flags"), Value::uint64(677));
  e.row.set(intern("doc"), Value::object(row_of(R"({"k":[1,2.5,"x"]})")));
  e.row.set(intern("big"), Value::uint64(18446744073709551615ULL));
  e.row.set(intern("at"), Value::datetime(1709214359123456LL));
  e.row.set(intern("t"), Value::time(-3600000000LL));
  e.row.set(intern("z"), Value::timestamp(1709214359123456LL));
  e.row.set(intern("f"), Value::float64(0.1));
  e.row.set(intern("raw"), Value::bytes(std::string("\0\x01", 2)));
  e.row.set(intern("ok"), Value::boolean(true));
  e.row.set(intern("nothing"), Value());
  e.before = e.row;
  e.before.set(intern("balance"), dec("10.00"));
  e.has_before = true;

  EncoderOptions exact;  // BIGINT UNSIGNED beyond int64 needs Debezium's precise mode
  exact.bigint_unsigned = BigintUnsigned::Precise;
  DebeziumEncoder enc("srv", exact);
  BOOST_CHECK_EQUAL(enc.default_topic(e), "srv.bank.accounts");
  std::string key, value;
  BOOST_REQUIRE(enc.encode_key(e, key));
  auto vr = enc.encode_value(e, value);
  BOOST_REQUIRE_MESSAGE(vr.ok(), (vr.ok() ? "" : vr.err().message));
  BOOST_CHECK(json::parse(value).ok());
  BOOST_CHECK(value.find("\"connect.decimal.precision\":\"15\"") != std::string::npos);
  BOOST_CHECK(value.find("srv.bank.accounts.Envelope") != std::string::npos);
  BOOST_CHECK_EQUAL(key, R"({"schema":{"type":"struct","fields":[{"type":"int64","optional":false,)"
                         R"("field":"id"}],"optional":false,"name":"srv.bank.accounts.Key"},)"
                         R"("payload":{"id":42}})");

  SeededDecoder d("kin");
  Event out;
  auto r = d.decode(key, value, true, out);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_REQUIRE(*r);
  BOOST_CHECK(out.op == Op::Update);
  BOOST_CHECK_EQUAL(out.ts, e.ts);
  for (const Field& f : e.row.fields()) {
    const Value* got = out.row.find(f.name);
    BOOST_REQUIRE_MESSAGE(got != nullptr, sym_name(f.name));
    BOOST_CHECK_MESSAGE(*got == f.value, sym_name(f.name) << ": " << got->to_display() << " ("
                                                          << type_name(got->type())
                                                          << ") != " << f.value.to_display());
  }
  BOOST_CHECK(out.row == e.row);
  BOOST_CHECK(out.before == e.before);
  BOOST_CHECK(out.key == Value::int64(42));
  BOOST_CHECK_EQUAL(out.source->db, "bank");
  BOOST_CHECK_EQUAL(out.source->table, "accounts");
  // Column types survive (decimal precision and scale exact).
  for (size_t i = 0; i < out.source->column_names.size(); ++i) {
    if (out.source->column_names[i] == "balance") {
      BOOST_CHECK_EQUAL(out.source->column_types[i], "decimal(15,2)");
    }
  }
  BOOST_CHECK_EQUAL(out.source->column_names.size(), e.row.size());

  // Delete: before = the row, after null.
  e.op = Op::Delete;
  e.has_before = false;
  value.clear();
  BOOST_REQUIRE(enc.encode_value(e, value).ok());
  r = d.decode(key, value, true, out);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(out.op == Op::Delete);
  BOOST_CHECK(out.row == e.row);
  BOOST_CHECK(value.find("\"after\":null") != std::string::npos);

  // A value that does not fit its column type is a permanent error.
  e.row.set(intern("balance"), dec("1.234"));
  value.clear();
  auto bad = enc.encode_value(e, value);
  BOOST_CHECK(!bad.ok());
}

BOOST_AUTO_TEST_CASE(encode_without_column_types_infers_from_values) {
  Event e;
  e.op = Op::Create;
  e.row = row_of(R"({"id":1,"amount":12.50,"name":"x","n":null})");
  e.row.set(intern("d"), Value::date(1));
  DebeziumEncoder enc("s");
  std::string key, value;
  BOOST_CHECK(!enc.encode_key(e, key));  // no key known
  BOOST_REQUIRE(enc.encode_value(e, value).ok());
  SeededDecoder d("k");
  Event out;
  auto r = d.decode("", value, true, out);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(out.row == e.row);
  e.key = Value::list({Value::int64(1), Value::string("a")});
  BOOST_REQUIRE(enc.encode_key(e, key));
  r = d.decode(key, value, true, out);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK(out.key == e.key);
}

// Found by fuzzing (tests/fuzz/fuzz_debezium.cpp): a ts_ms beyond what int64 microseconds hold
// overflowed (undefined behaviour) when turned into microseconds; it is unknown now, and the
// envelope's ts_ms is taken instead.
BOOST_AUTO_TEST_CASE(ts_ms_beyond_microseconds_is_unknown) {
  SeededDecoder d("k");
  Event e;
  auto r = d.decode("",
                    R"({"schema":null,"payload":{"before":null,"after":{"id":8},"op":"c",)"
                    R"("ts_ms":5,"source":{"ts_ms":9223372036854775807}}})",
                    true, e);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK_EQUAL(e.ts, 5000);
  r = d.decode("", R"({"payload":{"after":{"id":8},"op":"c","ts_ms":-9223372036854775807}})", true,
               e);
  BOOST_REQUIRE(r.ok() && *r);
  BOOST_CHECK_EQUAL(e.ts, 0);
}

BOOST_AUTO_TEST_SUITE_END()
