// Delta log checkpoints (operators/delta/delta_checkpoint_*, parquet_nested_*, DeltaLog): a
// checkpoint every N commits and _last_checkpoint pointing at the newest; the checkpoint read
// by a real reader, DuckDB (nested column types of the protocol's checkpoint schema, rows equal
// to the table's state); load() from the checkpoint plus the later commits equal to a load of
// every commit, also once the commits before it are deleted; corrupt checkpoints and forms
// this sink does not read (multi-part, v2, a Parquet rewritten by DuckDB) as errc::log errors;
// a checkpoint that cannot be written does not fail its commit; the nested Parquet writer and
// reader on maps, lists and nulls at every level, over many pages and row groups.
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/value.h"
#include "operators/delta/delta_checkpoint_writer.h"
#include "operators/delta/delta_files.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/delta_options.h"
#include "operators/delta/delta_schema.h"
#include "operators/delta/delta_sink.h"
#include "operators/delta/delta_spec.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/local_table_store.h"
#include "operators/delta/parquet_nested_reader.h"
#include "operators/delta/parquet_nested_writer.h"
#include "support/duckdb_query.h"
#include "support/process.h"

namespace delta_checkpoint_test {

using namespace sluice;
using namespace sluice::operators::delta;
using sluice::test::TempDir;
namespace fs = std::filesystem;

const std::string kAppA = "sluice/p/a";
const std::string kAppB = "sluice/p/b";

void require_ok(const result<void>& r) { BOOST_REQUIRE_MESSAGE(r.ok(), r.err().describe()); }

void require_duckdb() {
  BOOST_REQUIRE_MESSAGE(test::duckdb_installed(),
                        "the DuckDB reader is not installed: run npm ci --prefix tests/duckdb");
}

std::vector<ColumnSchema> first_schema() {
  return {ColumnSchema{"id", ColumnType::Int64, 0, 0, false},
          ColumnSchema{"amount", ColumnType::Decimal, 12, 2, true}};
}

std::vector<ColumnSchema> grown_schema() {
  auto s = first_schema();
  s.push_back(ColumnSchema{"note", ColumnType::String, 0, 0, true});
  return s;
}

std::string file_name(int64_t v) { return "part-" + std::to_string(v) + ".zstd.parquet"; }

// Statistics with quotes, braces and a non-ASCII string: kept as the JSON text they are.
std::string stats_of(int64_t v) {
  return "{\"numRecords\":" + std::to_string(v + 1) +
         ",\"minValues\":{\"id\":" + std::to_string(v * 10) + ",\"note\":\"caf\xc3\xa9 \\\"" +
         std::to_string(v) + "\\\"\"},\"maxValues\":{\"id\":" + std::to_string(v * 10 + 9) +
         "},\"nullCount\":{\"id\":0,\"amount\":" + std::to_string(v % 3) + "}}";
}

// Commit v of the test table: file part-v; every third commit removes an earlier file (one of
// them with dataChange false, as a compaction); the schema grows at version 12; the txn of
// appId A at even versions, of B at odd ones.
CommitSpec commit_of(int64_t v) {
  CommitSpec c;
  c.schema = v >= 12 ? grown_schema() : first_schema();
  c.adds.push_back(
      AddFile{file_name(v), 1000 + v, 1700000000000 + v, v + 1, stats_of(v), v % 5 != 4});
  if (v > 0 && v % 3 == 0) c.removes.push_back(RemoveFile{file_name(v - 2), 1000 + v - 2, v != 9});
  c.app_id = v % 2 == 0 ? kAppA : kAppB;
  c.txn_version = 100 + v;
  c.operation = c.removes.empty() ? "WRITE" : "MERGE";
  return c;
}

// Commits versions [from, to) to the table at dir, a checkpoint every `every`.
void build_table(const std::string& dir, int64_t from, int64_t to, int64_t every = 10) {
  DeltaLog log(dir);
  require_ok(log.load());
  BOOST_REQUIRE_EQUAL(log.version(), from - 1);
  log.set_checkpoint_every(every);
  for (int64_t v = from; v < to; ++v) {
    auto r = log.commit(commit_of(v));
    if (!r.ok()) BOOST_FAIL(r.err().describe());
  }
}

std::string log_file(const std::string& dir, const std::string& name) {
  return dir + "/_delta_log/" + name;
}

std::string checkpoint_file(const std::string& dir, int64_t v) {
  return dir + "/" + DeltaCheckpointWriter::checkpoint_path(v);
}

std::string commit_file(const std::string& dir, int64_t v) {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld.json", static_cast<long long>(v));
  return log_file(dir, name);
}

// What a load of the log says about the table, as comparable text.
struct Snapshot {
  int64_t version = -1;
  std::string schema;
  std::map<std::string, std::string> live;  // path -> size, mtime, dataChange, stats
  std::map<std::string, int64_t> txn;
  std::set<std::string> tombstones;
  std::string table_id;

  bool operator==(const Snapshot&) const = default;
};

std::ostream& operator<<(std::ostream& o, const Snapshot& s) {
  o << "version " << s.version << ", " << s.live.size() << " files, " << s.tombstones.size()
    << " tombstones, txn";
  for (const auto& [app, v] : s.txn) o << " " << app << "=" << v;
  return o;
}

Snapshot snapshot_of(const DeltaLog& log) {
  Snapshot s;
  s.version = log.version();
  s.schema = schema_string(log.schema());
  for (const auto& [path, f] : log.live()) {
    s.live[path] = std::to_string(f.size) + " " + std::to_string(f.modification_time) + " " +
                   (f.data_change ? "change " : "move ") + f.stats;
  }
  s.txn[kAppA] = log.txn_version(kAppA);
  s.txn[kAppB] = log.txn_version(kAppB);
  for (const auto& [path, r] : log.state().tombstones) s.tombstones.insert(path);
  s.table_id = json_string(log.state().metadata, "id");
  return s;
}

Snapshot load_snapshot(const std::string& dir, int64_t expect_checkpoint) {
  DeltaLog log(dir);
  require_ok(log.load());
  BOOST_TEST(log.loaded_checkpoint() == expect_checkpoint);
  return snapshot_of(log);
}

// The error of a load of the table at dir (it must fail).
error load_error(const std::string& dir) {
  DeltaLog log(dir);
  auto r = log.load();
  BOOST_REQUIRE(!r.ok());
  return r.err();
}

void require_log_error(const std::string& dir, const std::string& says) {
  error e = load_error(dir);
  BOOST_TEST((e.code == make_error_code(errc::log)), e.describe());
  BOOST_TEST(e.message.find(says) != std::string::npos, e.message);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string read_text(const std::string& path) { return read_whole(path).value(); }

// The rows of sql; each row's columns as text ("" for null).
std::vector<std::vector<std::string>> query(const std::string& sql) {
  Value rows = test::duckdb_query(sql);
  std::vector<std::vector<std::string>> out;
  for (const Value& r : rows.as_list()) {
    std::vector<std::string> row;
    for (const Field& f : r.as_object().fields()) {
      if (f.value.is_null()) {
        row.emplace_back();
      } else if (f.value.type() == Type::String) {
        row.push_back(f.value.as_string());
      } else {
        row.push_back(json::encode(f.value));
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string read_parquet(const std::string& file) { return "read_parquet('" + file + "')"; }

BOOST_AUTO_TEST_SUITE(delta_checkpoint)

BOOST_AUTO_TEST_CASE(a_checkpoint_every_n_commits_and_last_checkpoint_at_the_newest) {
  TempDir d;
  const std::string dir = d.file("t");
  build_table(dir, 0, 25);
  for (int64_t v = 0; v < 25; ++v) {
    BOOST_TEST(fs::exists(checkpoint_file(dir, v)) == (v == 10 || v == 20), "version " << v);
  }
  auto last = json::parse(read_text(log_file(dir, "_last_checkpoint")));
  BOOST_REQUIRE(last.ok());
  BOOST_TEST(json_int(last.value(), "version") == 20);
  // size: every action of version 20's state (protocol, metaData, 2 txns, files, tombstones).
  DeltaLog log(dir);
  require_ok(log.load());
  BOOST_TEST(log.loaded_checkpoint() == 20);
  ParquetNestedReader reader;
  require_ok(reader.open(read_text(checkpoint_file(dir, 20))));
  BOOST_TEST(json_int(last.value(), "size") == reader.rows());
  // 0..20: 21 adds, removes at 3, 6, ..., 18: 6 of them.
  BOOST_TEST(reader.rows() == 2 + 2 + 15 + 6);
  BOOST_TEST(json_int(last.value(), "numOfAddFiles") == 15);
  BOOST_TEST(json_int(last.value(), "sizeInBytes") ==
             static_cast<int64_t>(fs::file_size(checkpoint_file(dir, 20))));

  // Interval 0: no checkpoint.
  const std::string never = d.file("never");
  build_table(never, 0, 12, 0);
  BOOST_TEST(!fs::exists(checkpoint_file(never, 10)));
  BOOST_TEST(!fs::exists(log_file(never, "_last_checkpoint")));
}

// Version 0 of a table written by hand, as another writer would: metaData with a name, format
// options and configuration (maps with entries, so the checkpoint's repetition levels carry
// data), then the commits 1..10 of commit_of(): a checkpoint at 10.
void build_configured_table(const std::string& dir) {
  std::string v0 = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n";
  v0 +=
      "{\"metaData\":{\"id\":\"0c6b1f8e-3f7d-4b8a-9d3e-2a1b7c5d9e10\",\"name\":\"orders\","
      "\"format\":{\"provider\":\"parquet\",\"options\":{\"a\":\"1\"}},\"schemaString\":";
  json::encode_string(schema_string(first_schema()), v0);
  v0 +=
      ",\"partitionColumns\":[],\"configuration\":{\"delta.appendOnly\":\"false\","
      "\"delta.checkpointInterval\":\"10\"},\"createdTime\":1700000000000}}\n";
  v0 += "{\"txn\":{\"appId\":\"" + kAppA + "\",\"version\":100}}\n";
  v0 += "{\"add\":{\"path\":\"" + file_name(0) +
        "\",\"partitionValues\":{},\"size\":1000,\"modificationTime\":1700000000000,"
        "\"dataChange\":true,\"stats\":";
  json::encode_string(stats_of(0), v0);
  v0 += "}}\n";
  fs::create_directories(dir + "/_delta_log");
  write_text(commit_file(dir, 0), v0);
  build_table(dir, 1, 11);
}

BOOST_AUTO_TEST_CASE(duckdb_reads_the_checkpoint_schema) {
  require_duckdb();
  TempDir d;
  const std::string dir = d.file("t");
  build_configured_table(dir);
  const std::string file = read_parquet(checkpoint_file(dir, 10));
  std::map<std::string, std::string> types;
  for (const auto& row :
       query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + file + ")")) {
    types[row.at(0)] = row.at(1);
  }
  const std::map<std::string, std::string> expected = {
      {"txn", "STRUCT(appId VARCHAR, \"version\" BIGINT, lastUpdated BIGINT)"},
      {"add",
       "STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, "
       "modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR)"},
      {"remove",
       "STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata "
       "BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)"},
      {"metaData",
       "STRUCT(id VARCHAR, \"name\" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, "
       "\"options\" MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], "
       "createdTime BIGINT, \"configuration\" MAP(VARCHAR, VARCHAR))"},
      {"protocol", "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)"}};
  BOOST_TEST(types == expected,
             "DuckDB sees: " << json::encode(test::duckdb_query("DESCRIBE SELECT * FROM " + file)));
  // The 3-level MAP and LIST groups of the Parquet spec, as parquet_schema() reads them.
  auto groups = query(
      "SELECT name, repetition_type, converted_type, logical_type FROM "
      "parquet_schema('" +
      checkpoint_file(dir, 10) + "') WHERE num_children IS NOT NULL AND name <> 'schema'");
  std::vector<std::string> shapes;
  for (const auto& g : groups) shapes.push_back(g[0] + " " + g[1] + " " + g[2] + " " + g[3]);
  const std::vector<std::string> want = {"txn OPTIONAL  ",
                                         "add OPTIONAL  ",
                                         "partitionValues OPTIONAL MAP MapType()",
                                         "key_value REPEATED  ",
                                         "remove OPTIONAL  ",
                                         "partitionValues OPTIONAL MAP MapType()",
                                         "key_value REPEATED  ",
                                         "metaData OPTIONAL  ",
                                         "format OPTIONAL  ",
                                         "options OPTIONAL MAP MapType()",
                                         "key_value REPEATED  ",
                                         "partitionColumns OPTIONAL LIST ListType()",
                                         "list REPEATED  ",
                                         "configuration OPTIONAL MAP MapType()",
                                         "key_value REPEATED  ",
                                         "protocol OPTIONAL  "};
  BOOST_TEST(shapes == want, boost::test_tools::per_element());
}

// The adds of the checkpoint (read by DuckDB) are the table's live files.
void check_duckdb_adds(const std::string& file, const DeltaLog& log) {
  auto adds = query(
      "SELECT add.path, add.size, add.modificationTime, add.dataChange, add.stats, "
      "cardinality(add.partitionValues) FROM " +
      file + " WHERE add IS NOT NULL ORDER BY add.path");
  BOOST_REQUIRE_EQUAL(adds.size(), log.live().size());
  size_t i = 0;
  for (const auto& [path, f] : log.live()) {
    const std::vector<std::string> want = {path,
                                           std::to_string(f.size),
                                           std::to_string(f.modification_time),
                                           f.data_change ? "true" : "false",
                                           f.stats,
                                           "0"};
    BOOST_TEST(adds[i++] == want, boost::test_tools::per_element());
  }
  BOOST_TEST(adds.front().at(4) == stats_of(0));  // quotes and UTF-8 kept
}

// Its protocol and metaData are those of build_configured_table().
void check_duckdb_protocol_and_metadata(const std::string& file) {
  auto protocol = query("SELECT protocol.minReaderVersion, protocol.minWriterVersion FROM " + file +
                        " WHERE protocol IS NOT NULL");
  BOOST_TEST(protocol == (std::vector<std::vector<std::string>>{{"1", "2"}}));
  auto meta = query(
      "SELECT metaData.id, metaData.name, metaData.schemaString, metaData.format.provider, "
      "metaData.format.options['a'], metaData.configuration['delta.appendOnly'], "
      "metaData.configuration['delta.checkpointInterval'], cardinality(metaData.configuration), "
      "len(metaData.partitionColumns), metaData.createdTime, metaData.description FROM " +
      file + " WHERE metaData IS NOT NULL");
  const std::vector<std::string> want_meta = {"0c6b1f8e-3f7d-4b8a-9d3e-2a1b7c5d9e10",
                                              "orders",
                                              schema_string(first_schema()),
                                              "parquet",
                                              "1",
                                              "false",
                                              "10",
                                              "2",
                                              "0",
                                              "1700000000000",
                                              ""};
  BOOST_REQUIRE_EQUAL(meta.size(), 1u);
  BOOST_TEST(meta[0] == want_meta, boost::test_tools::per_element());
}

// Its txns are the log's; its tombstones the files removed at 3, 6 and 9 (the one of 9 with
// dataChange false).
void check_duckdb_txn_and_removes(const std::string& file, const DeltaLog& log) {
  auto txn = query("SELECT txn.appId, txn.version FROM " + file +
                   " WHERE txn IS NOT NULL ORDER BY txn.appId");
  BOOST_TEST(txn == (std::vector<std::vector<std::string>>{
                        {kAppA, std::to_string(log.txn_version(kAppA))},
                        {kAppB, std::to_string(log.txn_version(kAppB))}}));
  BOOST_TEST(log.txn_version(kAppA) == 110);
  auto removes = query(
      "SELECT remove.path, remove.dataChange, remove.extendedFileMetadata, "
      "remove.size, remove.deletionTimestamp > 0 FROM " +
      file + " WHERE remove IS NOT NULL ORDER BY remove.path");
  const std::vector<std::vector<std::string>> want_removes = {
      {file_name(1), "true", "true", "1001", "true"},
      {file_name(4), "true", "true", "1004", "true"},
      {file_name(7), "false", "true", "1007", "true"}};
  BOOST_TEST(removes == want_removes);
}

BOOST_AUTO_TEST_CASE(duckdb_reads_the_table_state_from_the_checkpoint) {
  require_duckdb();
  TempDir d;
  const std::string dir = d.file("t");
  build_configured_table(dir);
  DeltaLog log(dir);
  log.set_checkpoint_every(0);
  require_ok(log.load());
  BOOST_TEST(log.loaded_checkpoint() == 10);
  const std::string file = read_parquet(checkpoint_file(dir, 10));
  check_duckdb_adds(file, log);
  check_duckdb_protocol_and_metadata(file);
  check_duckdb_txn_and_removes(file, log);

  auto last = json::parse(read_text(log_file(dir, "_last_checkpoint")));
  BOOST_REQUIRE(last.ok());
  auto count = query("SELECT count(*) FROM " + file);
  BOOST_TEST(count.at(0).at(0) == std::to_string(json_int(last.value(), "size")));
  // The metaData read back from the checkpoint keeps its maps.
  const Value* config = json_member(log.state().metadata, "configuration");
  BOOST_REQUIRE(config != nullptr);
  BOOST_TEST(json_string(*config, "delta.appendOnly") == "false");
  BOOST_TEST(json_string(log.state().metadata, "name") == "orders");
}

// A copy of the table without its checkpoints: a load reads every commit.
std::string copy_without_checkpoints(const std::string& dir, const std::string& to) {
  fs::copy(dir, to, fs::copy_options::recursive);
  for (const auto& e : fs::directory_iterator(to + "/_delta_log")) {
    const std::string name = e.path().filename().string();
    if (name.find(".checkpoint.") != std::string::npos || name == "_last_checkpoint") {
      fs::remove(e.path());
    }
  }
  return to;
}

BOOST_AUTO_TEST_CASE(a_load_from_the_checkpoint_equals_a_load_of_every_commit) {
  TempDir d;
  const std::string dir = d.file("t");
  build_table(dir, 0, 25);
  const std::string full = copy_without_checkpoints(dir, d.file("full"));

  const Snapshot every_commit = load_snapshot(full, -1);
  BOOST_TEST(every_commit.version == 24);
  BOOST_TEST(every_commit.schema == schema_string(grown_schema()));
  BOOST_TEST(every_commit.txn.at(kAppA) == 124);
  BOOST_TEST(every_commit.txn.at(kAppB) == 123);
  BOOST_TEST(every_commit.live.count(file_name(1)) == 0u);
  BOOST_TEST(every_commit.tombstones.count(file_name(1)) == 1u);
  BOOST_TEST(load_snapshot(dir, 20) == every_commit);

  // Log cleanup: the commits before the checkpoint (and its own) deleted, the older checkpoint
  // too.
  for (int64_t v = 0; v <= 20; ++v) fs::remove(commit_file(dir, v));
  fs::remove(checkpoint_file(dir, 10));
  BOOST_TEST(load_snapshot(dir, 20) == every_commit);

  // Writing on from there: the checkpoint of 30 is made of the state read from the one of 20.
  build_table(dir, 25, 31);
  build_table(full, 25, 31, 0);
  BOOST_TEST(fs::exists(checkpoint_file(dir, 30)));
  for (int64_t v = 21; v <= 30; ++v) fs::remove(commit_file(dir, v));
  fs::remove(checkpoint_file(dir, 20));
  const Snapshot at_30 = load_snapshot(full, -1);
  BOOST_TEST(at_30.version == 30);
  BOOST_TEST(load_snapshot(dir, 30) == at_30);
  BOOST_TEST(at_30.tombstones.count(file_name(1)) == 1u);  // removed at version 3
}

BOOST_AUTO_TEST_CASE(last_checkpoint_points_at_the_newest_checkpoint) {
  TempDir d;
  const std::string dir = d.file("t");
  build_table(dir, 0, 11, 5);
  BOOST_TEST(fs::exists(checkpoint_file(dir, 5)));
  BOOST_TEST(fs::exists(checkpoint_file(dir, 10)));
  auto last = json::parse(read_text(log_file(dir, "_last_checkpoint")));
  BOOST_REQUIRE(last.ok());
  BOOST_TEST(json_int(last.value(), "version") == 10);
  // A stale _last_checkpoint (its replacement lost): the newest checkpoint listed is used.
  write_text(log_file(dir, "_last_checkpoint"), "{\"version\":5,\"size\":9}");
  BOOST_TEST(load_snapshot(dir, 10).version == 10);
  // No _last_checkpoint at all (a crash between the checkpoint and it): the same.
  fs::remove(log_file(dir, "_last_checkpoint"));
  BOOST_TEST(load_snapshot(dir, 10).version == 10);
  // A checkpoint written again (a retry) is taken as it is, _last_checkpoint written anew.
  DeltaLog log(dir);
  require_ok(log.load());
  require_ok(log.write_checkpoint());
  BOOST_TEST(fs::exists(log_file(dir, "_last_checkpoint")));
}

BOOST_AUTO_TEST_CASE(a_corrupt_checkpoint_is_a_log_error) {
  TempDir d;
  const std::string dir = d.file("t");
  build_table(dir, 0, 21);
  const std::string cp = checkpoint_file(dir, 20);
  const std::string good = read_text(cp);

  write_text(cp, good.substr(0, good.size() / 2));
  require_log_error(dir, "00000000000000000020.checkpoint.parquet");
  require_log_error(dir, "not a Parquet file");

  // A page's bytes damaged: zstd or the levels say so.
  std::string damaged = good;
  for (size_t at = 40; at < 400 && at < damaged.size(); at += 7) damaged[at] ^= 0x5a;
  write_text(cp, damaged);
  require_log_error(dir, "checkpoint");

  write_text(cp, good);
  BOOST_TEST(load_snapshot(dir, 20).version == 20);
  write_text(log_file(dir, "_last_checkpoint"), "{\"version\": tw");
  require_log_error(dir, "_last_checkpoint: not a last checkpoint");
}

BOOST_AUTO_TEST_CASE(checkpoints_this_sink_does_not_read_are_refused_clearly) {
  TempDir d;
  const std::string dir = d.file("t");
  build_table(dir, 0, 21);
  const std::string cp = checkpoint_file(dir, 20);
  const std::string good = read_text(cp);
  for (int64_t v = 0; v <= 20; ++v) fs::remove(commit_file(dir, v));

  // Multi-part (_last_checkpoint says so, and no classic checkpoint as new).
  fs::remove(cp);
  const std::string part =
      log_file(dir, "00000000000000000020.checkpoint.0000000001.0000000002.parquet");
  write_text(part, good);
  write_text(log_file(dir, "_last_checkpoint"), "{\"version\":20,\"size\":25,\"parts\":2}");
  require_log_error(dir, "multi-part (2 parts)");
  // The same with a classic checkpoint of that version: read.
  write_text(cp, good);
  BOOST_TEST(load_snapshot(dir, 20).version == 20);
  fs::remove(cp);
  fs::remove(part);

  // V2 (UUID-named, with its sidecars).
  write_text(
      log_file(dir, "00000000000000000020.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json"),
      "{\"checkpointMetadata\":{\"version\":20}}\n");
  write_text(log_file(dir, "_last_checkpoint"),
             "{\"version\":20,\"size\":1,\"v2Checkpoint\":{\"path\":\"x\",\"sizeInBytes\":1}}");
  require_log_error(dir, "v2 checkpoint");
  // Without _last_checkpoint: the classic checkpoint of 10 is not taken for the table's state,
  // and the message says where that state is.
  fs::remove(log_file(dir, "_last_checkpoint"));
  require_log_error(dir, "a checkpoint in a form this sink does not read");
  require_log_error(dir, "80a083e8");
  // Nor with commits after the older checkpoint that stop before the v2 one.
  write_text(commit_file(dir, 12), "{\"txn\":{\"appId\":\"x\",\"version\":1}}\n");
  require_log_error(dir, "version 11 is missing (found 12); it is in");
}

BOOST_AUTO_TEST_CASE(a_checkpoint_rewritten_by_duckdb_is_refused_clearly) {
  require_duckdb();
  TempDir d;
  const std::string dir = d.file("t");
  build_table(dir, 0, 21);
  const std::string cp = checkpoint_file(dir, 20);
  const std::string copy = d.file("copy.parquet");
  fs::copy_file(cp, copy);
  // DuckDB's defaults: snappy, dictionary pages.
  test::duckdb_query("COPY (SELECT * FROM read_parquet('" + copy + "')) TO '" + cp +
                     "' (FORMAT parquet)");
  require_log_error(dir, "unsupported encoding 2 (PLAIN_DICTIONARY)");
  require_log_error(dir, "00000000000000000020.checkpoint.parquet");
}

// A store whose log refuses checkpoints (a full disk, a permission): only them.
class CheckpointRefusingStore : public TableStore {
 public:
  explicit CheckpointRefusingStore(const std::string& dir) : local_(dir) {}
  const std::string& location() const override { return local_.location(); }
  result<void> prepare() override { return local_.prepare(); }
  result<std::vector<std::string>> list_log() override { return local_.list_log(); }
  result<std::string> read(const std::string& rel) override { return local_.read(rel); }
  result<void> publish(const std::string& rel, const std::string& bytes) override {
    if (rel.find(".checkpoint.") != std::string::npos) {
      return error::transient(errc::io, "no space left on device");
    }
    return local_.publish(rel, bytes);
  }
  result<void> put(const std::string& rel, const std::string& bytes) override {
    return local_.put(rel, bytes);
  }
  std::string local_path(const std::string& rel) const override { return local_.local_path(rel); }
  result<int64_t> finish(const std::string& rel) override { return local_.finish(rel); }
  void discard(const std::string& rel) override { local_.discard(rel); }

 private:
  LocalTableStore local_;
};

BOOST_AUTO_TEST_CASE(a_checkpoint_that_cannot_be_written_does_not_fail_its_commit) {
  TempDir d;
  const std::string dir = d.file("t");
  DeltaLog log(std::make_shared<CheckpointRefusingStore>(dir));
  require_ok(log.load());
  for (int64_t v = 0; v < 12; ++v) {
    auto r = log.commit(commit_of(v));
    if (!r.ok()) BOOST_FAIL(r.err().describe());
  }
  BOOST_TEST(log.version() == 11);
  BOOST_TEST(!fs::exists(checkpoint_file(dir, 10)));
  BOOST_TEST(!fs::exists(log_file(dir, "_last_checkpoint")));
  BOOST_TEST(!log.write_checkpoint().ok());
  BOOST_TEST(load_snapshot(dir, -1).version == 11);
}

BOOST_AUTO_TEST_CASE(the_sink_option_log_checkpoint_every) {
  bool found = false;
  for (const auto& o : bound_sink_spec().spec().options) {
    if (o.name != "log_checkpoint_every") continue;
    found = true;
    BOOST_TEST(o.default_text == "10");
    BOOST_TEST(o.min == 0);
  }
  BOOST_TEST(found);
  BOOST_TEST(DeltaOptions{}.log_checkpoint_every == 10);

  TempDir d;
  const std::string dir = d.file("t");
  DeltaOptions o;
  o.path_constant = dir;
  o.pipeline = "p";
  o.stage = "lake";
  o.app_id = "sluice/p/lake";
  o.log_checkpoint_every = 2;
  DeltaSink sink(std::move(o));
  require_ok(sink.open(""));
  for (uint64_t id = 1; id <= 3; ++id) {
    Event e;
    e.op = Op::Create;
    e.ts = 1700000000000000;
    e.row.set(intern("id"), Value::int64(static_cast<int64_t>(id)));
    std::vector<Event> in = {e};
    std::vector<Event> dead;
    require_ok(sink.write(in, dead));
    BOOST_REQUIRE(sink.checkpoint(id).ok());
    sink.checkpoint_committed(id);
  }
  BOOST_TEST(!fs::exists(checkpoint_file(dir, 1)));
  BOOST_TEST(fs::exists(checkpoint_file(dir, 2)));
  DeltaLog log(dir);
  require_ok(log.load());
  BOOST_TEST(log.loaded_checkpoint() == 2);
  BOOST_TEST(log.txn_version("sluice/p/lake") == 3);
  BOOST_TEST(log.live().size() == 3u);
}
// ---- the nested Parquet writer and reader on their own ----

ParquetNestedSchema sample_schema() {
  using S = ParquetNestedSchema;
  using P = parquet::PhysicalType;
  ParquetNestedNode inner =
      S::group("inner", {S::leaf("score", P::DOUBLE, true), S::string_list("codes")});
  ParquetNestedNode info =
      S::group("info", {S::string("label"), S::leaf("flag", P::BOOLEAN, false), std::move(inner)});
  return ParquetNestedSchema(S::group("schema",
                                      {S::leaf("id", P::INT64, false), S::string_map("tags"),
                                       S::string_list("names"), std::move(info)},
                                      false));
}

Value text(const std::string& s) { return Value::string(s); }

// Record i: nulls, empty and filled maps and lists at every level, a null map value and a null
// list element.
std::vector<Value> sample_row(int64_t i) {
  const std::string n = std::to_string(i);
  std::vector<Value> row(4);
  row[0] = Value::int64(i);
  if (i % 4 != 0) {
    Object tags;
    for (int64_t j = 0; i % 4 != 1 && j <= i % 5; ++j) {
      tags.append(intern("k" + std::to_string(j)), j == 1 ? Value() : text("v" + n));
    }
    row[1] = Value::object(std::move(tags));
  }
  if (i % 3 != 0) {
    List names;
    for (int64_t j = 0; i % 3 != 1 && j <= i % 7; ++j) {
      names.push_back(j == 1 && i % 2 == 0 ? Value() : text("n" + n + "_" + std::to_string(j)));
    }
    row[2] = Value::list(std::move(names));
  }
  if (i % 5 != 0) {
    Object info;
    info.append(intern("label"), i % 2 != 0 ? text("L" + n) : Value());
    info.append(intern("flag"), Value::boolean(i % 2 == 0));
    if (i % 6 != 0) {
      Object inner;
      inner.append(intern("score"), Value::float64(static_cast<double>(i) * 0.5));
      List codes;
      if (i % 4 != 0) codes = {text("c" + n), text("d" + n)};
      inner.append(intern("codes"), Value::list(std::move(codes)));
      info.append(intern("inner"), Value::object(std::move(inner)));
    } else {
      info.append(intern("inner"), Value());
    }
    row[3] = Value::object(std::move(info));
  }
  return row;
}

Value sample_record(int64_t i) {
  std::vector<Value> row = sample_row(i);
  Object o;
  const char* names[] = {"id", "tags", "names", "info"};
  for (size_t c = 0; c < row.size(); ++c) o.append(intern(names[c]), std::move(row[c]));
  return Value::object(std::move(o));
}

std::string write_sample(int64_t rows, ParquetOptions options) {
  ParquetNestedWriter w(sample_schema(), options);
  for (int64_t i = 0; i < rows; ++i) require_ok(w.append(sample_row(i)));
  BOOST_TEST(w.rows() == rows);
  auto bytes = w.finish();
  if (!bytes.ok()) BOOST_FAIL(bytes.err().describe());
  return std::move(bytes.value());
}

BOOST_AUTO_TEST_CASE(nested_records_round_trip_over_pages_and_row_groups) {
  for (bool zstd : {true, false}) {
    ParquetOptions options;
    options.row_group_rows = 700;
    options.page_bytes = 256;
    options.zstd = zstd;
    const std::string bytes = write_sample(3000, options);
    ParquetNestedReader r;
    require_ok(r.open(bytes));
    BOOST_TEST(r.rows() == 3000);
    BOOST_TEST(r.schema().leaves().size() == 8u);
    int64_t i = 0;
    require_ok(r.read_rows([&](Object& row) -> result<void> {
      const Value got = Value::object(row);
      const Value want = sample_record(i);
      if (got != want) {
        BOOST_ERROR("record " << i << ": " << json::encode(got) << " != " << json::encode(want));
      }
      ++i;
      return {};
    }));
    BOOST_TEST(i == 3000);
  }
}

BOOST_AUTO_TEST_CASE(duckdb_reads_nested_records) {
  require_duckdb();
  TempDir d;
  ParquetOptions options;
  options.row_group_rows = 400;
  options.page_bytes = 300;
  const std::string file = d.file("nested.parquet");
  write_text(file, write_sample(1000, options));
  int64_t tags = 0, entries = 0, names = 0, elements = 0, info = 0, inner = 0, codes = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    std::vector<Value> row = sample_row(i);
    if (!row[1].is_null()) ++tags, entries += static_cast<int64_t>(row[1].as_object().size());
    if (!row[2].is_null()) ++names, elements += static_cast<int64_t>(row[2].as_list().size());
    if (row[3].is_null()) continue;
    ++info;
    const Value* in = row[3].as_object().find(intern("inner"));
    if (in->is_null()) continue;
    ++inner;
    codes += static_cast<int64_t>(in->as_object().find(intern("codes"))->as_list().size());
  }
  auto got = query(
      "SELECT count(*), count(tags), sum(cardinality(tags)), count(names), "
      "sum(len(names)), count(info), count(info.inner), sum(len(info.inner.codes)), "
      "sum(id) FROM " +
      read_parquet(file));
  const std::vector<std::string> want = {"1000",
                                         std::to_string(tags),
                                         std::to_string(entries),
                                         std::to_string(names),
                                         std::to_string(elements),
                                         std::to_string(info),
                                         std::to_string(inner),
                                         std::to_string(codes),
                                         "499500"};
  BOOST_TEST(got.at(0) == want, boost::test_tools::per_element());
  // Record 14 value by value: a map with a null value, a list with a null element.
  auto r14 = query(
      "SELECT tags['k0'], tags['k1'] IS NULL, cardinality(tags), names[1], "
      "names[2] IS NULL, len(names), info.label IS NULL, info.flag, "
      "info.inner.score, info.inner.codes[2] FROM " +
      read_parquet(file) + " WHERE id = 14");
  const std::vector<std::string> want14 = {"v14", "true", "5",    "n14_0", "true",
                                           "1",   "true", "true", "7",     "d14"};
  BOOST_REQUIRE_EQUAL(r14.size(), 1u);
  BOOST_TEST(r14[0] == want14, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nested_values_that_do_not_fit_are_refused_whole) {
  ParquetNestedWriter w(sample_schema());
  require_ok(w.append(sample_row(1)));
  std::vector<Value> bad = sample_row(2);
  bad[0] = text("two");
  auto r = w.append(bad);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().code == make_error_code(errc::type_mismatch)));
  BOOST_TEST(r.err().message.find("'id'") != std::string::npos, r.err().message);
  bad = sample_row(3);
  bad[3].as_object().set(intern("flag"), Value());
  r = w.append(bad);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().message.find("info.flag") != std::string::npos, r.err().message);
  bad = sample_row(3);
  bad[2] = text("not a list");
  BOOST_TEST(!w.append(bad).ok());
  require_ok(w.append(sample_row(4)));
  auto bytes = w.finish();
  BOOST_REQUIRE(bytes.ok());
  ParquetNestedReader reader;
  require_ok(reader.open(bytes.value()));
  std::vector<int64_t> ids;
  require_ok(reader.read_rows([&](Object& row) -> result<void> {
    ids.push_back(row.find(intern("id"))->as_int());
    return {};
  }));
  BOOST_TEST(ids == (std::vector<int64_t>{1, 4}));
}

BOOST_AUTO_TEST_CASE(damaged_nested_files_are_errors_never_crashes) {
  for (bool zstd : {false, true}) {
    ParquetOptions options;
    options.row_group_rows = 40;
    options.page_bytes = 128;
    options.zstd = zstd;
    const std::string good = write_sample(100, options);
    size_t refused = 0;
    auto attempt = [&](const std::string& bytes) {
      ParquetNestedReader r;
      auto opened = r.open(bytes);
      result<void> read = opened;
      if (opened) read = r.read_rows([](Object&) -> result<void> { return {}; });
      if (!read) {
        ++refused;
        BOOST_TEST((read.err().code == make_error_code(errc::io)));
      }
    };
    for (size_t at = 0; at < good.size(); ++at) {
      for (uint8_t flip : {0x01, 0x80, 0xff}) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ flip);
        attempt(bad);
      }
    }
    for (size_t n = 0; n < good.size(); n += 3) attempt(good.substr(0, n));
    BOOST_TEST(refused > good.size());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace delta_checkpoint_test
