// `source mongodb` without a server: BSON -> values, change-stream documents -> events (every
// operation type, in the shapes MongoDB documents), and the source itself on recorded change
// streams and collections (snapshot then stream, resume from a checkpoint, a crash in the middle
// of the snapshot, transient failures, invalidate, drop and rename, dead letters). The last suite
// runs against a real replica set when SLUICE_TEST_MONGODB_URI is set.
#include "operators/mongodb/mongodb_source.h"

#include <mongoc/mongoc.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>
#include <thread>

#include "base/json.h"
#include "base/secrets.h"
#include "base/temporal.h"
#include "dsl/parser.h"
#include "engine/actors/config_builder.h"
#include "mongodb_source_fixture.h"
#include "operators/delta/delta_sink.h"
#include "operators/mongodb/bson_value_decoder.h"
#include "operators/mongodb/change_event_decoder.h"
#include "operators/mongodb/mongo_source_state.h"
#include "operators/mongodb/mongoc_change_stream.h"
#include "operators/mongodb/mongoc_collection_reader.h"
#include "operators/mongodb/mongoc_executor.h"
#include "operators/mongodb/mongodb_source_spec.h"
#include "operators/mongodb/source_failure.h"
#include "support/duckdb_query.h"
#include "support/process.h"

namespace mongodb_source_test {

// ---- helpers ----

const Value& field(const Object& o, const char* name) {
  static const Value missing;
  const Value* v = o.find(intern(name));
  BOOST_REQUIRE_MESSAGE(v != nullptr, std::string("no field ") + name);
  return v != nullptr ? *v : missing;
}

std::string row_json(const Object& o) { return json::encode(Value::object(o)); }

Value dec(const char* text) { return Value::decimal(*Decimal::parse(text)); }

bson_oid_t oid_of(const char* hex) {
  bson_oid_t oid;
  bson_oid_init_from_string(&oid, hex);
  return oid;
}

// A customer document {_id: id, name, balance: Decimal128}.
BsonDoc customer(int32_t id, const char* name, const char* balance = "10.50") {
  bson_decimal128_t d;
  bson_decimal128_from_string(balance, &d);
  return BsonDoc(
      BCON_NEW("_id", BCON_INT32(id), "name", BCON_UTF8(name), "balance", BCON_DECIMAL128(&d)));
}

// {fullDocument: doc, documentKey: {_id: id}}: the body of an insert or a replace.
BsonDoc with_document(const BsonDoc& doc, int32_t id) {
  BsonDoc b;
  BSON_APPEND_DOCUMENT(b.get(), "fullDocument", doc.get());
  bson_t key;
  BSON_APPEND_DOCUMENT_BEGIN(b.get(), "documentKey", &key);
  BSON_APPEND_INT32(&key, "_id", id);
  bson_append_document_end(b.get(), &key);
  return b;
}

BsonDoc key_only(int32_t id) {
  return BsonDoc(BCON_NEW("documentKey", "{", "_id", BCON_INT32(id), "}"));
}

// "op db.table key row" (and " mark" for snapshot reads): one line per event.
std::string line(const Event& e) {
  std::string s = op_code(e.op);
  if (e.source) s += " " + e.source->db + "." + e.source->table;
  if (!e.key.is_null()) s += " " + json::encode(e.key);
  if (e.op != Op::Truncate) s += " " + row_json(e.row);
  return s;
}

std::vector<std::string> lines(const std::vector<Event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) out.push_back(line(e));
  return out;
}

// ---- BSON -> values ----

BOOST_AUTO_TEST_SUITE(mongodb_bson_value_decoder)

BOOST_AUTO_TEST_CASE(every_type_becomes_its_exact_value) {
  bson_oid_t oid = oid_of("65f1a2b3c4d5e6f708091a2b");
  bson_decimal128_t d;
  bson_decimal128_from_string("1234567890.123456789012345678901234", &d);
  const uint8_t raw[] = {0x00, 0xff, 0x10, 0x7f};
  const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
  BsonDoc doc(BCON_NEW("_id", BCON_OID(&oid), "balance", BCON_DECIMAL128(&d), "opened",
                       BCON_DATE_TIME(1709214359123), "born", BCON_DATE_TIME(-86399001), "raw",
                       BCON_BIN(BSON_SUBTYPE_BINARY, raw, 4), "uuid",
                       BCON_BIN(BSON_SUBTYPE_UUID, uuid, 16), "address", "{", "city",
                       BCON_UTF8("Bern"), "lines", "[", BCON_UTF8("a"), BCON_UTF8("b"), "]", "}",
                       "i32", BCON_INT32(-7), "i64", BCON_INT64(9007199254740993LL), "f",
                       BCON_DOUBLE(0.1), "nothing", BCON_NULL, "yes", BCON_BOOL(true), "tags", "[",
                       BCON_INT32(1), "{", "k", BCON_UTF8("v"), "}", "[", "]", "]"));
  auto r = BsonValueDecoder::document(doc.get());
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  const Object& o = r.value();
  BOOST_TEST((field(o, "_id") == Value::string("65f1a2b3c4d5e6f708091a2b")));
  BOOST_TEST((field(o, "balance").type() == Type::Decimal));
  BOOST_TEST(field(o, "balance").as_decimal().to_string() == "1234567890.123456789012345678901234");
  BOOST_TEST(field(o, "balance").as_decimal().scale() == 24);
  BOOST_TEST((field(o, "opened") == Value::timestamp(1709214359123000)));
  BOOST_TEST(temporal::format_timestamp(field(o, "opened").as_micros()) ==
             "2024-02-29T13:45:59.123Z");
  BOOST_TEST((field(o, "born") == Value::timestamp(-86399001000)));
  BOOST_TEST(temporal::format_timestamp(field(o, "born").as_micros()) ==
             "1969-12-31T00:00:00.999Z");
  BOOST_TEST((field(o, "raw") == Value::bytes(std::string("\x00\xff\x10\x7f", 4))));
  BOOST_TEST(
      (field(o, "uuid") == Value::bytes(std::string(reinterpret_cast<const char*>(uuid), 16))));
  BOOST_TEST((field(o, "i32") == Value::int64(-7)));
  BOOST_TEST((field(o, "i64") == Value::int64(9007199254740993LL)));
  BOOST_TEST((field(o, "f") == Value::float64(0.1)));
  BOOST_TEST(field(o, "nothing").is_null());
  BOOST_TEST((field(o, "yes") == Value::boolean(true)));
  // Nesting and order kept, lists of anything.
  BOOST_TEST(json::encode(field(o, "address")) == R"({"city":"Bern","lines":["a","b"]})");
  BOOST_TEST(json::encode(field(o, "tags")) == R"([1,{"k":"v"},[]])");
  std::vector<std::string> names;
  for (const auto& f : o.fields()) names.push_back(sym_name(f.name));
  BOOST_TEST(
      names == (std::vector<std::string>{"_id", "balance", "opened", "born", "raw", "uuid",
                                         "address", "i32", "i64", "f", "nothing", "yes", "tags"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(decimal128_digit_for_digit) {
  auto decimal = [](const char* text) {
    bson_decimal128_t d;
    BOOST_REQUIRE(bson_decimal128_from_string(text, &d));
    return BsonValueDecoder::decimal128(d);
  };
  for (const char* text : {"1234567890.123456789012345678901234", "-0.000001", "1.50", "0",
                           "9999999999999999999999999999999999", "-12345678901234567890.5"}) {
    auto v = decimal(text);
    BOOST_REQUIRE(v.ok());
    BOOST_TEST((v->type() == Type::Decimal));
    BOOST_TEST(v->as_decimal().to_string() == text);
  }
  auto zeros = decimal("0E-10");  // zero with ten digits after the point
  BOOST_REQUIRE(zeros.ok());
  BOOST_TEST(zeros->as_decimal().to_string() == "0.0000000000");
  auto big = decimal("1.2E+5");  // exponent form: the same number, scale 0
  BOOST_REQUIRE(big.ok());
  BOOST_TEST(big->as_decimal().to_string() == "120000");
  auto nan = decimal("NaN");
  BOOST_REQUIRE(nan.ok());
  BOOST_TEST((nan->type() == Type::Float));
  BOOST_TEST(std::isnan(nan->as_float()));
  auto inf = decimal("-Infinity");
  BOOST_REQUIRE(inf.ok());
  BOOST_TEST(inf->as_float() == -INFINITY);
  // Beyond a Sluice decimal: refused, never rounded.
  for (const char* text : {"1E-40", "9.999999999999999999999999999999999E+6144"}) {
    auto v = decimal(text);
    BOOST_REQUIRE(!v.ok());
    BOOST_TEST(v.err().code.qualified() == "mongodb.decode");
    BOOST_TEST(v.err().message.find("not rounded") != std::string::npos, v.err().message);
  }
}

BOOST_AUTO_TEST_CASE(dates_before_1970_and_with_millis) {
  struct Case {
    int64_t ms;
    const char* text;
  };
  for (const Case& c : {Case{-1, "1969-12-31T23:59:59.999Z"}, Case{0, "1970-01-01T00:00:00.000Z"},
                        Case{-86400000LL * 365 * 100, "1870-01-25T00:00:00.000Z"},
                        Case{1709214359001, "2024-02-29T13:45:59.001Z"}}) {
    BsonDoc d(BCON_NEW("t", BCON_DATE_TIME(c.ms)));
    auto r = BsonValueDecoder::document(d.get());
    BOOST_REQUIRE(r.ok());
    BOOST_TEST((field(*r, "t") == Value::timestamp(c.ms * 1000)));
    BOOST_TEST(temporal::format_timestamp(field(*r, "t").as_micros()) == c.text);
  }
  BOOST_TEST(!BsonValueDecoder::date_time(INT64_MAX).ok());
}

BOOST_AUTO_TEST_CASE(types_without_a_value_render_as_extended_json_objects) {
  BsonDoc d(BCON_NEW("re", BCON_REGEX("^a.c$", "im"), "ts", BCON_TIMESTAMP(1700000000, 7), "lo",
                     BCON_MINKEY, "hi", BCON_MAXKEY, "js", BCON_CODE("function(){return 1}"), "sym",
                     BCON_SYMBOL("abc"), "undef", BCON_UNDEFINED));
  auto r = BsonValueDecoder::document(d.get());
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_TEST(row_json(*r) ==
             R"({"re":{"$regularExpression":{"pattern":"^a.c$","options":"im"}},)"
             R"("ts":{"$timestamp":{"t":1700000000,"i":7}},"lo":{"$minKey":1},)"
             R"("hi":{"$maxKey":1},"js":{"$code":"function(){return 1}"},"sym":"abc",)"
             R"("undef":null})");
}

BOOST_AUTO_TEST_CASE(malformed_bson_is_an_error_naming_the_field) {
  BsonDoc d(BCON_NEW("a", "{", "b", "[", BCON_UTF8("ok"), "]", "}"));
  // Turn the string "ok" into invalid UTF-8 in place.
  auto* data = const_cast<uint8_t*>(bson_get_data(d.get()));
  for (uint32_t i = 0; i + 1 < d.get()->len; ++i) {
    if (data[i] == 'o' && data[i + 1] == 'k') data[i] = 0xff;
  }
  auto r = BsonValueDecoder::document(d.get());
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code.qualified() == "mongodb.decode");
  BOOST_TEST(r.err().message == "field a.b.0: string is not valid UTF-8");
  const uint8_t junk[] = {0x05, 0x00, 0x00, 0x00, 0x01};  // a length, then no terminator
  bson_t bad;
  BOOST_REQUIRE(!bson_init_static(&bad, junk, sizeof junk) ||
                !BsonValueDecoder::document(&bad).ok());
}

BOOST_AUTO_TEST_SUITE_END()

// ---- change-stream documents -> events ----

BOOST_AUTO_TEST_SUITE(mongodb_change_event_decoder)

BOOST_AUTO_TEST_CASE(insert_is_a_create_with_the_document_as_the_row) {
  bson_oid_t oid = oid_of("65f1a2b3c4d5e6f708091a2b");
  bson_decimal128_t d;
  bson_decimal128_from_string("1234567890.123456789012345678901234", &d);
  BsonDoc body(BCON_NEW("fullDocument", "{", "_id", BCON_OID(&oid), "balance", BCON_DECIMAL128(&d),
                        "opened", BCON_DATE_TIME(-1), "address", "{", "city", BCON_UTF8("Bern"),
                        "}", "}", "documentKey", "{", "_id", BCON_OID(&oid), "}"));
  BsonDoc ch = change_doc(7, "insert", "bank", "customers", body.get());
  ChangeEventDecoder dec("m", FullDocument::UpdateLookup);
  auto c = dec.decode(ch.get());
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.err().message));
  BOOST_TEST((c->kind == ChangeEvent::Kind::Row));
  const Event& e = c->event;
  BOOST_TEST((e.op == Op::Create));
  BOOST_TEST((e.key == Value::string("65f1a2b3c4d5e6f708091a2b")));
  BOOST_TEST(row_json(e.row) ==
             R"({"_id":"65f1a2b3c4d5e6f708091a2b","balance":1234567890.123456789012345678901234,)"
             R"("opened":"1969-12-31T23:59:59.999Z","address":{"city":"Bern"}})");
  BOOST_TEST(!e.has_before);
  BOOST_REQUIRE(e.source);
  BOOST_TEST(e.source->connector == "mongodb");
  BOOST_TEST(e.source->name == "m");
  BOOST_TEST(e.source->db == "bank");
  BOOST_TEST(e.source->table == "customers");
  BOOST_TEST(e.source->primary_key == std::vector<std::string>{"_id"});
  BOOST_TEST(e.ts == (1700000007LL * 1000 + 123) * 1000);  // wallTime, micros
  BOOST_TEST(json::encode(e.position) ==
             R"({"token":"T00000007","cluster_time":{"t":1700000007,"i":1}})");
  // One SourceMeta per collection, shared by its events.
  auto again = dec.decode(ch.get());
  BOOST_TEST(again->event.source.get() == e.source.get());
}

BOOST_AUTO_TEST_CASE(update_with_the_looked_up_document_and_the_before_image) {
  BsonDoc body(BCON_NEW("documentKey", "{", "_id", BCON_INT32(1), "}", "updateDescription", "{",
                        "updatedFields", "{", "name", BCON_UTF8("Ada L"), "}", "removedFields", "[",
                        "]", "truncatedArrays", "[", "]", "}", "fullDocument", "{", "_id",
                        BCON_INT32(1), "name", BCON_UTF8("Ada L"), "n", BCON_INT64(2), "}",
                        "fullDocumentBeforeChange", "{", "_id", BCON_INT32(1), "name",
                        BCON_UTF8("Ada"), "n", BCON_INT64(1), "}"));
  BsonDoc ch = change_doc(3, "update", "bank", "customers", body.get());
  ChangeEventDecoder dec("m", FullDocument::UpdateLookup);
  auto c = dec.decode(ch.get());
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.err().message));
  BOOST_TEST((c->event.op == Op::Update));
  BOOST_TEST(!c->partial);
  BOOST_TEST((c->event.key == Value::int64(1)));
  BOOST_TEST(row_json(c->event.row) == R"({"_id":1,"name":"Ada L","n":2})");
  BOOST_TEST(c->event.has_before);
  BOOST_TEST(row_json(c->event.before) == R"({"_id":1,"name":"Ada","n":1})");
}

BOOST_AUTO_TEST_CASE(update_without_its_document) {
  BsonDoc body(BCON_NEW("documentKey", "{", "_id", BCON_INT32(1), "}", "updateDescription", "{",
                        "updatedFields", "{", "address.city", BCON_UTF8("Basel"), "n",
                        BCON_INT32(3), "}", "removedFields", "[", BCON_UTF8("nick"), "]",
                        "truncatedArrays", "[", "]", "}", "fullDocument", BCON_NULL));
  BsonDoc ch = change_doc(4, "update", "bank", "customers", body.get());
  // update_lookup: a null document means it was deleted before the lookup; its delete follows.
  ChangeEventDecoder lookup("m", FullDocument::UpdateLookup);
  auto skipped = lookup.decode(ch.get());
  BOOST_REQUIRE(skipped.ok());
  BOOST_TEST((skipped->kind == ChangeEvent::Kind::Skip));
  BOOST_TEST(skipped->note.find("superseded") != std::string::npos);
  // default (or no post-image): a partial row of the changed fields, removed ones null.
  ChangeEventDecoder deltas("m", FullDocument::Default);
  auto c = deltas.decode(ch.get());
  BOOST_REQUIRE(c.ok());
  BOOST_TEST((c->kind == ChangeEvent::Kind::Row));
  BOOST_TEST((c->event.op == Op::Update));
  BOOST_TEST(c->partial);
  BOOST_TEST(row_json(c->event.row) == R"({"_id":1,"address.city":"Basel","n":3,"nick":null})");
  BOOST_TEST((c->event.key == Value::int64(1)));
}

BOOST_AUTO_TEST_CASE(replace_is_an_update_with_the_new_document) {
  BsonDoc body = with_document(customer(2, "Grace", "0.01"), 2);
  BsonDoc ch = change_doc(5, "replace", "bank", "customers", body.get());
  ChangeEventDecoder dec("m", FullDocument::UpdateLookup);
  auto c = dec.decode(ch.get());
  BOOST_REQUIRE(c.ok());
  BOOST_TEST((c->event.op == Op::Update));
  BOOST_TEST(row_json(c->event.row) == R"({"_id":2,"name":"Grace","balance":0.01})");
}

BOOST_AUTO_TEST_CASE(delete_with_and_without_the_before_image) {
  ChangeEventDecoder dec("m", FullDocument::UpdateLookup);
  BsonDoc plain = change_doc(6, "delete", "bank", "customers", key_only(2).get());
  auto a = dec.decode(plain.get());
  BOOST_REQUIRE(a.ok());
  BOOST_TEST((a->event.op == Op::Delete));
  BOOST_TEST((a->event.key == Value::int64(2)));
  BOOST_TEST(row_json(a->event.row) == R"({"_id":2})");  // the documentKey
  BOOST_TEST(!a->event.has_before);
  BsonDoc body(BCON_NEW("documentKey", "{", "_id", BCON_INT32(2), "}", "fullDocumentBeforeChange",
                        "{", "_id", BCON_INT32(2), "name", BCON_UTF8("Grace"), "}"));
  BsonDoc imaged = change_doc(7, "delete", "bank", "customers", body.get());
  auto b = dec.decode(imaged.get());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(row_json(b->event.row) == R"({"_id":2,"name":"Grace"})");
  BOOST_TEST(b->event.has_before);
  BOOST_TEST(row_json(b->event.before) == R"({"_id":2,"name":"Grace"})");
}

BOOST_AUTO_TEST_CASE(drop_rename_drop_database_and_invalidate) {
  ChangeEventDecoder dec("m", FullDocument::UpdateLookup);
  BsonDoc drop = change_doc(8, "drop", "bank", "customers");
  auto d = dec.decode(drop.get());
  BOOST_REQUIRE(d.ok());
  BOOST_TEST((d->kind == ChangeEvent::Kind::Truncate));
  BOOST_TEST((d->event.op == Op::Truncate));
  BOOST_TEST(d->event.source->table == "customers");
  BOOST_TEST(d->event.key.is_null());
  BOOST_TEST(d->event.row.empty());
  BsonDoc to(BCON_NEW("to", "{", "db", BCON_UTF8("bank"), "coll", BCON_UTF8("clients"), "}"));
  BsonDoc rename = change_doc(9, "rename", "bank", "customers", to.get());
  auto r = dec.decode(rename.get());
  BOOST_REQUIRE(r.ok());
  BOOST_TEST((r->kind == ChangeEvent::Kind::Rename));
  BOOST_TEST(r->to_db == "bank");
  BOOST_TEST(r->to_collection == "clients");
  BsonDoc dropdb = change_doc(10, "dropDatabase", "bank", nullptr);
  auto dd = dec.decode(dropdb.get());
  BOOST_REQUIRE(dd.ok());
  BOOST_TEST((dd->kind == ChangeEvent::Kind::DropDatabase));
  BOOST_TEST(dd->db == "bank");
  BsonDoc inval = change_doc(11, "invalidate", nullptr, nullptr);
  auto i = dec.decode(inval.get());
  BOOST_REQUIRE(i.ok());
  BOOST_TEST((i->kind == ChangeEvent::Kind::Invalidate));
  BsonDoc index = change_doc(12, "createIndexes", "bank", "customers");
  auto x = dec.decode(index.get());
  BOOST_REQUIRE(x.ok());
  BOOST_TEST((x->kind == ChangeEvent::Kind::Skip));
}

BOOST_AUTO_TEST_CASE(malformed_change_documents_are_errors_and_dead_letters) {
  ChangeEventDecoder dec("m", FullDocument::UpdateLookup);
  struct Case {
    BsonDoc doc;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back({change_doc(1, "insert", "bank", "customers", key_only(1).get()),
                   "insert on bank.customers: no fullDocument"});
  cases.push_back({change_doc(2, "delete", "bank", "customers"),
                   "delete on bank.customers: no documentKey._id"});
  cases.push_back(
      {change_doc(3, "teleport", "bank", "customers"), "unknown operationType 'teleport'"});
  cases.push_back({change_doc(4, "insert", nullptr, nullptr), "insert: no ns.db and ns.coll"});
  cases.push_back(
      {BsonDoc(BCON_NEW("_id", "{", "_data", BCON_UTF8("T1"), "}")), "no operationType"});
  cases.push_back(
      {BsonDoc(BCON_NEW("operationType", BCON_UTF8("insert"))), "no _id (resume token) document"});
  for (const auto& c : cases) {
    auto r = dec.decode(c.doc.get());
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.err().code.qualified() == "mongodb.decode");
    BOOST_TEST(r.err().message == c.message);
  }
  // The dead letter: the document as canonical extended JSON and as bytes, its namespace and
  // position, code mongodb.decode (kind "decode") and a message naming the change.
  const BsonDoc& bad = cases[2].doc;
  Event e = dec.dead_letter(bad.get(), dec.decode(bad.get()).err());
  BOOST_REQUIRE(e.dead_letter);
  BOOST_TEST(e.dead_letter->code.qualified() == "mongodb.decode");
  BOOST_TEST(e.dead_letter->kind() == "decode");
  BOOST_TEST(e.dead_letter->stage == "m");
  BOOST_TEST(e.dead_letter->message ==
             "teleport on bank.customers: unknown operationType 'teleport' (resume token "
             "T00000003)");
  BOOST_TEST(field(e.row, "document").as_string() == bad.canonical_json());
  BOOST_TEST(field(e.row, "bson").as_string().size() == bad.get()->len);
  BOOST_TEST(e.source->table == "customers");
  BOOST_TEST(json::encode(e.position) ==
             R"({"token":"T00000003","cluster_time":{"t":1700000003,"i":1}})");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the source on recorded streams ----

MongoSourceOptions source_options(const std::string& db, std::vector<std::string> colls) {
  MongoSourceOptions o;
  o.uri = "mongodb://127.0.0.1:1";
  o.database = db;
  o.collections = std::move(colls);
  o.stage = "m";
  o.pipeline = "p";
  return o;
}

std::unique_ptr<MongoSource> fixture_source(const std::shared_ptr<Recording>& rec,
                                            MongoSourceOptions o) {
  return std::make_unique<MongoSource>(std::move(o), std::make_unique<FixtureStream>(rec),
                                       std::make_unique<FixtureCollections>(rec));
}

// Polls `max` at a time until two polls in a row give nothing (or `polls` polls): the events,
// dead letters to `dead`.
std::vector<Event> drain(Source& s, size_t max = 100, int polls = 1000,
                         std::vector<Event>* dead = nullptr) {
  std::vector<Event> out;
  int empty = 0;
  for (int i = 0; i < polls && empty < 2; ++i) {
    const size_t before = out.size();
    auto r = s.poll(max, out);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().describe()));
    if (dead != nullptr) s.take_dead(*dead);
    empty = out.size() == before && *r == Source::Poll::Idle ? empty + 1 : 0;
  }
  return out;
}

// bank.accounts (2 documents) and bank.customers (3), and two changes before the source starts.
std::shared_ptr<Recording> bank_recording() {
  auto rec = std::make_shared<Recording>();
  rec->collections["bank.accounts"] = {
      BsonDoc(BCON_NEW("_id", BCON_INT32(10), "owner", BCON_INT32(1))),
      BsonDoc(BCON_NEW("_id", BCON_INT32(11), "owner", BCON_INT32(2)))};
  rec->collections["bank.customers"] = {customer(1, "Ada"), customer(2, "Grace"),
                                        customer(3, "Linus")};
  rec->add_change("insert", "bank", "customers", with_document(customer(1, "Ada"), 1).get());
  rec->add_change("insert", "bank", "customers", with_document(customer(2, "Grace"), 2).get());
  return rec;
}

// Changes made while the snapshot runs: customer 4 inserted (the snapshot sees it too), 1
// updated, account 11 deleted.
void concurrent_changes(Recording& rec) {
  rec.add_change("insert", "bank", "customers", with_document(customer(4, "Alan"), 4).get());
  rec.collections["bank.customers"].push_back(customer(4, "Alan"));
  BsonDoc upd(BCON_NEW("documentKey", "{", "_id", BCON_INT32(1), "}", "updateDescription", "{",
                       "updatedFields", "{", "name", BCON_UTF8("Ada L"), "}", "removedFields", "[",
                       "]", "}", "fullDocument", "{", "_id", BCON_INT32(1), "name",
                       BCON_UTF8("Ada L"), "}"));
  rec.add_change("update", "bank", "customers", upd.get());
  rec.add_change("delete", "bank", "accounts", key_only(11).get());
}

const std::vector<std::string> kBankSnapshot = {
    R"(r bank.accounts 10 {"_id":10,"owner":1})",
    R"(r bank.accounts 11 {"_id":11,"owner":2})",
    R"(r bank.customers 1 {"_id":1,"name":"Ada","balance":10.50})",
    R"(r bank.customers 2 {"_id":2,"name":"Grace","balance":10.50})",
    R"(r bank.customers 3 {"_id":3,"name":"Linus","balance":10.50})",
    R"(r bank.customers 4 {"_id":4,"name":"Alan","balance":10.50})",
};
const std::vector<std::string> kBankChanges = {
    R"(c bank.customers 4 {"_id":4,"name":"Alan","balance":10.50})",
    R"(u bank.customers 1 {"_id":1,"name":"Ada L"})",
    R"(d bank.accounts 11 {"_id":11})",
};

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

BOOST_AUTO_TEST_SUITE(mongodb_source_fixture)

BOOST_AUTO_TEST_CASE(snapshot_then_the_stream_from_the_point_taken_first) {
  auto rec = bank_recording();
  auto s = fixture_source(rec, source_options("bank", {}));
  BOOST_REQUIRE(s->open("").ok());
  std::vector<Event> out;
  auto r = s->poll(2, out);  // takes the start point, reads the first two documents
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(out.size() == 2u);
  concurrent_changes(*rec);
  auto rest = drain(*s);
  for (auto& e : rest) out.push_back(std::move(e));
  BOOST_TEST(lines(out) == joined(kBankSnapshot, kBankChanges), boost::test_tools::per_element());
  // The stream opened first at "now" (after the two older changes), then reopened after them.
  BOOST_REQUIRE(rec->watched.size() == 2u);
  BOOST_TEST((rec->watched[0].kind == StreamStart::Kind::Now));
  BOOST_TEST(token_number(rec->watched[1].token) == 2);
  // Snapshot marks as Debezium sets them; reads carry the start point, flagged as snapshot.
  std::vector<SnapshotMark> marks;
  for (size_t i = 0; i < 6; ++i) marks.push_back(out[i].snapshot_mark);
  BOOST_TEST((marks == std::vector<SnapshotMark>{SnapshotMark::First, SnapshotMark::LastInTable,
                                                 SnapshotMark::FirstInTable, SnapshotMark::Middle,
                                                 SnapshotMark::Middle, SnapshotMark::Last}));
  BOOST_TEST(json::encode(out[0].position) == R"({"token":"T00000002","snapshot":true})");
  BOOST_TEST((out[6].snapshot_mark == SnapshotMark::None));
  BOOST_TEST(json::encode(out[6].position) ==
             R"({"token":"T00000003","cluster_time":{"t":1700000003,"i":1}})");
  int64_t done = 0, total = 0;
  BOOST_TEST(s->progress(done, total));
  BOOST_TEST(done == 6);
  BOOST_TEST(total == 6);
  BOOST_TEST(s->stats().snapshot_documents == 6u);
  BOOST_TEST(s->stats().changes == 3u);
  BOOST_TEST(s->health().empty());
}

BOOST_AUTO_TEST_CASE(resume_from_a_checkpoint_in_the_stream_without_duplicates_or_gaps) {
  auto rec = bank_recording();
  auto full = fixture_source(rec, source_options("bank", {}));
  BOOST_REQUIRE(full->open("").ok());
  std::vector<Event> first;
  BOOST_REQUIRE(full->poll(3, first).ok());
  concurrent_changes(*rec);
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(full->poll(1, first).ok());
  const std::vector<std::string> expected = lines(first);
  BOOST_REQUIRE(expected == joined(kBankSnapshot, kBankChanges));
  // Again from the same recording, stopping after each number of events in turn.
  rec->now = 2;  // the same timeline: the source starts after the two older changes
  for (size_t cut = 0; cut <= expected.size(); ++cut) {
    rec->watched.clear();
    auto a = fixture_source(rec, source_options("bank", {}));
    BOOST_REQUIRE(a->open("").ok());
    std::vector<Event> got;
    while (got.size() < cut) BOOST_REQUIRE(a->poll(1, got).ok());
    const std::string state = a->checkpoint_state();
    a.reset();  // kill -9: nothing closed, nothing flushed
    auto b = fixture_source(rec, source_options("bank", {}));
    BOOST_REQUIRE(b->open(state).ok());
    for (auto& e : drain(*b, 1)) got.push_back(std::move(e));
    BOOST_TEST(lines(got) == expected, "cut after " << cut << " events");
  }
}

BOOST_AUTO_TEST_CASE(a_crash_in_the_middle_of_the_snapshot_loses_nothing) {
  auto rec = bank_recording();
  auto a = fixture_source(rec, source_options("bank", {}));
  BOOST_REQUIRE(a->open("").ok());
  std::vector<Event> got;
  BOOST_REQUIRE(a->poll(3, got).ok());  // both accounts and customer 1
  concurrent_changes(*rec);
  const std::string state = a->checkpoint_state();
  BOOST_TEST(state.find(R"("phase":"snapshot")") != std::string::npos, state);
  BOOST_TEST(state.find(R"("current":{"db":"bank","coll":"customers"})") != std::string::npos,
             state);
  BOOST_TEST(state.find(R"("done":[{"db":"bank","coll":"accounts"}])") != std::string::npos, state);
  a.reset();
  auto b = fixture_source(rec, source_options("bank", {}));
  BOOST_REQUIRE(b->open(state).ok());
  for (auto& e : drain(*b, 2)) got.push_back(std::move(e));
  // The snapshot goes on after customer 1 (the last _id delivered), then the stream starts at
  // the point taken before the first read: the changes made meanwhile all arrive.
  BOOST_TEST(lines(got) == joined(kBankSnapshot, kBankChanges), boost::test_tools::per_element());
  BOOST_TEST(rec->scans.back() == R"(bank.customers after { "_id" : { "$numberInt" : "1" } })");
  BOOST_TEST(token_number(rec->watched.back().token) == 2);
}

BOOST_AUTO_TEST_CASE(snapshot_never_streams_from_now) {
  auto rec = bank_recording();
  MongoSourceOptions o = source_options("bank", {"customers"});
  o.snapshot = SnapshotMode::Never;
  auto s = fixture_source(rec, o);
  BOOST_REQUIRE(s->open("").ok());
  BOOST_TEST(drain(*s).empty());
  concurrent_changes(*rec);
  BOOST_TEST(lines(drain(*s)) == kBankChanges, boost::test_tools::per_element());
  BOOST_TEST(rec->watched.size() == 1u);  // the stream opened once, kept open
  int64_t done = 0, total = 0;
  BOOST_TEST(!s->progress(done, total));
}

BOOST_AUTO_TEST_CASE(transient_failures_are_retried_and_reported_in_health) {
  auto rec = bank_recording();
  rec->watch_failures = 1;  // the first attempt to take the start point
  rec->scan_errors[1] = error::transient(errc::unreachable, "fixture: connection reset");
  auto s = fixture_source(rec, source_options("bank", {}));
  BOOST_REQUIRE(s->open("").ok());
  std::vector<Event> out;
  auto r = s->poll(100, out);
  BOOST_REQUIRE(r.ok());  // not an error: the source retries by itself
  BOOST_TEST((*r == Source::Poll::Idle));
  BOOST_TEST(s->health().find("reconnecting for") == 0u, s->health());
  BOOST_TEST(s->health().find("No suitable servers found") != std::string::npos);
  rec->now = 2;  // the start point, taken once the server answers
  concurrent_changes(*rec);
  rec->stream_errors[3] = error::transient(errc::unreachable, "fixture: primary stepped down");
  for (int i = 0; i < 600 && out.size() < 9; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    BOOST_REQUIRE(s->poll(100, out).ok());
  }
  BOOST_TEST(lines(out) == joined(kBankSnapshot, kBankChanges), boost::test_tools::per_element());
  BOOST_TEST(s->health().empty());
  BOOST_TEST(s->stats().reconnects == 3u);
}

BOOST_AUTO_TEST_CASE(unreachable_past_reconnect_timeout_is_permanent) {
  auto rec = bank_recording();
  rec->watch_failures = 1000;
  MongoSourceOptions o = source_options("bank", {});
  o.reconnect_timeout_us = 20000;  // 20 ms
  auto s = fixture_source(rec, o);
  BOOST_REQUIRE(s->open("").ok());
  std::vector<Event> out;
  std::optional<error> failed;
  for (int i = 0; i < 500 && !failed; ++i) {
    auto r = s->poll(10, out);
    if (!r.ok()) failed = r.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  BOOST_REQUIRE(failed);
  BOOST_TEST((failed->kind == failure_kind::permanent));
  BOOST_TEST(failed->code.qualified() == "mongodb.unreachable");
  BOOST_TEST(failed->message.find("unreachable for") != std::string::npos, failed->message);
}

BOOST_AUTO_TEST_CASE(invalidate_stops_the_source_saying_what_to_do) {
  auto rec = std::make_shared<Recording>();
  MongoSourceOptions o = source_options("bank", {"customers"});
  o.snapshot = SnapshotMode::Never;
  auto s = fixture_source(rec, o);
  BOOST_REQUIRE(s->open("").ok());
  BOOST_TEST(drain(*s).empty());
  rec->add_change("insert", "bank", "customers", with_document(customer(1, "Ada"), 1).get());
  rec->add_change("drop", "bank", "customers", nullptr);
  rec->add_change("invalidate", nullptr, nullptr, nullptr);
  std::vector<Event> out;
  auto r = s->poll(100, out);  // the insert and the drop go out first
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(lines(out) == (std::vector<std::string>{
                               R"(c bank.customers 1 {"_id":1,"name":"Ada","balance":10.50})",
                               "t bank.customers"}),
             boost::test_tools::per_element());
  const std::string state = s->checkpoint_state();
  auto failed = s->poll(100, out);
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST((failed.err().kind == failure_kind::permanent));
  BOOST_TEST(failed.err().code.qualified() == "mongodb.invalidated");
  const std::string& msg = failed.err().message;
  BOOST_TEST(msg.find("the change stream of collection bank.customers was invalidated after the "
                      "drop of bank.customers") != std::string::npos,
             msg);
  BOOST_TEST(msg.find("watch the database instead") != std::string::npos, msg);
  BOOST_TEST(msg.find("remove the pipeline's checkpoint") != std::string::npos, msg);
  // The checkpoint stays before the invalidate: a restart reports it again.
  BOOST_TEST(state.find("T00000002") != std::string::npos, state);
  BOOST_TEST(s->stats().truncates == 1u);
}

BOOST_AUTO_TEST_CASE(drop_and_rename_in_a_database_stream_go_on) {
  auto rec = std::make_shared<Recording>();
  MongoSourceOptions o = source_options("bank", {});
  o.snapshot = SnapshotMode::Never;
  auto s = fixture_source(rec, o);
  BOOST_REQUIRE(s->open("").ok());
  BOOST_TEST(drain(*s).empty());
  BsonDoc to(BCON_NEW("to", "{", "db", BCON_UTF8("bank"), "coll", BCON_UTF8("clients"), "}"));
  rec->add_change("rename", "bank", "customers", to.get());
  rec->add_change("drop", "bank", "accounts", nullptr);
  rec->add_change("insert", "bank", "clients", with_document(customer(5, "Barbara"), 5).get());
  rec->add_change("createIndexes", "bank", "clients", nullptr);
  BOOST_TEST(
      lines(drain(*s)) ==
          (std::vector<std::string>{
              "t bank.accounts", R"(c bank.clients 5 {"_id":5,"name":"Barbara","balance":10.50})"}),
      boost::test_tools::per_element());
  BOOST_TEST(s->stats().skipped == 1u);
  BOOST_TEST(s->checkpoint_state().find("T00000004") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_undecodable_change_is_a_dead_letter_and_the_stream_goes_on) {
  auto rec = std::make_shared<Recording>();
  MongoSourceOptions o = source_options("bank", {});
  o.snapshot = SnapshotMode::Never;
  auto s = fixture_source(rec, o);
  BOOST_REQUIRE(s->open("").ok());
  BOOST_TEST(drain(*s).empty());
  rec->add_change("insert", "bank", "customers", key_only(1).get());  // no fullDocument
  rec->add_change("insert", "bank", "customers", with_document(customer(2, "Grace"), 2).get());
  std::vector<Event> dead;
  auto out = drain(*s, 100, 1000, &dead);
  BOOST_TEST(lines(out) ==
                 std::vector<std::string>{
                     R"(c bank.customers 2 {"_id":2,"name":"Grace","balance":10.50})"},
             boost::test_tools::per_element());
  BOOST_REQUIRE(dead.size() == 1u);
  BOOST_TEST(dead[0].dead_letter->code.qualified() == "mongodb.decode");
  BOOST_TEST(dead[0].dead_letter->message ==
             "insert on bank.customers: no fullDocument (resume token T00000001)");
  BOOST_TEST(s->checkpoint_state().find("T00000002") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_checkpoint_state_round_trips_exactly) {
  MongoSourceState st;
  st.phase = MongoSourceState::Phase::Snapshot;
  st.resume = StreamStart::after(BsonDoc(BCON_NEW("_data", BCON_UTF8("8265F1A2B3000000012B"))));
  st.done = {{"bank", "accounts"}};
  st.current = {"bank", "customers.archive"};
  bson_decimal128_t d;
  bson_decimal128_from_string("1.50", &d);
  st.after = BsonDoc(BCON_NEW("_id", BCON_DECIMAL128(&d)));
  st.read = 1200;
  const std::string text = st.encode();
  auto back = MongoSourceState::decode(text);
  BOOST_REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.err().message));
  BOOST_TEST(back->encode() == text);
  BOOST_TEST(back->after.canonical_json() == R"({ "_id" : { "$numberDecimal" : "1.50" } })");
  BOOST_TEST(back->current.coll == "customers.archive");
  auto at =
      MongoSourceState::decode(R"({"version":1,"phase":"stream","resume":{"t":1700000000,"i":3}})");
  BOOST_REQUIRE(at.ok());
  BOOST_TEST((at->resume.kind == StreamStart::Kind::AtOperationTime));
  BOOST_TEST(at->resume.i == 3u);
  auto bad = MongoSourceState::decode(R"({"phase":"later"})");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.err().code.qualified() == "mongodb.bad_state");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- options, libmongoc requests and failures (no server) ----

struct ParsedSource {
  ast::File file;
  dsl::Diagnostics diags;
};

result<StageConfig> source_config(const std::string& opts, std::shared_ptr<ParsedSource>& keep) {
  keep = std::make_shared<ParsedSource>();
  const std::string text =
      "pipeline p {\n source mongodb m {\n" + opts + "\n }\n sink null n from m { }\n}\n";
  keep->file = dsl::parse("t.pipe", text, keep->diags);
  BOOST_REQUIRE_MESSAGE(!keep->diags.has_errors(), keep->diags.format("t.pipe", text));
  dsl::KindSpec spec = bound_source_spec().spec();
  return engine::ConfigBuilder::stage("p", keep->file.pipelines.at(0).stages.at(0), &spec, "");
}

BOOST_AUTO_TEST_SUITE(mongodb_source_options)

BOOST_AUTO_TEST_CASE(options_bind_to_their_fields_and_the_password_is_a_secret) {
  std::shared_ptr<ParsedSource> keep;
  auto cfg = source_config(
      "uri = \"mongodb://cdc:Pw-9f3k%40x@127.0.0.1:1/?replicaSet=rs0\"\n database = \"bank\"\n"
      "collections = [\"customers\", \"accounts\"]\n snapshot = never\n"
      "full_document = default\n before_images = false\n batch_size = 500\n"
      "reconnect_timeout = 30s\n dead_letter = dlq",
      keep);
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? "" : cfg.err().message));
  auto o = MongoSourceOptions::from_config(*cfg);
  BOOST_REQUIRE_MESSAGE(o.ok(), (o.ok() ? "" : o.err().message));
  BOOST_TEST(o->database == "bank");
  BOOST_TEST(o->collections == (std::vector<std::string>{"customers", "accounts"}),
             boost::test_tools::per_element());
  BOOST_TEST((o->snapshot == SnapshotMode::Never));
  BOOST_TEST((o->full_document == FullDocument::Default));
  BOOST_TEST(!o->before_images);
  BOOST_TEST(o->batch_size == 500);
  BOOST_TEST(o->reconnect_timeout_us == 30000000);
  BOOST_TEST(o->dead_letter == "dlq");
  BOOST_TEST(secrets::redact("login Pw-9f3k@x failed") == "login *** failed");
  BOOST_TEST(secrets::redact("uri Pw-9f3k%40x") == "uri ***");
  // Defaults.
  auto d = source_config("uri = \"mongodb://127.0.0.1:1\"", keep);
  BOOST_REQUIRE(d.ok());
  auto od = MongoSourceOptions::from_config(*d);
  BOOST_REQUIRE(od.ok());
  BOOST_TEST(od->database.empty());  // the deployment
  BOOST_TEST((od->snapshot == SnapshotMode::Initial));
  BOOST_TEST((od->full_document == FullDocument::UpdateLookup));
  BOOST_TEST(od->before_images);
  BOOST_TEST(od->batch_size == 1000);
  BOOST_TEST(od->reconnect_timeout_us == 600000000);
}

BOOST_AUTO_TEST_CASE(collections_need_a_database) {
  std::shared_ptr<ParsedSource> keep;
  auto cfg = source_config("uri = \"mongodb://127.0.0.1:1\"\n collections = [\"customers\"]", keep);
  BOOST_REQUIRE(cfg.ok());
  auto o = MongoSourceOptions::from_config(*cfg);
  BOOST_REQUIRE(!o.ok());
  BOOST_TEST(o.err().message ==
             "source mongodb m: `collections` needs `database` (the database "
             "they are in)");
}

BOOST_AUTO_TEST_CASE(the_change_stream_request) {
  MongocChangeStream::Settings s{{"bank", {"customers", "accounts"}},
                                 FullDocument::UpdateLookup,
                                 true,
                                 500,
                                 "source mongodb m: "};
  BOOST_TEST(MongocChangeStream::pipeline(s.scope).canonical_json() ==
             R"({ "pipeline" : [ { "$match" : { "$or" : [ { "ns.coll" : { "$in" : [ "customers", )"
             R"("accounts" ] } }, { "to.coll" : { "$in" : [ "customers", "accounts" ] } }, { )"
             R"("operationType" : { "$in" : [ "dropDatabase", "invalidate" ] } } ] } } ] })");
  BOOST_TEST(MongocChangeStream::pipeline({"bank", {"customers"}}).canonical_json() ==
             R"({ "pipeline" : [  ] })");
  BOOST_TEST(MongocChangeStream::options(s, StreamStart::after(token_doc(5))).canonical_json() ==
             R"({ "fullDocument" : "updateLookup", "fullDocumentBeforeChange" : "whenAvailable", )"
             R"("resumeAfter" : { "_data" : "T00000005" }, "batchSize" : { "$numberInt" : )"
             R"("500" }, "maxAwaitTimeMS" : { "$numberLong" : "250" } })");
  s.full_document = FullDocument::Default;
  s.before_images = false;
  BOOST_TEST(MongocChangeStream::options(s, StreamStart::at(1700000000, 2)).canonical_json() ==
             R"({ "startAtOperationTime" : { "$timestamp" : { "t" : 1700000000, "i" : 2 } }, )"
             R"("batchSize" : { "$numberInt" : "500" }, "maxAwaitTimeMS" : { "$numberLong" : )"
             R"("250" } })");
  BsonDoc after(BCON_NEW("_id", BCON_INT32(7)));
  BOOST_TEST(MongocCollectionReader::find_options(1000, after).canonical_json() ==
             R"({ "sort" : { "_id" : { "$numberInt" : "1" } }, "hint" : { "_id" : { "$numberInt" )"
             R"(: "1" } }, "min" : { "_id" : { "$numberInt" : "7" } }, "batchSize" : { )"
             R"("$numberInt" : "1000" }, "readConcern" : { "level" : "majority" } })");
}

BOOST_AUTO_TEST_CASE(libmongoc_errors_become_transient_permanent_or_fatal) {
  auto fail = [](uint32_t domain, uint32_t code, const char* msg) {
    bson_error_t e;
    bson_set_error(&e, domain, code, "%s", msg);
    return source_failure(e, nullptr, "source mongodb m: ");
  };
  error lost = fail(MONGOC_ERROR_SERVER, 286,
                    "Resume of change stream was not possible, as the resume point may no longer "
                    "be in the oplog.");
  BOOST_TEST((lost.kind == failure_kind::permanent));
  BOOST_TEST(lost.code.qualified() == "mongodb.history_lost");
  BOOST_TEST(lost.message.find("replSetResizeOplog") != std::string::npos, lost.message);
  error single =
      fail(MONGOC_ERROR_SERVER, 40573, "The $changeStream stage is only supported on replica sets");
  BOOST_TEST((single.kind == failure_kind::permanent));
  BOOST_TEST(single.code.qualified() == "mongodb.not_replica_set");
  error old = fail(MONGOC_ERROR_SERVER, 40415,
                   "BSON field '$changeStream.fullDocumentBeforeChange' is an unknown field.");
  BOOST_TEST((old.kind == failure_kind::permanent));
  BOOST_TEST(old.message.find("before_images = false") != std::string::npos, old.message);
  error denied = fail(MONGOC_ERROR_SERVER, 13, "not authorized on bank to execute command");
  BOOST_TEST((denied.kind == failure_kind::fatal));
  BOOST_TEST(denied.code.qualified() == "mongodb.denied");
  BOOST_TEST(denied.message.find("changeStream") != std::string::npos);
  for (auto [domain, code] :
       {std::pair<uint32_t, uint32_t>{MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET},
        {MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE},
        {MONGOC_ERROR_SERVER, 10107},
        {MONGOC_ERROR_SERVER, 43}}) {
    error e = fail(domain, code, "connection closed");
    BOOST_TEST((e.kind == failure_kind::transient), domain << "/" << code);
  }
  secrets::add("Zq-secret-77");
  error red = fail(MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_CONNECT,
                   "Failed to connect to mongodb://u:Zq-secret-77@db:27017");
  BOOST_TEST(red.message.find("Zq-secret-77") == std::string::npos, red.message);
}

BOOST_AUTO_TEST_CASE(no_server_is_a_transient_failure_reported_in_health) {
  std::shared_ptr<ParsedSource> keep;
  auto cfg = source_config(
      "uri = \"mongodb://cdc:Kx-77-pass@127.0.0.1:1/?serverSelectionTimeoutMS=200&"
      "connectTimeoutMS=200\"\n database = \"bank\"",
      keep);
  BOOST_REQUIRE(cfg.ok());
  auto s = MongoSource::make(*cfg);
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.err().message));
  BOOST_REQUIRE((*s)->open("").ok());  // open() does not connect
  std::vector<Event> out;
  auto r = (*s)->poll(10, out);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().describe()));
  BOOST_TEST((*r == Source::Poll::Idle));
  const std::string h = (*s)->health();
  BOOST_TEST(h.find("reconnecting for") == 0u, h);
  BOOST_TEST(h.find("Kx-77-pass") == std::string::npos, h);
  (*s)->close();
  auto bad = source_config("uri = \"mongodb://\"", keep);
  BOOST_REQUIRE(bad.ok());
  auto refused = MongoSource::make(*bad);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST((refused.err().kind == failure_kind::fatal));
  BOOST_TEST(refused.err().message.find("invalid uri") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- a real replica set (SLUICE_TEST_MONGODB_URI) ----

const char* source_server_uri() { return std::getenv("SLUICE_TEST_MONGODB_URI"); }

// Runs only when SLUICE_TEST_MONGODB_URI is set (a replica set or a sharded cluster); otherwise
// the case says so in the log and returns.
bool has_source_server() {
  if (source_server_uri() != nullptr && *source_server_uri() != '\0') return true;
  BOOST_TEST_MESSAGE("SLUICE_TEST_MONGODB_URI is not set: real-server test skipped");
  return false;
}

// A collection of database sluice_test on the server, dropped at the end.
struct ServerCollection {
  mongoc_client_t* client = nullptr;
  mongoc_collection_t* coll = nullptr;
  std::string name;
  explicit ServerCollection(std::string n) : name(std::move(n)) {
    ensure_mongoc_init();
    client = mongoc_client_new(source_server_uri());
    coll = mongoc_client_get_collection(client, "sluice_test", name.c_str());
  }
  ~ServerCollection() {
    mongoc_collection_drop(coll, nullptr);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
  }
  void insert(const BsonDoc& d) {
    bson_error_t err;
    BOOST_REQUIRE_MESSAGE(mongoc_collection_insert_one(coll, d.get(), nullptr, nullptr, &err),
                          err.message);
  }
  // Pre- and post-images on (MongoDB 6.0+); false when the server refuses.
  bool enable_images() {
    bson_error_t err;
    mongoc_database_t* db = mongoc_client_get_database(client, "sluice_test");
    BsonDoc create(BCON_NEW("create", BCON_UTF8(name.c_str())));
    mongoc_database_command_simple(db, create.get(), nullptr, nullptr, &err);
    BsonDoc mod(BCON_NEW("collMod", BCON_UTF8(name.c_str()), "changeStreamPreAndPostImages", "{",
                         "enabled", BCON_BOOL(true), "}"));
    const bool ok = mongoc_database_command_simple(db, mod.get(), nullptr, nullptr, &err);
    mongoc_database_destroy(db);
    return ok;
  }
};

// Polls until `n` events arrived (or 30 s passed).
std::vector<Event> poll_until(Source& s, size_t n) {
  std::vector<Event> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto r = s.poll(100, out);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().describe()));
    if (*r == Source::Poll::Idle) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

std::unique_ptr<Source> server_source(const std::string& coll, bool images,
                                      std::shared_ptr<ParsedSource>& keep) {
  setenv("SLUICE_T_SOURCE_URI", source_server_uri(), 1);
  auto cfg = source_config(
      "uri = env(\"SLUICE_T_SOURCE_URI\")\n database = \"sluice_test\"\n"
      "collections = [\"" +
          coll + "\"]\n before_images = " + (images ? "true" : "false"),
      keep);
  BOOST_REQUIRE(cfg.ok());
  auto s = MongoSource::make(*cfg);
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.err().message));
  return std::move(s).value();
}

BOOST_AUTO_TEST_SUITE(mongodb_source_server)

BOOST_AUTO_TEST_CASE(snapshot_changes_resume_and_drop_on_a_replica_set) {
  if (!has_source_server()) return;
  const std::string name =
      "src_" + std::to_string(::getpid()) + "_" + std::to_string(temporal::now_micros() % 1000000);
  ServerCollection c(name);
  const bool images = c.enable_images();
  bson_decimal128_t d;
  bson_decimal128_from_string("1234567890.123456789012345678901234", &d);
  for (int32_t id = 1; id <= 3; ++id) {
    c.insert(BsonDoc(BCON_NEW("_id", BCON_INT32(id), "balance", BCON_DECIMAL128(&d), "at",
                              BCON_DATE_TIME(-1), "n", BCON_INT32(id))));
  }
  std::shared_ptr<ParsedSource> keep;
  auto s = server_source(name, images, keep);
  BOOST_REQUIRE(s->open("").ok());
  auto snap = poll_until(*s, 3);
  BOOST_REQUIRE(snap.size() == 3u);
  BOOST_TEST(line(snap[0]) == "r sluice_test." + name +
                                  R"( 1 {"_id":1,"balance":1234567890.123456789012345678901234,)"
                                  R"("at":"1969-12-31T23:59:59.999Z","n":1})");
  c.insert(BsonDoc(BCON_NEW("_id", BCON_INT32(4), "n", BCON_INT32(4))));
  BsonDoc sel(BCON_NEW("_id", BCON_INT32(1)));
  BsonDoc upd(BCON_NEW("$set", "{", "n", BCON_INT32(10), "}"));
  BOOST_REQUIRE(
      mongoc_collection_update_one(c.coll, sel.get(), upd.get(), nullptr, nullptr, nullptr));
  BsonDoc gone(BCON_NEW("_id", BCON_INT32(2)));
  BOOST_REQUIRE(mongoc_collection_delete_one(c.coll, gone.get(), nullptr, nullptr, nullptr));
  auto changes = poll_until(*s, 3);
  BOOST_REQUIRE(changes.size() == 3u);
  BOOST_TEST(line(changes[0]) == "c sluice_test." + name + R"( 4 {"_id":4,"n":4})");
  BOOST_TEST((changes[1].op == Op::Update));
  BOOST_TEST(json::encode(field(changes[1].row, "n")) == "10");
  BOOST_TEST((changes[2].op == Op::Delete));
  BOOST_TEST((changes[2].key == Value::int64(2)));
  if (images) {
    BOOST_TEST(changes[1].has_before);
    BOOST_TEST(changes[2].has_before);
    BOOST_TEST(json::encode(field(changes[2].row, "n")) == "2");
  }
  // A new source from the checkpoint continues after the delete: nothing twice, nothing lost.
  const std::string state = s->checkpoint_state();
  s->close();
  c.insert(BsonDoc(BCON_NEW("_id", BCON_INT32(5), "n", BCON_INT32(5))));
  auto again = server_source(name, images, keep);
  BOOST_REQUIRE(again->open(state).ok());
  auto more = poll_until(*again, 1);
  BOOST_REQUIRE(more.size() == 1u);
  BOOST_TEST(line(more[0]) == "c sluice_test." + name + R"( 5 {"_id":5,"n":5})");
  // Dropping the collection: a truncate event, then the invalidated stream stops the source.
  mongoc_collection_drop(c.coll, nullptr);
  auto dropped = poll_until(*again, 1);
  BOOST_REQUIRE(dropped.size() == 1u);
  BOOST_TEST((dropped[0].op == Op::Truncate));
  std::vector<Event> out;
  std::optional<error> stopped;
  for (int i = 0; i < 500 && !stopped; ++i) {
    auto r = again->poll(100, out);
    if (!r.ok()) stopped = r.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_REQUIRE(stopped);
  BOOST_TEST(stopped->code.qualified() == "mongodb.invalidated");
  again->close();
}

BOOST_AUTO_TEST_SUITE_END()

// source mongodb -> sink delta (mode upsert), the lake path of issue 23 without a server: the
// recorded snapshot and changes through the source, each collection into its Delta table, read
// back by DuckDB.
BOOST_AUTO_TEST_SUITE(mongodb_to_delta)

BOOST_AUTO_TEST_CASE(recorded_changes_become_delta_tables_read_back_by_duckdb) {
  namespace delta = sluice::operators::delta;
  auto rec = bank_recording();
  auto s = fixture_source(rec, source_options("bank", {}));
  BOOST_REQUIRE(s->open("").ok());
  std::vector<Event> events;
  BOOST_REQUIRE(s->poll(2, events).ok());
  concurrent_changes(*rec);
  for (auto& e : drain(*s)) events.push_back(std::move(e));
  sluice::test::TempDir lake;
  std::map<std::string, std::unique_ptr<delta::DeltaSink>> sinks;
  for (Event& e : events) {
    auto& sink = sinks[e.source->table];
    if (!sink) {
      delta::DeltaOptions o;
      o.path_constant = lake.file(e.source->table);
      o.mode = delta::Mode::Upsert;
      o.app_id = "sluice/p/" + e.source->table;
      sink = std::make_unique<delta::DeltaSink>(std::move(o));
      BOOST_REQUIRE(sink->open(""));
    }
    std::vector<Event> one{e};
    std::vector<Event> dead;
    BOOST_REQUIRE(sink->write(one, dead));
    BOOST_TEST(dead.empty());
  }
  for (auto& [table, sink] : sinks) {
    BOOST_REQUIRE(sink->checkpoint(1).ok());
    sink->checkpoint_committed(1);
  }
  auto rows = [&](const std::string& table, const std::string& cols) {
    auto r =
        sluice::test::duckdb_query("SELECT concat_ws('|', " + cols + ") AS r FROM read_parquet('" +
                                   lake.file(table) + "/*.parquet') ORDER BY 1");
    std::vector<std::string> out;
    for (const Value& row : r.as_list())
      out.push_back(row.as_object().find(intern("r"))->as_string());
    return out;
  };
  // One live file per table (a single commit of new rows): the directory's files are the table.
  BOOST_TEST(
      rows("customers",
           "\"_id\", name, coalesce(CAST(balance AS VARCHAR), '-'), "
           "cdc_operation") == (std::vector<std::string>{"1|Ada L|-|u", "2|Grace|10.50|r",
                                                         "3|Linus|10.50|r", "4|Alan|10.50|c"}),
      boost::test_tools::per_element());
  BOOST_TEST(rows("accounts", "\"_id\", owner") == std::vector<std::string>{"10|1"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mongodb_source_test
