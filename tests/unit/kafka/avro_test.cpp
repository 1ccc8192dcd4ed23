// issue 20 point 5: `sink kafka { format = avro }` writes Debezium's change events as Confluent's
// AvroConverter does (connect.meta.data on): the Avro schema derived from the Kafka Connect
// schema by AvroData's rules, the wire form 0 + schema id (4 bytes big-endian) + Avro binary.
// Every message here is read back with libavro (Avro C) and compared field by field; against a
// real Confluent Schema Registry when SLUICE_TEST_SCHEMA_REGISTRY_URL is set.
#include <avro.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "dsl/loader.h"
#include "operators/avro/avro_converter.h"
#include "operators/avro/avro_schema.h"
#include "operators/avro/errc.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/debezium/schema_change_message.h"
#include "operators/kafka/kafka_sink.h"
#include "operators/mysql/schema_change_rows.h"
#include "operators/registry.h"
#include "support/free_port.h"
#include "support/kafka_mock.h"

// A named namespace (the test cases too): the sanitizer builds compile test files in unity
// batches, where other files' helpers of the same names would clash.
namespace avro_test {

using namespace sluice;
using namespace sluice::operators;

// Ids as a registry gives them: one per distinct (subject, schema), from 1; subjects asked.
class CountingIds : public avro::SchemaIds {
 public:
  result<int32_t> id_of(const std::string& subject, const std::string& schema) override {
    subjects.push_back(subject);
    if (fail) return error::transient(avro::errc::registry, "registry down");
    auto [it, fresh] = ids.emplace(subject + "\n" + schema, static_cast<int32_t>(ids.size() + 1));
    (void)fresh;
    return it->second;
  }
  std::map<std::string, int32_t> ids;
  std::vector<std::string> subjects;
  bool fail = false;
};

// An accounts row of a mysql table: id INT NOT NULL, amount DECIMAL(10,2), name VARCHAR(20),
// born DATE, score DOUBLE.
Event account(const std::string& server) {
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = server;
  meta->db = "bank";
  meta->table = "accounts";
  meta->primary_key = {"id"};
  meta->column_names = {"id", "amount", "name", "born", "score"};
  meta->column_types = {"int", "decimal(10,2)", "varchar(20)", "date", "double"};
  meta->column_not_null = {true, false, false, false, false};
  Event e;
  e.op = Op::Create;
  e.source = meta;
  e.ts = 1709214359000000LL;
  e.row.append(intern("id"), Value::int64(7));
  e.row.append(intern("amount"), Value::decimal(*Decimal::parse("12.50")));
  e.row.append(intern("name"), Value::string("Ann"));
  e.row.append(intern("born"), Value::date(19782));  // 2024-02-29
  e.row.append(intern("score"), Value::float64(0.5));
  return e;
}

// The Avro datum of a wire-form message, read with libavro and the schema text, as its JSON.
std::string read_back(const std::string& message, const std::string& schema_text) {
  BOOST_REQUIRE_GE(message.size(), 5u);
  BOOST_REQUIRE_EQUAL(message[0], '\0');
  avro_schema_t schema;
  BOOST_REQUIRE_MESSAGE(
      avro_schema_from_json_length(schema_text.data(), schema_text.size(), &schema) == 0,
      avro_strerror());
  avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
  avro_value_t value;
  BOOST_REQUIRE(avro_generic_value_new(iface, &value) == 0);
  avro_reader_t r =
      avro_reader_memory(message.data() + 5, static_cast<int64_t>(message.size() - 5));
  BOOST_REQUIRE_MESSAGE(avro_value_read(r, &value) == 0, avro_strerror());
  char* text = nullptr;
  BOOST_REQUIRE(avro_value_to_json(&value, 1, &text) == 0);
  std::string out(text);
  std::free(text);
  avro_reader_free(r);
  avro_value_decref(&value);
  avro_value_iface_decref(iface);
  avro_schema_decref(schema);
  return out;
}

// The error's message ("" when r is ok).
std::string why(const result<void>& r) { return r.ok() ? "" : r.err().message; }

// Converts; a failure ends the test case with its message.
void convert(avro::AvroConverter& conv, const std::string& subject, std::string& message) {
  auto r = conv.convert(subject, message);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
}

int32_t id_in(const std::string& message) {
  return static_cast<int32_t>(
      (static_cast<uint8_t>(message[1]) << 24) | (static_cast<uint8_t>(message[2]) << 16) |
      (static_cast<uint8_t>(message[3]) << 8) | static_cast<uint8_t>(message[4]));
}

BOOST_AUTO_TEST_SUITE(avro_format)

BOOST_AUTO_TEST_CASE(key_and_envelope_as_confluents_avro_converter_writes_them) {
  auto ids = std::make_shared<CountingIds>();
  avro::AvroConverter conv(ids);
  debezium::EncoderOptions o;
  o.schemas = true;
  debezium::DebeziumEncoder enc("dbserver1", o);
  const Event e = account("dbserver1");
  std::string key, value;
  BOOST_REQUIRE(enc.encode_key(e, key));
  BOOST_REQUIRE(enc.encode_value(e, value).ok());

  convert(conv, "dbserver1.bank.accounts-key", key);
  BOOST_CHECK_EQUAL(conv.last_schema(),
                    R"({"type":"record","name":"Key","namespace":"dbserver1.bank.accounts",)"
                    R"("fields":[{"name":"id","type":"int"}],)"
                    R"("connect.name":"dbserver1.bank.accounts.Key"})");
  BOOST_CHECK_EQUAL(id_in(key), 1);
  BOOST_CHECK_EQUAL(read_back(key, conv.last_schema()), R"({"id": 7})");

  convert(conv, "dbserver1.bank.accounts-value", value);
  const std::string& s = conv.last_schema();
  BOOST_TEST_MESSAGE("value schema: " << s);
  BOOST_CHECK_EQUAL(id_in(value), 2);
  // The envelope record, its row record defined once (before) and named again (after), the
  // Decimal, Date and optional columns by AvroData's rules, the source block in its own
  // namespace with its snapshot enum's default first in the union.
  auto has = [&](const std::string& part) {
    BOOST_CHECK_MESSAGE(s.find(part) != std::string::npos, "missing: " << part);
  };
  has(R"({"type":"record","name":"Envelope","namespace":"dbserver1.bank.accounts","fields":[)"
      R"({"name":"before","type":["null",{"type":"record","name":"Value","fields":[)"
      R"({"name":"id","type":"int"},)"
      R"({"name":"amount","type":["null",{"type":"bytes","scale":2,"precision":10,)"
      R"("connect.version":1,"connect.parameters":{"scale":"2",)"
      R"("connect.decimal.precision":"10"},)"
      R"("connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],)"
      R"("default":null},)"
      R"({"name":"name","type":["null","string"],"default":null},)"
      R"({"name":"born","type":["null",{"type":"int","connect.version":1,)"
      R"("connect.name":"io.debezium.time.Date"}],"default":null},)"
      R"({"name":"score","type":["null","double"],"default":null}],)"
      R"("connect.name":"dbserver1.bank.accounts.Value"}],"default":null},)"
      R"({"name":"after","type":["null","Value"],"default":null},)");
  has(R"({"name":"source","type":{"type":"record","name":"Source",)"
      R"("namespace":"io.debezium.connector.mysql","fields":[)");
  has(R"({"name":"snapshot","type":[{"type":"string","connect.version":1,)"
      R"("connect.parameters":{"allowed":"true,first,first_in_data_collection,)"
      R"(last_in_data_collection,last,false,incremental"},"connect.default":"false",)"
      R"("connect.name":"io.debezium.data.Enum"},"null"],"default":"false"})");
  has(R"({"name":"op","type":"string"})");
  has(R"("connect.version":2,"connect.name":"dbserver1.bank.accounts.Envelope"})");

  const std::string datum = read_back(value, s);
  BOOST_TEST_MESSAGE("value: " << datum);
  auto in_datum = [&](const std::string& part) {
    BOOST_CHECK_MESSAGE(datum.find(part) != std::string::npos, "missing in datum: " << part);
  };
  in_datum(R"("before": null)");
  // 12.50: unscaled 1250 = 0x04E2, big-endian; 2024-02-29: epoch day 19782.
  in_datum(R"("after": {"Value": {"id": 7, "amount": )"
           R"({"bytes": "\u0004\u00E2"}, "name": {"string": "Ann"}, "born": {"int": 19782}, )"
           R"("score": {"double": 0.5}}})");
  in_datum(R"("op": "c")");
  in_datum(R"("connector": "mysql")");
  // The same schemas again: the registry is asked again only by subject (the real one caches).
  std::string again;
  BOOST_REQUIRE(enc.encode_value(e, again).ok());
  convert(conv, "dbserver1.bank.accounts-value", again);
  BOOST_CHECK_EQUAL(id_in(again), 2);
  // Another row of the same table: its schema is met again by its text, its values are its own.
  Event other = account("dbserver1");
  other.row.set(intern("id"), Value::int64(8));
  other.row.set(intern("name"), Value());
  std::string next;
  BOOST_REQUIRE(enc.encode_value(other, next).ok());
  convert(conv, "dbserver1.bank.accounts-value", next);
  BOOST_CHECK_EQUAL(id_in(next), 2);
  BOOST_CHECK(read_back(next, s).find(R"("after": {"Value": {"id": 8, "amount": )"
                                      R"({"bytes": "\u0004\u00E2"}, "name": null,)") !=
              std::string::npos);
}

// Debezium's schema-change message (docs/kafka.md "Schema changes"), with schemas and without,
// and through the Avro converter: the nested Change/Table/Column structs and their arrays.
BOOST_AUTO_TEST_CASE(schema_change_messages_as_json_and_avro) {
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = "dbserver1";
  meta->db = "inventory";
  meta->table = "customers";
  Object col;
  col.append(intern("name"), Value::string("id"));
  col.append(intern("jdbcType"), Value::int64(4));
  col.append(intern("nativeType"), Value());
  col.append(intern("typeName"), Value::string("INT"));
  col.append(intern("typeExpression"), Value::string("INT"));
  col.append(intern("charsetName"), Value());
  col.append(intern("length"), Value());
  col.append(intern("scale"), Value());
  col.append(intern("position"), Value::int64(1));
  col.append(intern("optional"), Value::boolean(false));
  col.append(intern("autoIncremented"), Value::boolean(true));
  col.append(intern("generated"), Value::boolean(true));
  col.append(intern("comment"), Value());
  col.append(intern("defaultValueExpression"), Value());
  col.append(intern("enumValues"), Value());
  Object table;
  table.append(intern("defaultCharsetName"), Value::string("utf8mb4"));
  table.append(intern("primaryKeyColumnNames"), Value::list({Value::string("id")}));
  table.append(intern("columns"), Value::list({Value::object(col)}));
  table.append(intern("comment"), Value());
  Event e;
  e.op = Op::Schema;
  e.source = meta;
  e.ts = 1709214359000000LL;
  e.row = mysql::schema_change_row("inventory", "customers", "ALTER TABLE customers ADD x INT",
                                   "ALTER", Value::object(table));
  std::string key, value, bare;
  debezium::encode_schema_change_key(e, true, key);
  debezium::encode_schema_change_value(e, "dbserver1", true, 1709214360000, value);
  debezium::encode_schema_change_value(e, "dbserver1", false, 1709214360000, bare);
  auto parsed = json::parse(value);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), value);
  auto payload = json::parse(bare);
  BOOST_REQUIRE(payload.ok());
  BOOST_CHECK(*parsed->as_object().find(intern("payload")) == *payload);
  BOOST_CHECK(bare.find(R"("ts_ms":1709214360000,"databaseName":"inventory","schemaName":null,)"
                        R"("ddl":"ALTER TABLE customers ADD x INT","tableChanges":[{"type":)"
                        R"("ALTER","id":"\"inventory\".\"customers\"","table":{)") !=
              std::string::npos);

  auto ids = std::make_shared<CountingIds>();
  avro::AvroConverter conv(ids);
  convert(conv, "dbserver1-key", key);
  BOOST_CHECK_EQUAL(read_back(key, conv.last_schema()), R"({"databaseName": "inventory"})");
  convert(conv, "dbserver1-value", value);
  const std::string datum = read_back(value, conv.last_schema());
  BOOST_TEST_MESSAGE("schema change datum: " << datum);
  BOOST_CHECK(datum.find(R"("ddl": {"string": "ALTER TABLE customers ADD x INT"})") !=
              std::string::npos);
  BOOST_CHECK(datum.find(R"("primaryKeyColumnNames": {"array": ["id"]})") != std::string::npos);
  BOOST_CHECK(datum.find(R"("typeName": "INT")") != std::string::npos);
  // A DROP: the optional table is null.
  e.row = mysql::schema_change_row("inventory", "customers", "DROP TABLE `inventory`.`customers`",
                                   "DROP", Value());
  std::string drop;
  debezium::encode_schema_change_value(e, "dbserver1", true, 1709214360000, drop);
  convert(conv, "dbserver1-value", drop);
  BOOST_CHECK(read_back(drop, conv.last_schema()).find(R"("table": null)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_avro_does_not_allow_are_adjusted) {
  BOOST_CHECK_EQUAL(avro::avro_name("unit price"), "unit_price");
  BOOST_CHECK_EQUAL(avro::avro_name("my-server"), "my_server");
  BOOST_CHECK_EQUAL(avro::avro_name("1st"), "_1st");
  auto ids = std::make_shared<CountingIds>();
  avro::AvroConverter conv(ids);
  debezium::EncoderOptions o;
  o.schemas = true;
  std::string key;
  BOOST_REQUIRE(debezium::DebeziumEncoder("my-server", o).encode_key(account("my-server"), key));
  convert(conv, "my-server.bank.accounts-key", key);
  BOOST_CHECK_EQUAL(conv.last_schema(),
                    R"({"type":"record","name":"Key","namespace":"my_server.bank.accounts",)"
                    R"("fields":[{"name":"id","type":"int"}],)"
                    R"("connect.name":"my_server.bank.accounts.Key"})");
  BOOST_CHECK_EQUAL(ids->subjects.back(), "my-server.bank.accounts-key");  // the topic's own
}

BOOST_AUTO_TEST_CASE(values_that_do_not_fit_and_registry_failures_leave_the_message) {
  auto ids = std::make_shared<CountingIds>();
  avro::AvroConverter conv(ids);
  std::string m = R"({"schema":{"type":"int8","optional":false},"payload":300})";
  const std::string before = m;
  auto r = conv.convert("t-value", m);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().kind == failure_kind::permanent);
  BOOST_CHECK(r.err().code == error_code(avro::errc::value));
  BOOST_CHECK_EQUAL(m, before);
  m = R"({"schema":{"type":"int16","optional":false},"payload":null})";
  BOOST_CHECK(!conv.convert("t-value", m).ok());
  // A registry that cannot be reached: a transient error (the sink retries the write).
  ids->fail = true;
  m = R"({"schema":{"type":"int16","optional":false},"payload":12})";
  r = conv.convert("t-value", m);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().kind == failure_kind::transient);
  BOOST_CHECK_EQUAL(m, R"({"schema":{"type":"int16","optional":false},"payload":12})");
  ids->fail = false;
  convert(conv, "t-value", m);
  BOOST_CHECK_EQUAL(conv.last_schema(), R"({"type":"int","connect.type":"int16"})");
  BOOST_CHECK_EQUAL(read_back(m, conv.last_schema()), "12");
}

// `sluice check`: format = avro without a schema registry is an error at the format option.
BOOST_AUTO_TEST_CASE(check_asks_for_the_registry) {
  const std::string head =
      "pipeline p {\n  source generate g { count = 1  fields { id = seq() } }\n"
      "  sink kafka k from g {\n    brokers = \"127.0.0.1:9092\"\n    format = avro\n";
  auto without = dsl::load_text("a.pipe", head + "  }\n}\n", operators::registry().specs());
  BOOST_REQUIRE_EQUAL(without.diags.error_count(), 1u);
  const auto& d = without.diags.items()[0];
  BOOST_CHECK_EQUAL(d.line, 5);
  BOOST_CHECK_EQUAL(d.message,
                    "format = avro needs the option 'schema_registry' (block): add "
                    "`schema_registry { ... }` to sink kafka 'k'");
  auto with = dsl::load_text(
      "a.pipe", head + "    schema_registry { url = \"http://127.0.0.1:8081\" }\n  }\n}\n",
      operators::registry().specs());
  BOOST_CHECK_EQUAL(with.diags.error_count(), 0u);
}

kafka::KafkaSink::Options avro_sink(const test::KafkaMock& mock, const std::string& url) {
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = mock.bootstrap();
  o.debezium = true;
  o.avro = true;
  o.encoding.schemas = true;
  o.registry.url = url;
  o.registry.timeout_ms = 2000;
  o.topic_constant = "sluice_avro_test.bank.accounts";
  o.properties = {{"linger.ms", "1"}};
  return o;
}

// A registry nobody listens at: the write fails transiently (the engine retries it), naming
// the registry, and nothing is produced.
BOOST_AUTO_TEST_CASE(sink_with_an_unreachable_registry_retries) {
  test::KafkaMock mock;
  mock.create_topic("sluice_avro_test.bank.accounts", 1);
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
  kafka::KafkaSink sink(avro_sink(mock, url));
  BOOST_REQUIRE(sink.open("").ok());
  std::vector<Event> events = {account("sluice_avro_test")}, dead;
  auto r = sink.write(events, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.err().kind == failure_kind::transient);
  BOOST_CHECK(r.err().code == error_code(avro::errc::registry));
  BOOST_CHECK_MESSAGE(r.err().message.find("schema registry " + url) != std::string::npos,
                      r.err().message);
  BOOST_CHECK(dead.empty());
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  BOOST_CHECK(mock.read_all("sluice_avro_test.bank.accounts", 1, 1500).empty());
}

// Against a real Confluent Schema Registry: the sink registers TOPIC-key and TOPIC-value, and
// what the registry gives back for the ids in the messages reads them.
BOOST_AUTO_TEST_CASE(sink_through_a_real_schema_registry) {
  const char* url = std::getenv("SLUICE_TEST_SCHEMA_REGISTRY_URL");
  if (url == nullptr || *url == '\0') {
    BOOST_TEST_MESSAGE("SLUICE_TEST_SCHEMA_REGISTRY_URL is not set: skipped");
    return;
  }
  test::KafkaMock mock;
  kafka::KafkaSink sink(avro_sink(mock, url));
  BOOST_REQUIRE(sink.open("").ok());
  std::vector<Event> events = {account("sluice_avro_test")}, dead;
  BOOST_REQUIRE(sink.write(events, dead).ok());
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  BOOST_CHECK(dead.empty());
  auto msgs = mock.read_all("sluice_avro_test.bank.accounts", 1);
  BOOST_REQUIRE_EQUAL(msgs.size(), 1u);
  avro::SchemaRegistry registry({url, "", "", 10000});
  auto key_schema = registry.schema_of(id_in(msgs[0].key));
  auto value_schema = registry.schema_of(id_in(msgs[0].value));
  BOOST_REQUIRE(key_schema.ok() && value_schema.ok());
  BOOST_CHECK_EQUAL(read_back(msgs[0].key, *key_schema), R"({"id": 7})");
  BOOST_CHECK(read_back(msgs[0].value, *value_schema).find(R"("id": 7, "amount": )") !=
              std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace avro_test
