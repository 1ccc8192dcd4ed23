// The delta sink's log and its two-phase commit, on a local directory: commits written and read
// back, the put-if-absent publication, schema growth, and the restart cases of exactly once (a
// checkpoint whose commit was not written yet is completed; one already in the log is not
// written twice; files of an unrecorded checkpoint stay unreferenced).
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "base/json.h"
#include "dsl/parser.h"
#include "operators/delta/delta_files.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/delta_schema.h"
#include "operators/delta/delta_sink.h"
#include "operators/delta/delta_table.h"
#include "operators/delta/errc.h"
#include "operators/delta/pending_commit.h"
#include "operators/delta/table_file_rows.h"
#include "operators/delta/table_location.h"
#include "operators/delta/table_optimize.h"
#include "support/process.h"

namespace delta_sink_unit_test {

using namespace sluice;
using namespace sluice::operators::delta;
using sluice::test::TempDir;

std::vector<ColumnSchema> two_columns() {
  return {ColumnSchema{"id", ColumnType::Int64, 0, 0, false},
          ColumnSchema{"amount", ColumnType::Decimal, 12, 2, true}};
}

Event change(Op op, int64_t id, const char* amount) {
  Event e;
  e.op = op;
  e.ts = 1700000000000000;
  e.row.set(intern("id"), Value::int64(id));
  e.row.set(intern("amount"), Value::decimal(*Decimal::parse(amount)));
  return e;
}

DeltaOptions options(const std::string& dir) {
  DeltaOptions o;
  o.path_constant = dir;
  o.pipeline = "p";
  o.stage = "lake";
  o.app_id = "sluice/p/lake";
  return o;
}

size_t count_adds(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/_delta_log")) {
    std::string text = std::move(read_whole(e.path().string()).value());
    for (size_t at = text.find("{\"add\""); at != std::string::npos;
         at = text.find("{\"add\"", at + 1)) {
      ++n;
    }
  }
  return n;
}

BOOST_AUTO_TEST_SUITE(delta_log)

BOOST_AUTO_TEST_CASE(commits_are_read_back_with_schema_and_txn) {
  TempDir d;
  DeltaLog log(d.file("t"));
  BOOST_REQUIRE(log.load());
  BOOST_TEST(log.version() == -1);
  CommitSpec c;
  c.schema = two_columns();
  c.app_id = "sluice/p/s";
  c.txn_version = 7;
  c.adds.push_back(AddFile{"part-1.parquet", 100, 1, 3, "{\"numRecords\":3}"});
  BOOST_REQUIRE(log.commit(c).ok());
  c.schema.push_back(ColumnSchema{"note", ColumnType::String, 0, 0, true});
  c.txn_version = 9;
  BOOST_REQUIRE(log.commit(c).ok());

  DeltaLog again(d.file("t"));
  BOOST_REQUIRE(again.load());
  BOOST_TEST(again.version() == 1);
  BOOST_TEST(again.txn_version("sluice/p/s") == 9);
  BOOST_TEST(again.txn_version("other") == -1);
  BOOST_REQUIRE_EQUAL(again.schema().size(), 3u);
  BOOST_TEST(again.schema()[1].precision == 12);
  BOOST_TEST(again.schema()[1].scale == 2);
  BOOST_TEST(!again.schema()[0].nullable);
  const std::string v0 = read_whole(again.dir() + "/" + again.commit_path(0)).value();
  BOOST_TEST(v0.find("\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}") !=
             std::string::npos);
  const std::string v1 = read_whole(again.dir() + "/" + again.commit_path(1)).value();
  BOOST_TEST(v1.find("\"protocol\"") == std::string::npos);
  BOOST_TEST(v1.find("\"metaData\"") != std::string::npos);  // the schema grew
  // Each action one line of JSON.
  std::istringstream in(v0);
  for (std::string line; std::getline(in, line);) BOOST_TEST(json::parse(line).ok(), line);
}

BOOST_AUTO_TEST_CASE(a_version_is_never_written_twice) {
  TempDir d;
  DeltaLog a(d.file("t"));
  DeltaLog b(d.file("t"));
  BOOST_REQUIRE(a.load());
  BOOST_REQUIRE(b.load());
  CommitSpec c;
  c.schema = two_columns();
  BOOST_REQUIRE(a.commit(c).ok());
  auto second = b.commit(c);  // b still thinks the table is new
  BOOST_REQUIRE(!second.ok());
  BOOST_TEST((second.err().code == make_error_code(errc::log)));
  BOOST_TEST(second.err().message.find("another writer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pending_commits_survive_the_state) {
  PendingCommit p;
  p.id = 12;
  p.tables.push_back(TableCommit{"/x/t", two_columns(), {AddFile{"f.parquet", 5, 6, 7, "{}"}}, {}});
  auto back = decode_pending(encode_pending({p}));
  BOOST_REQUIRE(back.ok());
  BOOST_REQUIRE_EQUAL(back.value().size(), 1u);
  BOOST_TEST(back.value()[0].id == 12u);
  BOOST_TEST(back.value()[0].tables[0].adds[0].rows == 7);
  BOOST_TEST(back.value()[0].tables[0].schema[1].precision == 12);
  BOOST_TEST(decode_pending("").value().empty());
  BOOST_TEST(!decode_pending("{nonsense").ok());
}

// The names the sink warns about: Spark refuses them in a table without column mapping
// ("Found invalid character(s) among ' ,;{}()\n\t='"); the others are fine as they are.
BOOST_AUTO_TEST_CASE(column_names_spark_refuses) {
  for (const char* bad : {"order date", "a,b", "a;b", "f(x)", "k=v", "{x}", "tab\there", "nl\n"}) {
    BOOST_TEST(spark_refuses_column_name(bad), bad);
  }
  for (const char* ok : {"order_date", "Mixed-Case", "col.with.dots", "顧客名", "select", "$x"}) {
    BOOST_TEST(!spark_refuses_column_name(ok), ok);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(delta_sink_phases)

BOOST_AUTO_TEST_CASE(a_checkpoint_is_committed_only_after_the_engine_wrote_it) {
  TempDir d;
  const std::string dir = d.file("t");
  std::string state;
  {
    DeltaSink sink(options(dir));
    BOOST_REQUIRE(sink.open(""));
    std::vector<Event> in = {change(Op::Create, 1, "1.50"), change(Op::Create, 2, "-2.25")};
    std::vector<Event> dead;
    BOOST_REQUIRE(sink.write(in, dead));
    BOOST_TEST(dead.empty());
    auto st = sink.checkpoint(1);
    BOOST_REQUIRE(st.ok());
    state = st.value();
    BOOST_TEST(!std::filesystem::exists(dir + "/_delta_log/00000000000000000000.json"));
    // Crash here: checkpoint 1 was written by the engine, its commit was not.
  }
  {
    DeltaSink sink(options(dir));
    BOOST_REQUIRE(sink.open(state));  // completes checkpoint 1's commit
    DeltaLog log(dir);
    BOOST_REQUIRE(log.load());
    BOOST_TEST(log.version() == 0);
    BOOST_TEST(log.txn_version("sluice/p/lake") == 1);
    BOOST_TEST(count_adds(dir) == 1u);
  }
  {
    // The same state again (a second crash before the next checkpoint): nothing written twice.
    DeltaSink sink(options(dir));
    BOOST_REQUIRE(sink.open(state));
    std::vector<Event> in = {change(Op::Update, 1, "3.00")};
    std::vector<Event> dead;
    BOOST_REQUIRE(sink.write(in, dead));
    auto st = sink.checkpoint(2);
    BOOST_REQUIRE(st.ok());
    // Not recorded: the engine crashed before writing checkpoint 2. Its file stays unreferenced.
  }
  DeltaLog log(dir);
  BOOST_REQUIRE(log.load());
  BOOST_TEST(log.version() == 0);
  BOOST_TEST(count_adds(dir) == 1u);
  {
    DeltaSink sink(options(dir));
    BOOST_REQUIRE(sink.open(state));
    std::vector<Event> in = {change(Op::Update, 1, "3.00")};
    std::vector<Event> dead;
    BOOST_REQUIRE(sink.write(in, dead));
    auto st = sink.checkpoint(2);
    BOOST_REQUIRE(st.ok());
    sink.checkpoint_committed(2);
  }
  BOOST_REQUIRE(log.load());
  BOOST_TEST(log.version() == 1);
  BOOST_TEST(log.txn_version("sluice/p/lake") == 2);
  BOOST_TEST(count_adds(dir) == 2u);
}

// MySQL and MariaDB take any character in a quoted table name: a table `../evil` must not lead
// `path = DIR + "/lake/" + @table` out of DIR/lake to DIR/evil (nor `./t` to a second writer of
// DIR/lake/t).
BOOST_AUTO_TEST_CASE(a_table_name_cannot_move_its_table_out_of_the_path) {
  TempDir d;
  const std::string base = d.file("lake");
  dsl::Diagnostics diags;
  auto expr = dsl::parse_expr("\"" + base + "/\" + @table", diags);
  BOOST_REQUIRE(expr && !diags.has_errors());
  const std::string fixed = fixed_path_prefix(*expr);
  BOOST_TEST(fixed == base + "/");
  DeltaOptions o = options("");
  o.path = std::move(eval::compile(*expr, eval::Scope{}).value());
  o.path_fixed = fixed;
  DeltaSink sink(std::move(o));
  BOOST_REQUIRE(sink.open(""));
  auto at = [](const char* table, int64_t id) {
    Event e = change(Op::Create, id, "1.00");
    auto m = std::make_shared<SourceMeta>();
    m->connector = "mysql";
    m->db = "trav";
    m->table = table;
    e.source = m;
    return e;
  };
  std::vector<Event> in = {at("../evil", 1), at("./t", 2),  at("..", 3),
                           at("t", 4),       at("a..b", 5), at("dir/t", 6)};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink.write(in, dead));
  BOOST_REQUIRE_EQUAL(dead.size(), 3u);
  for (const Event& e : dead) {
    BOOST_TEST(e.dead_letter->code.qualified() == "delta.path");
    BOOST_TEST(e.dead_letter->message.find("from the record") != std::string::npos,
               e.dead_letter->message);
  }
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  sink.checkpoint_committed(1);
  BOOST_TEST(!std::filesystem::exists(d.file("evil")));
  BOOST_TEST(std::filesystem::exists(base + "/t/_delta_log"));
  BOOST_TEST(std::filesystem::exists(base + "/a..b/_delta_log"));   // a name, not a step up
  BOOST_TEST(std::filesystem::exists(base + "/dir/t/_delta_log"));  // below the path still
  // What the path expression itself names is the user's: its own ".." is fine.
  BOOST_TEST(check_table_location("../lake/t", "../lake/").ok());
  BOOST_TEST(!check_table_location("../lake/../t", "../lake/").ok());
  BOOST_TEST(!check_table_location("x/../t", "").ok());
  BOOST_TEST(check_table_location("s3://bucket/lake/t", "s3://bucket/lake/").ok());
}

BOOST_AUTO_TEST_CASE(a_value_that_does_not_fit_is_a_dead_letter) {
  TempDir d;
  DeltaSink sink(options(d.file("t")));
  BOOST_REQUIRE(sink.open(""));
  std::vector<Event> in = {change(Op::Create, 1, "1.50")};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink.write(in, dead));
  Event bad = change(Op::Create, 2, "1.50");
  bad.row.set(intern("id"), Value::string("not a number"));
  std::vector<Event> more = {bad, change(Op::Create, 3, "0.01")};
  BOOST_REQUIRE(sink.write(more, dead));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST((dead[0].dead_letter->code == make_error_code(errc::type_mismatch)));
  BOOST_TEST(dead[0].dead_letter->message.find("id") != std::string::npos);
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  sink.checkpoint_committed(1);
  const std::string v0 = read_whole(d.file("t") + "/_delta_log/00000000000000000000.json").value();
  BOOST_TEST(v0.find("\\\"numRecords\\\":2") != std::string::npos, v0);
}

// The table's current rows as "id=amount op", sorted.
std::vector<std::string> current_rows(const std::string& dir) {
  DeltaTable t(dir, TableSettings{});
  BOOST_REQUIRE(t.open());
  std::vector<std::string> out;
  size_t id = 0;
  size_t amount = 0;
  for (size_t i = 0; i < t.schema().size(); ++i) {
    if (t.schema()[i].name == "id") id = i;
    if (t.schema()[i].name == "amount") amount = i;
  }
  for (const auto& [path, f] : t.live()) {
    auto r = for_each_file_row(t, f, [&](std::vector<Value>& cells) -> result<void> {
      out.push_back(cells[id].to_display() + "=" + cells[amount].to_display() + " " +
                    cells[0].as_string());
      return {};
    });
    BOOST_REQUIRE(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One checkpoint of `events` through an upsert sink on dir, committed.
void upsert_round(const std::string& dir, std::vector<Event> events, uint64_t id,
                  std::string& state, int64_t optimize_files = 0) {
  DeltaOptions o = options(dir);
  o.mode = Mode::Upsert;
  o.key = {"id"};
  o.file_rows = 4;
  o.optimize_files = optimize_files;
  DeltaSink sink(std::move(o));
  BOOST_REQUIRE(sink.open(state));
  std::vector<Event> dead;
  BOOST_REQUIRE(sink.write(events, dead));
  BOOST_TEST(dead.empty());
  auto st = sink.checkpoint(id);
  BOOST_REQUIRE(st.ok());
  state = st.value();
  sink.checkpoint_committed(id);
}

BOOST_AUTO_TEST_CASE(upsert_keeps_the_last_image_of_each_key_copy_on_write) {
  TempDir d;
  const std::string dir = d.file("t");
  std::string state;
  std::vector<Event> first;
  for (int i = 1; i <= 10; ++i) first.push_back(change(Op::Read, i, "1.00"));
  upsert_round(dir, first, 1, state);
  BOOST_TEST(current_rows(dir).size() == 10u);
  // An update, a delete, an insert, the same key twice: only the files holding 3 and 7 change.
  upsert_round(dir,
               {change(Op::Update, 3, "3.30"), change(Op::Delete, 7, "1.00"),
                change(Op::Create, 11, "0.11"), change(Op::Update, 3, "3.33")},
               2, state);
  auto rows = current_rows(dir);
  BOOST_REQUIRE_EQUAL(rows.size(), 10u);
  BOOST_TEST(std::count(rows.begin(), rows.end(), "3=3.33 u") == 1);
  BOOST_TEST(std::count(rows.begin(), rows.end(), "11=0.11 c") == 1);
  for (const auto& r : rows) BOOST_TEST(r.rfind("7=", 0) != 0, r);
  DeltaLog log(dir);
  BOOST_REQUIRE(log.load());
  // 10 rows in files of 4: 3 files; 3 and 7 lie in two of them, rewritten.
  const std::string v1 = read_whole(log.dir() + "/" + log.commit_path(1)).value();
  size_t removes = 0;
  for (size_t at = v1.find("{\"remove\""); at != std::string::npos;
       at = v1.find("{\"remove\"", at + 1)) {
    ++removes;
  }
  BOOST_TEST(removes == 2u, v1);
  BOOST_TEST(v1.find("\"operation\":\"MERGE\"") != std::string::npos);
  // A truncate empties the table; rows after it stay.
  Event t;
  t.op = Op::Truncate;
  upsert_round(dir, {t, change(Op::Create, 20, "2.00")}, 3, state);
  BOOST_TEST(current_rows(dir) == std::vector<std::string>{"20=2.00 c"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(small_files_are_compacted_without_data_change) {
  TempDir d;
  const std::string dir = d.file("t");
  std::string state;
  for (int i = 1; i <= 5; ++i) upsert_round(dir, {change(Op::Create, i, "1.00")}, i, state, 3);
  // Files of 1 row (< file_rows / 2 = 2): once 3 are in the table, a commit compacts them.
  auto rows = current_rows(dir);
  BOOST_TEST(rows.size() == 5u);
  DeltaLog log(dir);
  BOOST_REQUIRE(log.load());
  BOOST_TEST(log.live().size() < 5u);
  bool compacted = false;
  for (int64_t v = 0; v <= log.version(); ++v) {
    compacted =
        compacted ||
        read_whole(log.dir() + "/" + log.commit_path(v)).value().find("\"dataChange\":false") !=
            std::string::npos;
  }
  BOOST_TEST(compacted);
  // sluice optimize: nothing left to do at 3, then with 2.
  auto o = optimize_table(dir, 4, 3);
  BOOST_REQUIRE(o.ok());
  BOOST_TEST(o->version == -1);
  auto o2 = optimize_table(dir, 4, 2);
  BOOST_REQUIRE(o2.ok());
  BOOST_TEST(current_rows(dir) == rows, boost::test_tools::per_element());
  BOOST_TEST(!optimize_table(d.file("none"), 4, 2).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace delta_sink_unit_test
