// Debezium-identical MySQL change events (issue 20, point 1): a table of every MySQL type in the
// private MariaDB, `source mysql` -> `sink kafka` (format debezium) -> librdkafka mock cluster,
// read back with a plain consumer. Each column's field schema and value must be what Debezium
// 2.7's MySQL connector writes with its default settings, written down below from Debezium's
// documentation ("Data type mappings" of the MySQL connector, the JSON converter's type names)
// and its documented envelope: Envelope version 2 with before, after, source, transaction, op,
// ts_ms, ts_us, ts_ns; source io.debezium.connector.mysql.Source filled from the binlog.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/temporal.h"
#include "integration/ods_support.h"
#include "support/kafka_mock.h"

// A named namespace: the sanitizer builds compile test files in unity batches.
namespace debezium_envelope_test {

using namespace sluice;
using namespace sluice::test;
using namespace sluice::test::ods;

struct TypeCase {
  const char* name;
  const char* ddl;      // the column's definition
  const char* literal;  // the value inserted
  const char* schema;   // Debezium's field schema (the JSON converter's form, without "field")
  const char* value;    // Debezium's value in the payload
};

// The reference, column by column (Debezium 2.7 MySQL connector, default settings:
// decimal.handling.mode=precise, time.precision.mode=adaptive_time_microseconds,
// bigint.unsigned.handling.mode=long, binary.handling.mode=bytes). BOOLEAN is TINYINT(1) on
// the server and Debezium maps it as TINYINT (its docs: "Boolean values"); BIT(1) is a boolean.
const std::vector<TypeCase>& cases() {
  static const std::vector<TypeCase> c = {
      {"id", "INT NOT NULL PRIMARY KEY", "1", R"({"type":"int32","optional":false})", "1"},
      {"b1", "BIT(1)", "b'1'", R"({"type":"boolean","optional":true})", "true"},
      {"b10", "BIT(10)", "b'1010100101'",
       R"({"type":"bytes","optional":true,"name":"io.debezium.data.Bits","version":1,)"
       R"("parameters":{"length":"10"}})",
       R"("pQI=")"},
      {"ti", "TINYINT", "-128", R"({"type":"int16","optional":true})", "-128"},
      {"tiu", "TINYINT UNSIGNED", "255", R"({"type":"int16","optional":true})", "255"},
      {"bo", "BOOLEAN", "TRUE", R"({"type":"int16","optional":true})", "1"},
      {"si", "SMALLINT", "-32768", R"({"type":"int16","optional":true})", "-32768"},
      {"siu", "SMALLINT UNSIGNED", "65535", R"({"type":"int32","optional":true})", "65535"},
      {"mi", "MEDIUMINT", "-8388608", R"({"type":"int32","optional":true})", "-8388608"},
      {"miu", "MEDIUMINT UNSIGNED", "16777215", R"({"type":"int32","optional":true})", "16777215"},
      {"i", "INT", "-2147483648", R"({"type":"int32","optional":true})", "-2147483648"},
      {"iu", "INT UNSIGNED", "4294967295", R"({"type":"int64","optional":true})", "4294967295"},
      {"bi", "BIGINT", "-9223372036854775808", R"({"type":"int64","optional":true})",
       "-9223372036854775808"},
      {"biu", "BIGINT UNSIGNED", "9223372036854775807", R"({"type":"int64","optional":true})",
       "9223372036854775807"},
      {"f", "FLOAT", "1.5", R"({"type":"float","optional":true})", "1.5"},
      {"d", "DOUBLE", "0.1", R"({"type":"double","optional":true})", "0.1"},
      {"amount", "DECIMAL(10,2)", "12345.67",
       R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",)"
       R"("version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"}})",
       R"("EtaH")"},
      {"dt", "DATE", "'2024-02-29'",
       R"({"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1})", "19782"},
      {"tm", "TIME(6)", "'13:45:59.123456'",
       R"({"type":"int64","optional":true,"name":"io.debezium.time.MicroTime","version":1})",
       "49559123456"},
      {"dtm", "DATETIME", "'2024-02-29 13:45:59'",
       R"({"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1})",
       "1709214359000"},
      {"dtm3", "DATETIME(3)", "'2024-02-29 13:45:59.123'",
       R"({"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1})",
       "1709214359123"},
      {"dtm6", "DATETIME(6)", "'2024-02-29 13:45:59.123456'",
       R"({"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp",)"
       R"("version":1})",
       "1709214359123456"},
      {"ts0", "TIMESTAMP NULL DEFAULT NULL", "'2024-02-29 13:45:59'",
       R"({"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp",)"
       R"("version":1})",
       R"("2024-02-29T13:45:59Z")"},
      {"ts6", "TIMESTAMP(6) NULL DEFAULT NULL", "'2024-02-29 13:45:59.120000'",
       R"({"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp",)"
       R"("version":1})",
       R"("2024-02-29T13:45:59.120000Z")"},
      {"y", "YEAR", "2024",
       R"({"type":"int32","optional":true,"name":"io.debezium.time.Year","version":1})", "2024"},
      {"c", "CHAR(3) NOT NULL", "'abc'", R"({"type":"string","optional":false})", R"("abc")"},
      {"vc", "VARCHAR(10)", "'héllo'", R"({"type":"string","optional":true})", R"("héllo")"},
      {"tx", "TEXT", "'long text'", R"({"type":"string","optional":true})", R"("long text")"},
      {"bin", "BINARY(2)", "UNHEX('00FF')", R"({"type":"bytes","optional":true})", R"("AP8=")"},
      {"vb", "VARBINARY(4)", "UNHEX('DEADBEEF')", R"({"type":"bytes","optional":true})",
       R"("3q2+7w==")"},
      {"bl", "BLOB", "UNHEX('0102')", R"({"type":"bytes","optional":true})", R"("AQI=")"},
      {"e", "ENUM('a','b')", "'b'",
       R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,)"
       R"("parameters":{"allowed":"a,b"}})",
       R"("b")"},
      {"s", "SET('x','y','z')", "'x,z'",
       R"({"type":"string","optional":true,"name":"io.debezium.data.EnumSet","version":1,)"
       R"("parameters":{"allowed":"x,y,z"}})",
       R"("x,z")"},
      // MariaDB's JSON is LONGTEXT with a json_valid check: Debezium reads that DDL as a
      // string; Sluice knows the check and writes io.debezium.data.Json (as Debezium does for
      // MySQL's JSON type), the value the same JSON text. A deliberate difference
      // (docs/kafka.md).
      {"j", "JSON", R"('{"k":[1,2.5]}')",
       R"({"type":"string","optional":true,"name":"io.debezium.data.Json","version":1})",
       R"("{\"k\":[1,2.5]}")"},
  };
  return c;
}

// Debezium 2.7's documented envelope (its MySQL connector, JSON converter with schemas):
// the Envelope's fields and the MySQL source block's fields, in order.
const char* kEnvelopeFields = "before,after,source,transaction,op,ts_ms,ts_us,ts_ns";
const char* kSourceFields =
    "version,connector,name,ts_ms,snapshot,db,sequence,ts_us,ts_ns,table,server_id,gtid,file,"
    "pos,row,thread,query";
const char* kSourceSchemaFields =
    R"([{"type":"string","optional":false,"field":"version"},)"
    R"({"type":"string","optional":false,"field":"connector"},)"
    R"({"type":"string","optional":false,"field":"name"},)"
    R"({"type":"int64","optional":false,"field":"ts_ms"},)"
    R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,)"
    R"("parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,)"
    R"(last,false,incremental"},"default":"false","field":"snapshot"},)"
    R"({"type":"string","optional":false,"field":"db"},)"
    R"({"type":"string","optional":true,"field":"sequence"},)"
    R"({"type":"int64","optional":true,"field":"ts_us"},)"
    R"({"type":"int64","optional":true,"field":"ts_ns"},)"
    R"({"type":"string","optional":true,"field":"table"},)"
    R"({"type":"int64","optional":false,"field":"server_id"},)"
    R"({"type":"string","optional":true,"field":"gtid"},)"
    R"({"type":"string","optional":false,"field":"file"},)"
    R"({"type":"int64","optional":false,"field":"pos"},)"
    R"({"type":"int32","optional":false,"field":"row"},)"
    R"({"type":"int64","optional":true,"field":"thread"},)"
    R"({"type":"string","optional":true,"field":"query"}])";

std::string canon(const std::string& text) {
  auto v = json::parse(text);
  BOOST_REQUIRE_MESSAGE(v.ok(), "not JSON: " << text);
  return json::encode(*v);
}

const Value& member(const Value& o, const char* name) {
  BOOST_REQUIRE_MESSAGE(o.type() == Type::Object, "not an object looking for " << name);
  const Value* v = o.as_object().find(intern(name));
  BOOST_REQUIRE_MESSAGE(v != nullptr, "missing " << name << " in " << json::encode(o));
  return *v;
}

std::string names_of(const Value& fields, bool schema) {
  std::string out;
  if (schema) {
    for (const Value& f : fields.as_list()) {
      out += (out.empty() ? "" : ",") + member(f, "field").as_string();
    }
  } else {
    for (const Field& f : fields.as_object().fields()) {
      out += (out.empty() ? "" : ",") + sym_name(f.name);
    }
  }
  return out;
}

std::string pipe_text(const std::string& brokers, const std::string& dir,
                      const std::string& method = "consistent") {
  return "pipeline dbz {\n"
         "  settings { state_dir = \"" +
         dir +
         "/p\"  checkpoint_interval = 300ms }\n"
         "  source mysql src {\n"
         "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))\n"
         "    user = env(\"MYSQL_USER\")  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 5419  database = \"dbz\"  tables = [\"all_types\", \"two\"]\n"
         "    snapshot { mode = initial  method = " +
         method +
         " }  include_query = true\n"
         "  }\n"
         "  sink kafka out from src { brokers = \"" +
         brokers +
         "\"  format = debezium  server = \"dbserver1\"  transaction_metadata = true }\n"
         "}\n";
}

struct Message {
  Value key, value;
  bool tombstone = false;
};

std::vector<Message> read(KafkaMock& mock, const std::string& topic, size_t n) {
  std::vector<Message> out;
  for (auto& m : mock.read_all(topic, n, 60000)) {
    Message x;
    x.tombstone = !m.has_value;
    if (m.has_key) x.key = Value::string(m.key);
    if (m.has_value) x.value = Value::string(m.value);
    for (Value* v : {&x.key, &x.value}) {
      if (v->is_null()) continue;
      auto parsed = json::parse(v->as_string());
      BOOST_REQUIRE_MESSAGE(parsed.ok(), "not JSON: " << v->as_string());
      *v = *parsed;
    }
    out.push_back(std::move(x));
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(debezium_envelope)

BOOST_AUTO_TEST_CASE(every_type_and_the_source_block_as_debezium_writes_them) {
  KafkaMock mock;
  mock.create_topic("dbserver1.dbz.all_types", 1);
  mock.create_topic("dbserver1.dbz.two", 1);
  mock.create_topic("dbserver1.transaction", 1);  // (one partition: read back in order)
  my_exec("DROP DATABASE IF EXISTS dbz");
  my_exec("CREATE DATABASE dbz");
  std::string ddl, cols, vals;
  for (const auto& c : cases()) {
    ddl += std::string(ddl.empty() ? "" : ", ") + c.name + " " + c.ddl;
    cols += std::string(cols.empty() ? "" : ", ") + c.name;
    vals += std::string(vals.empty() ? "" : ", ") + c.literal;
  }
  my_exec("CREATE TABLE dbz.all_types (" + ddl + ")");
  my_exec("CREATE TABLE dbz.two (id INT PRIMARY KEY, v VARCHAR(5))");
  my_exec("INSERT INTO dbz.two VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  // The snapshot reads the every-type row (TIMESTAMP literals in UTC).
  {
    auto conn = mysql().connect();
    MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
    MariaDbServer::exec(conn.get(),
                        "INSERT INTO dbz.all_types (" + cols + ") VALUES (" + vals + ")");
  }

  TempDir dir;
  const std::string pipe = dir.file("dbz.pipe");
  write_file(pipe, pipe_text(mock.bootstrap(), dir.str()));
  Child child({"/bin/sh", "-c", "exec " + sluice_bin() + " run " + pipe + " 2>>" + dir.file("log")},
              pipeline_env("postgres"), dir.str());
  auto log_tail = [&] {
    std::string e = read_file(dir.file("log"));
    return "\nsluice log:\n" + e.substr(e.size() > 3000 ? e.size() - 3000 : 0);
  };

  // 1. The snapshot row of every type.
  auto snap = read(mock, "dbserver1.dbz.all_types", 1);
  BOOST_REQUIRE_MESSAGE(snap.size() == 1, "snapshot message" << log_tail());
  const Value& env = snap[0].value;
  const Value& schema = member(env, "schema");
  const Value& payload = member(env, "payload");
  BOOST_CHECK_EQUAL(member(schema, "name").as_string(), "dbserver1.dbz.all_types.Envelope");
  BOOST_CHECK(member(schema, "version") == Value::int64(2));
  BOOST_CHECK_EQUAL(names_of(member(schema, "fields"), true), kEnvelopeFields);
  BOOST_CHECK_EQUAL(names_of(payload, false), kEnvelopeFields);
  const Value& after_schema = member(schema, "fields").as_list()[1];
  BOOST_CHECK_EQUAL(member(after_schema, "name").as_string(), "dbserver1.dbz.all_types.Value");
  const auto& fields = member(after_schema, "fields").as_list();
  const Value& after = member(payload, "after");
  BOOST_REQUIRE_EQUAL(fields.size(), cases().size());
  for (size_t i = 0; i < cases().size(); ++i) {
    const TypeCase& c = cases()[i];
    Object want = json::parse(c.schema)->as_object();
    want.append(intern("field"), Value::string(c.name));
    BOOST_CHECK_EQUAL(json::encode(fields[i]), json::encode(Value::object(want)));
    BOOST_CHECK_MESSAGE(json::encode(member(after, c.name)) == canon(c.value),
                        c.name << ": " << json::encode(member(after, c.name)) << " != " << c.value);
  }
  const Value& src_schema = member(schema, "fields").as_list()[2];
  BOOST_CHECK_EQUAL(member(src_schema, "name").as_string(), "io.debezium.connector.mysql.Source");
  BOOST_CHECK_EQUAL(json::encode(member(src_schema, "fields")), canon(kSourceSchemaFields));
  const Value& src = member(payload, "source");
  BOOST_CHECK_EQUAL(names_of(src, false), kSourceFields);
  BOOST_CHECK_EQUAL(member(src, "connector").as_string(), "mysql");
  BOOST_CHECK_EQUAL(member(src, "name").as_string(), "dbserver1");
  // The first table's only row: first of the snapshot (Debezium's precedence: last of the
  // snapshot, first of the snapshot, last of its table, first of its table).
  BOOST_CHECK_EQUAL(member(src, "snapshot").as_string(), "first");
  BOOST_CHECK(member(src, "server_id") == Value::int64(0));  // as Debezium's snapshot
  BOOST_CHECK(member(src, "thread").is_null());
  BOOST_CHECK(member(src, "query").is_null());            // a snapshot read has no statement
  BOOST_CHECK(member(payload, "transaction").is_null());  // nor a transaction
  BOOST_CHECK(member(payload, "op") == Value::string("r"));
  BOOST_CHECK_EQUAL(member(src, "ts_us").as_int() / 1000, member(src, "ts_ms").as_int());
  BOOST_CHECK_EQUAL(member(src, "ts_ns").as_int(), member(src, "ts_us").as_int() * 1000);
  BOOST_CHECK_EQUAL(json::encode(snap[0].key),
                    canon(R"({"schema":{"type":"struct","fields":[{"type":"int32",)"
                          R"("optional":false,"field":"id"}],"optional":false,)"
                          R"("name":"dbserver1.dbz.all_types.Key"},"payload":{"id":1}})"));

  // The other (last) table's snapshot: first of its table, then "true", then the last row.
  auto two = read(mock, "dbserver1.dbz.two", 3);
  BOOST_REQUIRE_EQUAL(two.size(), 3u);
  std::string marks;
  for (auto& m : two)
    marks += member(member(member(m.value, "payload"), "source"), "snapshot").as_string() + " ";
  BOOST_CHECK_EQUAL(marks, "first_in_data_collection true last ");

  // 2. Streamed changes: one INSERT of three rows (one rows event: row 0, 1, 2), an update and
  // a delete (then its tombstone), each source block filled from the binlog.
  auto conn = mysql().connect();
  auto status = MariaDbServer::query(conn.get(), "SHOW MASTER STATUS");
  BOOST_REQUIRE(!status.empty() && status[0][0]);
  const std::string file = *status[0][0];
  const int64_t file_end = std::stoll(*status[0][1]);
  auto sid = MariaDbServer::query(conn.get(), "SELECT @@server_id");
  const std::string kInsert = "INSERT INTO dbz.two VALUES (4, 'd'), (5, 'e'), (6, 'f')";
  MariaDbServer::exec(conn.get(), kInsert);
  auto gtid = MariaDbServer::query(conn.get(), "SELECT @@last_gtid");
  MariaDbServer::exec(conn.get(), "UPDATE dbz.two SET v = 'x' WHERE id = 4");
  auto gtid_update = MariaDbServer::query(conn.get(), "SELECT @@last_gtid");
  MariaDbServer::exec(conn.get(), "DELETE FROM dbz.two WHERE id = 5");
  auto all = read(mock, "dbserver1.dbz.two", 3 + 3 + 1 + 2);
  BOOST_REQUIRE_MESSAGE(all.size() == 9u, all.size() << " messages" << log_tail());
  for (int i = 0; i < 3; ++i) {
    const Value& p = member(all[3 + static_cast<size_t>(i)].value, "payload");
    const Value& s = member(p, "source");
    BOOST_CHECK(member(p, "op") == Value::string("c"));
    BOOST_CHECK_EQUAL(member(s, "snapshot").as_string(), "false");
    BOOST_CHECK(member(s, "row") == Value::int64(i));
    BOOST_CHECK_EQUAL(member(s, "file").as_string(), file);
    BOOST_CHECK_EQUAL(json::encode(member(s, "server_id")), *sid[0][0]);
    BOOST_CHECK_EQUAL(member(s, "gtid").as_string(), *gtid[0][0]);
    BOOST_CHECK(member(s, "pos").as_int() >= file_end);  // the rows event, after the status
    BOOST_CHECK(member(s, "thread").is_null());          // MariaDB writes no BEGIN query
    // include_query = true: the statement, from MariaDB's binlog annotation.
    BOOST_CHECK_EQUAL(member(s, "query").as_string(), kInsert);
    BOOST_CHECK(member(s, "ts_ns") == Value::int64(member(s, "ts_ms").as_int() * 1000000));
    // transaction_metadata = true: the change's place in its transaction.
    BOOST_CHECK_EQUAL(json::encode(member(p, "transaction")),
                      R"({"id":")" + *gtid[0][0] + R"(","total_order":)" + std::to_string(i + 1) +
                          R"(,"data_collection_order":)" + std::to_string(i + 1) + "}");
  }
  BOOST_CHECK(member(all[3].value, "payload") != member(all[4].value, "payload"));
  const Value& upd = member(all[6].value, "payload");
  BOOST_CHECK(member(upd, "op") == Value::string("u"));
  BOOST_CHECK(member(member(upd, "before"), "v") == Value::string("d"));
  BOOST_CHECK(member(member(upd, "after"), "v") == Value::string("x"));
  BOOST_CHECK(member(member(upd, "source"), "pos").as_int() >
              member(member(member(all[5].value, "payload"), "source"), "pos").as_int());
  BOOST_CHECK(member(member(all[7].value, "payload"), "op") == Value::string("d"));
  BOOST_CHECK(all[8].tombstone);
  BOOST_CHECK_EQUAL(json::encode(member(all[8].key, "payload")), R"({"id":5})");

  // 3. The transaction topic: BEGIN and END of each of the three transactions, END with the
  // counts per table (Debezium's TransactionMetadataKey / TransactionMetadataValue).
  auto txns = read(mock, "dbserver1.transaction", 6);
  BOOST_REQUIRE_MESSAGE(txns.size() == 6u, txns.size() << " transaction messages" << log_tail());
  const Value& begin = member(txns[0].value, "payload");
  BOOST_CHECK_EQUAL(member(member(txns[0].value, "schema"), "name").as_string(),
                    "io.debezium.connector.common.TransactionMetadataValue");
  BOOST_CHECK_EQUAL(json::encode(member(txns[0].key, "payload")),
                    R"({"id":")" + *gtid[0][0] + R"("})");
  BOOST_CHECK(member(begin, "status") == Value::string("BEGIN"));
  BOOST_CHECK(member(begin, "event_count").is_null());
  const Value& end = member(txns[1].value, "payload");
  BOOST_CHECK(member(end, "status") == Value::string("END"));
  BOOST_CHECK_EQUAL(member(end, "id").as_string(), *gtid[0][0]);
  BOOST_CHECK(member(end, "event_count") == Value::int64(3));
  BOOST_CHECK_EQUAL(json::encode(member(end, "data_collections")),
                    R"([{"data_collection":"dbz.two","event_count":3}])");
  BOOST_CHECK_EQUAL(member(member(txns[2].value, "payload"), "id").as_string(), *gtid_update[0][0]);
  std::string statuses;
  for (auto& m : txns) statuses += member(member(m.value, "payload"), "status").as_string() + " ";
  BOOST_CHECK_EQUAL(statuses, "BEGIN END BEGIN END BEGIN END ");

  child.signal(SIGTERM);
  auto r = child.wait(std::chrono::seconds(60));
  BOOST_CHECK_EQUAL(r.exit_code, 0);
}

// Debezium's schema-change topic (issue 20, point 2). The reference: the example of Debezium's
// MySQL connector documentation ("Schema change topic": ALTER TABLE customers ADD middle_name
// varchar(255) AFTER first_name on inventory.customers) with what the Connect structs of
// Debezium 2.7 hold besides (io.debezium.connector.schema.Column's comment,
// defaultValueExpression and enumValues, Table's comment: null here; the payload's ts_ms; no
// `attributes`, which only the connector's internal schema history has).
const char* kSchemaChangeKey =
    R"({"schema":{"type":"struct","fields":[{"type":"string","optional":false,)"
    R"("field":"databaseName"}],"optional":false,)"
    R"("name":"io.debezium.connector.mysql.SchemaChangeKey","version":1},)"
    R"("payload":{"databaseName":"inventory"}})";

std::string doc_column(const char* name, int jdbc, const char* type, const char* charset,
                       const char* length, int position, bool optional, bool autoinc) {
  return std::string(R"({"name":")") + name + R"(","jdbcType":)" + std::to_string(jdbc) +
         R"(,"nativeType":null,"typeName":")" + type + R"(","typeExpression":")" + type +
         R"(","charsetName":)" + charset + R"(,"length":)" + length +
         R"(,"scale":null,"position":)" + std::to_string(position) + R"(,"optional":)" +
         (optional ? "true" : "false") + R"(,"autoIncremented":)" + (autoinc ? "true" : "false") +
         R"(,"generated":)" + (autoinc ? "true" : "false") +
         R"(,"comment":null,"defaultValueExpression":null,"enumValues":null})";
}

std::string doc_customers_table() {
  const char* u = R"("utf8mb4")";
  return R"({"defaultCharsetName":"utf8mb4","primaryKeyColumnNames":["id"],"columns":[)" +
         doc_column("id", 4, "INT", "null", "null", 1, false, true) + "," +
         doc_column("first_name", 12, "VARCHAR", u, "255", 2, false, false) + "," +
         doc_column("middle_name", 12, "VARCHAR", u, "255", 3, true, false) + "," +
         doc_column("last_name", 12, "VARCHAR", u, "255", 4, false, false) + "," +
         doc_column("email", 12, "VARCHAR", u, "255", 5, false, false) + R"(],"comment":null})";
}

// Columns of other types, as Debezium's MySQL DDL parser describes them (java.sql.Types,
// typeName without the length, ENUM length 1 and SET 2n-1, the quoted enum literals, a string
// default unquoted, CURRENT_TIMESTAMP as the epoch, integer display widths not lengths).
const std::vector<std::pair<const char*, const char*>>& kind_columns() {
  static const std::vector<std::pair<const char*, const char*>> c = {
      {"k BIGINT UNSIGNED NOT NULL PRIMARY KEY",
       R"({"name":"k","jdbcType":-5,"nativeType":null,"typeName":"BIGINT UNSIGNED",)"
       R"("typeExpression":"BIGINT UNSIGNED","charsetName":null,"length":null,"scale":null,)"
       R"("position":1,"optional":false,"autoIncremented":false,"generated":false,)"
       R"("comment":null,"defaultValueExpression":null,"enumValues":null})"},
      {"e ENUM('a','b') NOT NULL DEFAULT 'a'",
       R"({"name":"e","jdbcType":1,"nativeType":null,"typeName":"ENUM","typeExpression":"ENUM",)"
       R"("charsetName":"utf8mb4","length":1,"scale":null,"position":2,"optional":false,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":"a","enumValues":["'a'","'b'"]})"},
      {"s SET('x','y','z')",
       R"({"name":"s","jdbcType":1,"nativeType":null,"typeName":"SET","typeExpression":"SET",)"
       R"("charsetName":"utf8mb4","length":5,"scale":null,"position":3,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":["'x'","'y'","'z'"]})"},
      {"d DECIMAL(10,2) DEFAULT 1.50",
       R"({"name":"d","jdbcType":3,"nativeType":null,"typeName":"DECIMAL",)"
       R"("typeExpression":"DECIMAL","charsetName":null,"length":10,"scale":2,"position":4,)"
       R"("optional":true,"autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":"1.50","enumValues":null})"},
      {"t DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
       R"({"name":"t","jdbcType":93,"nativeType":null,"typeName":"DATETIME",)"
       R"("typeExpression":"DATETIME","charsetName":null,"length":6,"scale":null,"position":5,)"
       R"("optional":false,"autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":"1970-01-01 00:00:00","enumValues":null})"},
      {"c CHAR(3) CHARACTER SET latin1",
       R"({"name":"c","jdbcType":1,"nativeType":null,"typeName":"CHAR","typeExpression":"CHAR",)"
       R"("charsetName":"latin1","length":3,"scale":null,"position":6,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":null})"},
      {"j JSON",
       R"({"name":"j","jdbcType":1111,"nativeType":null,"typeName":"JSON","typeExpression":"JSON",)"
       R"("charsetName":null,"length":null,"scale":null,"position":7,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":null})"},
      {"b BLOB",
       R"({"name":"b","jdbcType":2004,"nativeType":null,"typeName":"BLOB","typeExpression":"BLOB",)"
       R"("charsetName":null,"length":null,"scale":null,"position":8,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":null})"},
      {"tx TEXT",
       R"({"name":"tx","jdbcType":12,"nativeType":null,"typeName":"TEXT","typeExpression":"TEXT",)"
       R"("charsetName":"utf8mb4","length":null,"scale":null,"position":9,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":null})"},
      {"ts TIMESTAMP NULL",
       R"({"name":"ts","jdbcType":2014,"nativeType":null,"typeName":"TIMESTAMP",)"
       R"("typeExpression":"TIMESTAMP","charsetName":null,"length":null,"scale":null,)"
       R"("position":10,"optional":true,"autoIncremented":false,"generated":false,)"
       R"("comment":null,"defaultValueExpression":null,"enumValues":null})"},
      {"bt BIT(3)",
       R"({"name":"bt","jdbcType":-7,"nativeType":null,"typeName":"BIT","typeExpression":"BIT",)"
       R"("charsetName":null,"length":3,"scale":null,"position":11,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":null})"},
      {"y YEAR",
       R"({"name":"y","jdbcType":4,"nativeType":null,"typeName":"YEAR","typeExpression":"YEAR",)"
       R"("charsetName":null,"length":null,"scale":null,"position":12,"optional":true,)"
       R"("autoIncremented":false,"generated":false,"comment":null,)"
       R"("defaultValueExpression":null,"enumValues":null})"},
  };
  return c;
}

std::string schema_pipe(const std::string& brokers, const std::string& dir) {
  return "pipeline dbz_ddl {\n"
         "  settings { state_dir = \"" +
         dir +
         "/p\"  checkpoint_interval = 300ms }\n"
         "  source mysql src {\n"
         "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))\n"
         "    user = env(\"MYSQL_USER\")  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 5420  database = \"inventory\"  tables = [\"inventory.*\"]\n"
         "  }\n"
         "  transform t from src { set seen = true }\n"  // passes schema changes through
         "  sink kafka out from t { brokers = \"" +
         brokers +
         "\"  format = debezium  server = \"dbserver1\" }\n"
         "}\n";
}

BOOST_AUTO_TEST_CASE(schema_changes_as_debezium_writes_them) {
  KafkaMock mock;
  mock.create_topic("dbserver1", 1);
  mock.create_topic("dbserver1.inventory.customers", 1);
  my_exec("DROP DATABASE IF EXISTS inventory");
  my_exec("CREATE DATABASE inventory");
  my_exec(
      "CREATE TABLE inventory.customers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, first_name "
      "VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL) "
      "DEFAULT CHARSET=utf8mb4");
  my_exec("INSERT INTO inventory.customers VALUES (1001, 'Sally', 'Thomas', 's@acme.com')");
  TempDir dir;
  const std::string pipe = dir.file("ddl.pipe");
  write_file(pipe, schema_pipe(mock.bootstrap(), dir.str()));
  Child child({"/bin/sh", "-c", "exec " + sluice_bin() + " run " + pipe + " 2>>" + dir.file("log")},
              pipeline_env("postgres"), dir.str());
  auto log_tail = [&] {
    std::string e = read_file(dir.file("log"));
    return "\nsluice log:\n" + e.substr(e.size() > 3000 ? e.size() - 3000 : 0);
  };
  BOOST_REQUIRE_MESSAGE(read(mock, "dbserver1.inventory.customers", 1).size() == 1,
                        "snapshot" << log_tail());
  // 0. The snapshot's statements first, as Debezium's snapshot writes them (source.snapshot
  // "true"): SET, DROP TABLE, DROP / CREATE DATABASE, USE, then SHOW CREATE TABLE's statement
  // with the table.
  auto snap = read(mock, "dbserver1", 6);
  BOOST_REQUIRE_MESSAGE(snap.size() == 6, snap.size() << " snapshot schema messages" << log_tail());
  std::vector<std::string> ddls;
  for (const auto& m : snap) {
    const Value& p = member(m.value, "payload");
    ddls.push_back(member(p, "ddl").as_string());
    BOOST_CHECK(member(member(p, "source"), "snapshot") == Value::string("true"));
  }
  BOOST_CHECK(ddls[0].rfind("SET character_set_server=", 0) == 0);
  BOOST_CHECK_EQUAL(ddls[1], "DROP TABLE IF EXISTS `inventory`.`customers`");
  BOOST_CHECK_EQUAL(ddls[2], "DROP DATABASE IF EXISTS `inventory`");
  BOOST_CHECK(ddls[3].rfind("CREATE DATABASE `inventory` CHARSET ", 0) == 0);
  BOOST_CHECK_EQUAL(ddls[4], "USE `inventory`");
  BOOST_CHECK(ddls[5].rfind("CREATE TABLE `customers` (", 0) == 0);
  BOOST_CHECK_EQUAL(json::encode(snap[1].key), canon(kSchemaChangeKey));
  const Value& created0 = member(member(snap[5].value, "payload"), "tableChanges").as_list()[0];
  BOOST_CHECK(member(created0, "type") == Value::string("CREATE"));
  std::string names;
  for (const auto& c : member(member(created0, "table"), "columns").as_list()) {
    names += member(c, "name").as_string() + " ";
  }
  BOOST_CHECK_EQUAL(names, "id first_name last_name email ");
  my_exec("INSERT INTO inventory.customers VALUES (1002, 'George', 'Bailey', 'g@acme.com')");
  BOOST_REQUIRE_MESSAGE(read(mock, "dbserver1.inventory.customers", 2).size() == 2,
                        "streaming" << log_tail());

  // 1. The documented ALTER, run in the database (the statement names the table alone).
  const std::string kAlter = "ALTER TABLE customers ADD middle_name varchar(255) AFTER first_name";
  auto conn = mysql().connect();
  auto status = MariaDbServer::query(conn.get(), "SHOW MASTER STATUS");
  BOOST_REQUIRE(!status.empty() && status[0][0]);
  const int64_t before_ms = temporal::now_micros() / 1000;
  MariaDbServer::exec(conn.get(), "USE inventory");
  MariaDbServer::exec(conn.get(), kAlter);
  auto ddl = read(mock, "dbserver1", 7);
  BOOST_REQUIRE_MESSAGE(ddl.size() == 7, "schema change message" << log_tail());
  ddl.erase(ddl.begin(), ddl.begin() + 6);  // the snapshot's
  BOOST_CHECK_EQUAL(json::encode(ddl[0].key), canon(kSchemaChangeKey));
  const Value& schema = member(ddl[0].value, "schema");
  BOOST_CHECK_EQUAL(member(schema, "name").as_string(),
                    "io.debezium.connector.mysql.SchemaChangeValue");
  BOOST_CHECK(member(schema, "version") == Value::int64(1));
  BOOST_CHECK_EQUAL(names_of(member(schema, "fields"), true),
                    "source,ts_ms,databaseName,schemaName,ddl,tableChanges");
  const Value& change_schema = member(member(schema, "fields").as_list()[5], "items");
  BOOST_CHECK_EQUAL(member(change_schema, "name").as_string(),
                    "io.debezium.connector.schema.Change");
  BOOST_CHECK_EQUAL(names_of(member(change_schema, "fields"), true), "type,id,table");
  const Value& table_schema = member(change_schema, "fields").as_list()[2];
  BOOST_CHECK_EQUAL(member(table_schema, "name").as_string(), "io.debezium.connector.schema.Table");
  BOOST_CHECK_EQUAL(names_of(member(table_schema, "fields"), true),
                    "defaultCharsetName,primaryKeyColumnNames,columns,comment");
  const Value& column_schema = member(member(table_schema, "fields").as_list()[2], "items");
  BOOST_CHECK_EQUAL(member(column_schema, "name").as_string(),
                    "io.debezium.connector.schema.Column");
  BOOST_CHECK_EQUAL(names_of(member(column_schema, "fields"), true),
                    "name,jdbcType,nativeType,typeName,typeExpression,charsetName,length,scale,"
                    "position,optional,autoIncremented,generated,comment,defaultValueExpression,"
                    "enumValues");
  const Value& payload = member(ddl[0].value, "payload");
  BOOST_CHECK_EQUAL(names_of(payload, false),
                    "source,ts_ms,databaseName,schemaName,ddl,tableChanges");
  BOOST_CHECK(member(payload, "databaseName") == Value::string("inventory"));
  BOOST_CHECK(member(payload, "schemaName").is_null());
  BOOST_CHECK(member(payload, "ddl") == Value::string(kAlter));
  BOOST_CHECK(member(payload, "ts_ms").as_int() >= before_ms);
  BOOST_CHECK_EQUAL(json::encode(member(payload, "tableChanges")),
                    canon(R"([{"type":"ALTER","id":"\"inventory\".\"customers\"","table":)" +
                          doc_customers_table() + "}]"));
  const Value& src = member(payload, "source");
  BOOST_CHECK_EQUAL(names_of(src, false), kSourceFields);
  BOOST_CHECK(member(src, "connector") == Value::string("mysql"));
  BOOST_CHECK(member(src, "name") == Value::string("dbserver1"));
  BOOST_CHECK(member(src, "snapshot") == Value::string("false"));
  BOOST_CHECK(member(src, "db") == Value::string("inventory"));
  BOOST_CHECK(member(src, "table") == Value::string("customers"));
  BOOST_CHECK_EQUAL(member(src, "file").as_string(), *status[0][0]);
  BOOST_CHECK(member(src, "pos").as_int() >= std::stoll(*status[0][1]));
  BOOST_CHECK(member(src, "row") == Value::int64(0));
  BOOST_CHECK(member(src, "thread").type() == Type::Int);  // the DDL's connection
  BOOST_CHECK(member(src, "query").is_null());

  // 2. CREATE of a table of other types, RENAME (an ALTER of the new name) and DROP (no table).
  std::string cols;
  for (const auto& [def, json_text] : kind_columns())
    cols += (cols.empty() ? "" : ", ") + std::string(def);
  // (All at once: each message describes the table as the source's model has it after its own
  // statement, parsed from the DDL, not as information_schema shows it when read.)
  MariaDbServer::exec(conn.get(), "CREATE TABLE kinds (" + cols + ") DEFAULT CHARSET=utf8mb4");
  MariaDbServer::exec(conn.get(), "RENAME TABLE kinds TO kinds2");
  MariaDbServer::exec(conn.get(), "DROP TABLE kinds2");
  auto more = read(mock, "dbserver1", 10);
  BOOST_REQUIRE_MESSAGE(more.size() == 10, more.size() << " schema change messages" << log_tail());
  more.erase(more.begin(), more.begin() + 6);
  const Value& created = member(member(more[1].value, "payload"), "tableChanges");
  BOOST_REQUIRE_EQUAL(created.as_list().size(), 1u);
  BOOST_CHECK(member(created.as_list()[0], "type") == Value::string("CREATE"));
  const Value& table = member(created.as_list()[0], "table");
  BOOST_CHECK(member(table, "defaultCharsetName") == Value::string("utf8mb4"));
  BOOST_CHECK_EQUAL(json::encode(member(table, "primaryKeyColumnNames")), R"(["k"])");
  const auto& columns = member(table, "columns").as_list();
  BOOST_REQUIRE_EQUAL(columns.size(), kind_columns().size());
  for (size_t i = 0; i < columns.size(); ++i) {
    BOOST_CHECK_EQUAL(json::encode(columns[i]), canon(kind_columns()[i].second));
  }
  const Value& renamed = member(member(more[2].value, "payload"), "tableChanges").as_list()[0];
  BOOST_CHECK(member(renamed, "type") == Value::string("ALTER"));
  BOOST_CHECK(member(renamed, "id") == Value::string("\"inventory\".\"kinds2\""));
  BOOST_CHECK_EQUAL(json::encode(member(member(renamed, "table"), "columns")),
                    json::encode(member(table, "columns")));
  BOOST_CHECK_EQUAL(json::encode(member(member(more[3].value, "payload"), "tableChanges")),
                    R"([{"type":"DROP","id":"\"inventory\".\"kinds2\"","table":null}])");
  BOOST_CHECK(member(member(more[3].value, "payload"), "ddl") ==
              Value::string("DROP TABLE `inventory`.`kinds2`"));

  // 3. Rows still flow, with the new column.
  my_exec("INSERT INTO inventory.customers VALUES (1003, 'Edward', 'J', 'Walker', 'e@acme.com')");
  auto rows = read(mock, "dbserver1.inventory.customers", 3);
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  const Value& after = member(member(rows[2].value, "payload"), "after");
  BOOST_CHECK(member(after, "middle_name") == Value::string("J"));

  child.signal(SIGTERM);
  auto r = child.wait(std::chrono::seconds(60));
  BOOST_CHECK_EQUAL(r.exit_code, 0);
}

// The lock-free snapshot reads tables in chunks beside the binlog, as Debezium's incremental
// snapshots do: its reads are marked "incremental".
BOOST_AUTO_TEST_CASE(lock_free_snapshot_reads_are_incremental) {
  KafkaMock mock;
  mock.create_topic("dbserver1.dbz.two", 1);
  mock.create_topic("dbserver1.dbz.all_types", 1);
  my_exec("DROP DATABASE IF EXISTS dbz");
  my_exec("CREATE DATABASE dbz");
  my_exec("CREATE TABLE dbz.two (id INT PRIMARY KEY, v VARCHAR(5))");
  my_exec("CREATE TABLE dbz.all_types (id INT PRIMARY KEY)");
  my_exec("INSERT INTO dbz.two VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  TempDir dir;
  const std::string pipe = dir.file("dbz.pipe");
  write_file(pipe, pipe_text(mock.bootstrap(), dir.str(), "lock_free"));
  Child child({"/bin/sh", "-c", "exec " + sluice_bin() + " run " + pipe + " 2>>" + dir.file("log")},
              pipeline_env("postgres"), dir.str());
  auto two = read(mock, "dbserver1.dbz.two", 3);
  BOOST_REQUIRE_EQUAL(two.size(), 3u);
  for (auto& m : two) {
    const Value& p = member(m.value, "payload");
    const Value& s = member(p, "source");
    BOOST_CHECK(member(p, "op") == Value::string("r"));
    BOOST_CHECK_EQUAL(member(s, "snapshot").as_string(), "incremental");
    BOOST_CHECK(member(s, "server_id") == Value::int64(0));
    BOOST_CHECK(!member(s, "file").as_string().empty());
    BOOST_CHECK(member(p, "transaction").is_null());
  }
  child.signal(SIGTERM);
  auto r = child.wait(std::chrono::seconds(60));
  BOOST_CHECK_EQUAL(r.exit_code, 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace debezium_envelope_test
