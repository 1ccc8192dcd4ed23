// sluice reconcile of a MongoDB source against a Delta upsert table: recorded collections
// (FixtureCollections: ObjectId and int _ids, Decimal128, dates, nested documents, arrays) are
// read by the real source and written by the real delta sink; then the collections change
// behind the pipeline's back (2 updates, 1 delete, 3 inserts): reconcile reports exactly those
// _ids, --repair sends them through the sink, the table is in sync again and DuckDB reads the
// documents back. The same into a PostgreSQL upsert table written by the real postgres sink (a
// private server), and against a real MongoDB server behind SLUICE_TEST_MONGODB_URI.
#include <bson/bson.h>
#include <mongoc/mongoc.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "integration/ods_support.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/delta_sink.h"
#include "operators/mongodb/mongodb_source.h"
#include "operators/postgres/postgres_sink.h"
#include "operators/registry.h"
#include "reconcile/reconcile_job.h"
#include "support/duckdb_query.h"
#include "support/process.h"
#include "unit/mongodb/mongodb_source_fixture.h"

namespace reconcile_mongo_test {

using namespace mongodb_source_test;
using sluice::test::TempDir;
namespace rc = sluice::reconcile;
namespace delta = sluice::operators::delta;
namespace pgs = sluice::operators::postgres;

const char* const kOid[] = {"65a000000000000000000001", "65a000000000000000000002",
                            "65a000000000000000000003", "65a000000000000000000004"};

// shop.customers: {_id: ObjectId, name, balance: Decimal128, born: date, address: {city, zip},
// tags: [..]}.
BsonDoc customer(const char* oid, const char* name, const char* balance, const char* city) {
  bson_oid_t id;
  bson_oid_init_from_string(&id, oid);
  bson_decimal128_t dec;
  bson_decimal128_from_string(balance, &dec);
  return BsonDoc(BCON_NEW("_id", BCON_OID(&id), "name", BCON_UTF8(name), "balance",
                          BCON_DECIMAL128(&dec), "born", BCON_DATE_TIME(315532800123), "address",
                          "{", "city", BCON_UTF8(city), "zip", BCON_INT32(1000), "}", "tags", "[",
                          BCON_UTF8("a"), BCON_UTF8("b"), "]"));
}

// shop.orders: {_id: int, item, qty, at: date}.
BsonDoc order(int64_t id, const char* item, int32_t qty) {
  return BsonDoc(BCON_NEW("_id", BCON_INT64(id), "item", BCON_UTF8(item), "qty", BCON_INT32(qty),
                          "at", BCON_DATE_TIME(1700000000000 + id)));
}

std::shared_ptr<Recording> shop() {
  auto rec = std::make_shared<Recording>();
  auto& c = rec->collections["shop.customers"];
  for (int i = 0; i < 3; ++i) c.push_back(customer(kOid[i], "c", "10.50", "Oslo"));
  auto& o = rec->collections["shop.orders"];
  for (int i = 1; i <= 4; ++i) o.push_back(order(i, "pen", i));
  return rec;
}

// The pipeline the tables were written by: one `sink delta` per collection under `lake`.
std::string pipeline_text(const std::string& lake) {
  return "pipeline p {\n"
         "  source mongodb m { uri = \"mongodb://127.0.0.1:1\"  database = \"shop\" }\n"
         "  sink delta lake from m { path = \"" +
         lake + "/\" + @table  mode = upsert }\n}\n";
}

// The pipeline the PostgreSQL tables were written by: `sink postgres ods` into `schema`.
std::string pg_pipeline_text(const std::string& schema) {
  return "pipeline p {\n"
         "  source mongodb m { uri = \"mongodb://127.0.0.1:1\"  database = \"shop\" }\n"
         "  sink postgres ods from m { url = \"" +
         sluice::test::ods::pg().url() + "\"  table = \"" + schema +
         ".\" + @table  mode = upsert }\n}\n";
}

// The events the real source emits for the recorded collections (the snapshot).
std::vector<Event> source_events(const std::shared_ptr<Recording>& rec) {
  MongoSourceOptions o;
  o.uri = "mongodb://127.0.0.1:1";
  o.database = "shop";
  o.stage = "m";
  o.pipeline = "p";
  MongoSource s(o, std::make_unique<FixtureStream>(rec), std::make_unique<FixtureCollections>(rec));
  BOOST_REQUIRE(s.open("").ok());
  std::vector<Event> events;
  for (int i = 0; i < 50; ++i) BOOST_REQUIRE(s.poll(100, events).ok());
  return events;
}

// Runs the recorded collections through the real source and delta sink (stage `lake` of
// pipeline p).
void write_lake(const std::shared_ptr<Recording>& rec, const std::string& lake) {
  std::vector<Event> events = source_events(rec);
  std::map<std::string, std::unique_ptr<delta::DeltaSink>> sinks;
  for (const Event& e : events) {
    auto& sink = sinks[e.source->table];
    if (!sink) {
      delta::DeltaOptions d;
      d.path_constant = lake + "/" + e.source->table;
      d.mode = delta::Mode::Upsert;
      d.app_id = "sluice/p/lake";
      sink = std::make_unique<delta::DeltaSink>(std::move(d));
      BOOST_REQUIRE(sink->open(""));
    }
    std::vector<Event> one{e}, dead;
    BOOST_REQUIRE(sink->write(one, dead));
    BOOST_TEST(dead.empty());
  }
  for (auto& [table, sink] : sinks) {
    BOOST_REQUIRE(sink->checkpoint(1).ok());
    sink->checkpoint_committed(1);
  }
}

// Runs the recorded collections through the real source and the real postgres sink (stage
// `ods` of pipeline p, upsert, tables created) into `schema`.<collection>.
void write_postgres(const std::shared_ptr<Recording>& rec, const std::string& schema) {
  std::map<std::string, std::unique_ptr<pgs::PostgresSink>> sinks;
  for (const Event& e : source_events(rec)) {
    auto& sink = sinks[e.source->table];
    if (!sink) {
      pgs::SinkOptions so;
      so.url = sluice::test::ods::pg().url();
      so.mode = pgs::Mode::Upsert;
      so.batch_pipelined = false;
      so.pipeline = "p";
      so.table_constant = schema + "." + e.source->table;
      so.stage = "ods_" + e.source->table;
      sink = std::make_unique<pgs::PostgresSink>(std::move(so));
      auto opened = sink->open("");
      BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? std::string() : opened.err().message));
    }
    std::vector<Event> one{e}, dead;
    auto w = sink->write(one, dead);
    BOOST_REQUIRE_MESSAGE(w.ok(), (w.ok() ? std::string() : w.err().message));
    BOOST_TEST(dead.empty());
  }
  for (auto& [table, sink] : sinks) {
    auto c = sink->checkpoint(1);
    BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.err().message));
    sink->checkpoint_committed(1);
    sink->close();
  }
}

struct Found {
  std::map<std::string, rc::TableDiff> diffs;  // "shop.orders" -> its diff
  std::map<std::string, bool> after_repair;
  rc::ReconcileStatus status = rc::ReconcileStatus::Failed;
  std::string message;
};

Found run_reconcile_text(const std::shared_ptr<Recording>& rec, const std::string& text,
                         bool repair) {
  auto loaded = sluice::dsl::load_text("p.sluice", text, sluice::operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), sluice::dsl::format(loaded));
  rc::ReconcileOptions o;
  o.repair = repair;
  o.mongo_reader =
      [rec](const MongoSourceOptions&) -> sluice::result<std::unique_ptr<CollectionReader>> {
    return std::unique_ptr<CollectionReader>(new FixtureCollections(rec));
  };
  Found f;
  rc::ReconcileObserver obs;
  obs.skipped_sink = [](const std::string&) {};
  obs.compared = [&](const rc::TablePair& pr, const rc::TableDiff& d) {
    f.diffs[pr.db + "." + pr.table] = d;
  };
  obs.repairing = [](const std::string&, const std::string&, size_t) {};
  obs.after_repair = [&](const rc::TablePair& pr, bool in_sync) {
    f.after_repair[pr.db + "." + pr.table] = in_sync;
  };
  auto r = rc::reconcile_file(loaded.file, o, obs);
  f.status = r.status;
  f.message = r.message;
  return f;
}

Found run_reconcile(const std::shared_ptr<Recording>& rec, const std::string& lake, bool repair) {
  return run_reconcile_text(rec, pipeline_text(lake), repair);
}

std::vector<std::string> keys(const std::vector<std::vector<std::string>>& ks) {
  std::vector<std::string> out;
  for (const auto& k : ks) out.push_back(k.empty() ? "?" : k[0]);
  std::sort(out.begin(), out.end());
  return out;
}

// The current rows of a Delta table (its live files) read by DuckDB: `sel` ordered by _id.
std::vector<std::string> lake_rows(const std::string& dir, const std::string& sel) {
  delta::DeltaLog log(dir);
  if (!log.load() || log.live().empty()) return {};
  std::string files;
  for (const auto& [path, f] : log.live())
    files += (files.empty() ? "'" : ", '") + dir + "/" + path + "'";
  auto r = sluice::test::duckdb_query("SELECT " + sel + " AS r FROM read_parquet([" + files +
                                      "], union_by_name = true) ORDER BY \"_id\"");
  std::vector<std::string> out;
  for (const Value& row : r.as_list())
    out.push_back(row.as_object().find(intern("r"))->as_string());
  return out;
}

// 2 updates, 1 delete, 3 inserts.
void change_behind_the_pipeline(Recording& rec) {
  auto& c = rec.collections["shop.customers"];
  c[1] = customer(kOid[1], "c2", "11.25", "Bergen");
  c.push_back(customer(kOid[3], "new", "0.01", "Rome"));
  auto& o = rec.collections["shop.orders"];
  o[0] = order(1, "ink", 9);
  o.erase(o.begin() + 2);  // _id 3
  o.push_back(order(5, "pad", 5));
  o.push_back(order(6, "cap", 6));
}

}  // namespace reconcile_mongo_test

BOOST_AUTO_TEST_SUITE(reconcile_mongo)

using namespace reconcile_mongo_test;

BOOST_AUTO_TEST_CASE(delta_table_reports_exactly_the_changed_ids_and_repairs_them) {
  TempDir lake;
  auto rec = shop();
  write_lake(rec, lake.str());
  auto same = run_reconcile(rec, lake.str(), false);
  BOOST_REQUIRE_MESSAGE(same.status == rc::ReconcileStatus::InSync, same.message);
  BOOST_TEST(same.diffs.size() == 2u);
  BOOST_TEST(same.diffs["shop.orders"].source_rows == 4u);
  BOOST_TEST(same.diffs["shop.orders"].target_rows == 4u);

  change_behind_the_pipeline(*rec);
  auto found = run_reconcile(rec, lake.str(), false);
  BOOST_REQUIRE_MESSAGE(found.status == rc::ReconcileStatus::Differs, found.message);
  const auto& cu = found.diffs["shop.customers"];
  const auto& od = found.diffs["shop.orders"];
  BOOST_TEST(keys(cu.missing) == std::vector<std::string>{kOid[3]},
             boost::test_tools::per_element());
  BOOST_TEST(keys(cu.different) == std::vector<std::string>{kOid[1]},
             boost::test_tools::per_element());
  BOOST_TEST(cu.extra.empty());
  BOOST_TEST(keys(od.missing) == (std::vector<std::string>{"5", "6"}),
             boost::test_tools::per_element());
  BOOST_TEST(keys(od.different) == std::vector<std::string>{"1"}, boost::test_tools::per_element());
  BOOST_TEST(keys(od.extra) == std::vector<std::string>{"3"}, boost::test_tools::per_element());

  auto repaired = run_reconcile(rec, lake.str(), true);
  BOOST_REQUIRE_MESSAGE(repaired.status == rc::ReconcileStatus::InSync, repaired.message);
  BOOST_TEST(repaired.after_repair["shop.customers"]);
  BOOST_TEST(repaired.after_repair["shop.orders"]);
  auto again = run_reconcile(rec, lake.str(), false);
  BOOST_TEST((again.status == rc::ReconcileStatus::InSync));

  if (!sluice::test::duckdb_installed()) return;
  BOOST_TEST(lake_rows(lake.file("orders"),
                       "concat_ws('|', \"_id\", item, qty, epoch_ms(\"at\"::TIMESTAMP))") ==
                 (std::vector<std::string>{"1|ink|9|1700000000001", "2|pen|2|1700000000002",
                                           "4|pen|4|1700000000004", "5|pad|5|1700000000005",
                                           "6|cap|6|1700000000006"}),
             boost::test_tools::per_element());
  BOOST_TEST(
      lake_rows(lake.file("customers"),
                "concat_ws('|', \"_id\", name, CAST(balance AS VARCHAR), address, tags)") ==
          (std::vector<std::string>{
              std::string(kOid[0]) + "|c|10.50|{\"city\":\"Oslo\",\"zip\":1000}|[\"a\",\"b\"]",
              std::string(kOid[1]) + "|c2|11.25|{\"city\":\"Bergen\",\"zip\":1000}|[\"a\",\"b\"]",
              std::string(kOid[2]) + "|c|10.50|{\"city\":\"Oslo\",\"zip\":1000}|[\"a\",\"b\"]",
              std::string(kOid[3]) + "|new|0.01|{\"city\":\"Rome\",\"zip\":1000}|[\"a\",\"b\"]"}),
      boost::test_tools::per_element());
}

// A PostgreSQL upsert table written by the real postgres sink (columns typed from the values:
// text _id of ObjectIds, bigint _id, numeric Decimal128, timestamptz dates, jsonb documents and
// arrays): in sync, then exactly the changed _ids, then repaired through the sink.
BOOST_AUTO_TEST_CASE(postgres_table_reports_exactly_the_changed_ids_and_repairs_them) {
  auto& server = sluice::test::ods::pg();
  const std::string schema = "mongo_recon_" + std::to_string(::getpid());
  server.psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  auto rec = shop();
  write_postgres(rec, schema);
  const std::string text = pg_pipeline_text(schema);
  auto same = run_reconcile_text(rec, text, false);
  BOOST_REQUIRE_MESSAGE(same.status == rc::ReconcileStatus::InSync, same.message);
  BOOST_TEST(same.diffs.size() == 2u);
  BOOST_TEST(same.diffs["shop.orders"].source_rows == 4u);
  BOOST_TEST(same.diffs["shop.orders"].target_rows == 4u);
  BOOST_TEST(same.diffs["shop.customers"].source_rows == 3u);
  BOOST_TEST(same.diffs["shop.customers"].target_rows == 3u);

  change_behind_the_pipeline(*rec);
  auto found = run_reconcile_text(rec, text, false);
  BOOST_REQUIRE_MESSAGE(found.status == rc::ReconcileStatus::Differs, found.message);
  const auto& cu = found.diffs["shop.customers"];
  const auto& od = found.diffs["shop.orders"];
  BOOST_TEST(keys(cu.missing) == std::vector<std::string>{kOid[3]},
             boost::test_tools::per_element());
  BOOST_TEST(keys(cu.different) == std::vector<std::string>{kOid[1]},
             boost::test_tools::per_element());
  BOOST_TEST(cu.extra.empty());
  BOOST_TEST(keys(od.missing) == (std::vector<std::string>{"5", "6"}),
             boost::test_tools::per_element());
  BOOST_TEST(keys(od.different) == std::vector<std::string>{"1"}, boost::test_tools::per_element());
  BOOST_TEST(keys(od.extra) == std::vector<std::string>{"3"}, boost::test_tools::per_element());

  auto repaired = run_reconcile_text(rec, text, true);
  BOOST_REQUIRE_MESSAGE(repaired.status == rc::ReconcileStatus::InSync, repaired.message);
  BOOST_TEST(repaired.after_repair["shop.customers"]);
  BOOST_TEST(repaired.after_repair["shop.orders"]);
  auto again = run_reconcile_text(rec, text, false);
  BOOST_TEST((again.status == rc::ReconcileStatus::InSync));

  BOOST_TEST(server.psql("SELECT concat_ws('|', _id, item, qty, (extract(epoch FROM at) * "
                         "1000)::bigint) FROM " +
                         schema + ".orders ORDER BY _id") ==
             "1|ink|9|1700000000001\n2|pen|2|1700000000002\n4|pen|4|1700000000004\n"
             "5|pad|5|1700000000005\n6|cap|6|1700000000006");
  auto customer_row = [](const char* oid, const char* name, const char* balance, const char* city) {
    return std::string(oid) + "|" + name + "|" + balance +
           "|315532800123|{\"zip\": 1000, \"city\": \"" + city + "\"}|[\"a\", \"b\"]";
  };
  BOOST_TEST(server.psql("SELECT concat_ws('|', _id, name, balance, (extract(epoch FROM born) * "
                         "1000)::bigint, address, tags) FROM " +
                         schema + ".customers ORDER BY _id") ==
             customer_row(kOid[0], "c", "10.50", "Oslo") + "\n" +
                 customer_row(kOid[1], "c2", "11.25", "Bergen") + "\n" +
                 customer_row(kOid[2], "c", "10.50", "Oslo") + "\n" +
                 customer_row(kOid[3], "new", "0.01", "Rome"));
  server.psql("DROP SCHEMA " + schema + " CASCADE");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reconcile_mongo_server)

using namespace reconcile_mongo_test;

// A real server (SLUICE_TEST_MONGODB_URI): a fresh database with the recorded orders, an empty
// lake; reconcile through libmongoc reports every _id missing, --repair re-reads them by _id.
BOOST_AUTO_TEST_CASE(libmongoc_reader_reports_and_repairs_an_empty_lake) {
  const char* uri = std::getenv("SLUICE_TEST_MONGODB_URI");
  if (uri == nullptr || *uri == '\0') {
    BOOST_TEST_MESSAGE("SLUICE_TEST_MONGODB_URI is not set: skipped");
    return;
  }
  mongoc_init();
  const std::string db = "sluice_reconcile_" + std::to_string(::getpid());
  mongoc_client_t* client = mongoc_client_new(uri);
  BOOST_REQUIRE(client != nullptr);
  mongoc_collection_t* coll = mongoc_client_get_collection(client, db.c_str(), "orders");
  auto rec = shop();
  for (const auto& d : rec->collections["shop.orders"]) {
    bson_error_t err;
    BOOST_REQUIRE_MESSAGE(mongoc_collection_insert_one(coll, d.get(), nullptr, nullptr, &err),
                          err.message);
  }
  TempDir lake;
  std::string text = pipeline_text(lake.str());
  text.replace(text.find("mongodb://127.0.0.1:1"), 21, uri);
  text.replace(text.find("\"shop\""), 6, "\"" + db + "\"");
  auto loaded = sluice::dsl::load_text("p.sluice", text, sluice::operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), sluice::dsl::format(loaded));
  rc::ReconcileOptions o;
  o.repair = true;
  size_t missing = 0;
  bool in_sync = false;
  rc::ReconcileObserver obs;
  obs.skipped_sink = [](const std::string&) {};
  obs.compared = [&](const rc::TablePair&, const rc::TableDiff& d) { missing = d.missing.size(); };
  obs.repairing = [](const std::string&, const std::string&, size_t) {};
  obs.after_repair = [&](const rc::TablePair&, bool s) { in_sync = s; };
  auto r = rc::reconcile_file(loaded.file, o, obs);
  bson_error_t err;
  mongoc_database_t* d = mongoc_client_get_database(client, db.c_str());
  mongoc_database_drop(d, &err);
  mongoc_database_destroy(d);
  mongoc_collection_destroy(coll);
  mongoc_client_destroy(client);
  BOOST_REQUIRE_MESSAGE(r.status == rc::ReconcileStatus::InSync, r.message);
  BOOST_TEST(missing == 4u);
  BOOST_TEST(in_sync);
}

BOOST_AUTO_TEST_SUITE_END()
