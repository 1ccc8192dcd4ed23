// Op::Truncate (a MySQL TRUNCATE TABLE: no row, no key, only source/ts/position) through the
// transform stage and the file, stdout and null sinks.
#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "op_test_util.h"
#include "operators/file/file_sink.h"
#include "operators/null/null_sink.h"
#include "operators/stdout/stdout_sink.h"
#include "operators/transform/transform_processor.h"

using namespace sluice;

namespace {

Event truncate_event() {
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = "core";
  meta->db = "bank";
  meta->table = "accounts";
  Event e;
  e.op = Op::Truncate;
  e.source = meta;
  e.ts = 1709214359000000;  // 2024-02-29T13:45:59Z
  Object pos;
  pos.append(intern("file"), Value::string("mysql-bin.000001"));
  pos.append(intern("pos"), Value::int64(1234));
  e.position = Value::object(std::move(pos));
  return e;
}

std::vector<Event> around_truncate() {
  std::vector<Event> v;
  v.push_back(optest::event_of(R"({"id":1,"balance":2.50})"));
  v.push_back(truncate_event());
  v.push_back(optest::event_of(R"({"id":2,"balance":3.00})"));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(truncate_events)

BOOST_AUTO_TEST_CASE(encoded_with_op_t_and_no_row) {
  std::string line = event_codec::encode(truncate_event());
  BOOST_CHECK_MESSAGE(line.rfind(R"({"op":"t",)", 0) == 0, line);
  BOOST_CHECK_MESSAGE(line.find(R"("db":"bank","table":"accounts")") != std::string::npos, line);
  BOOST_CHECK_MESSAGE(line.find(R"("ts":"2024-02-29T13:45:59.000Z")") != std::string::npos ||
                          line.find("2024-02-29T13:45:59") != std::string::npos,
                      line);
  BOOST_CHECK_MESSAGE(line.find(R"("key":null,"before":null,"after":null})") != std::string::npos,
                      line);
}

BOOST_AUTO_TEST_CASE(transform_passes_it_through_unchanged) {
  auto parsed = optest::parse_text(
      "pipeline p {\n transform t from src {\n where balance > 2.75\n set x = balance * 2\n"
      " require id > 0 else \"no id\"\n key id\n }\n}\n");
  auto c = optest::config_for(*parsed, "t");
  auto r = operators::transform::TransformProcessor::make(c);
  BOOST_REQUIRE(r.ok());
  auto in = around_truncate();
  std::vector<Event> out, dead;
  (*r)->process(0, in, out, dead);
  BOOST_CHECK(dead.empty());
  // Row 1 fails `where`, the truncate passes untouched (no statement runs), row 2 passes.
  BOOST_REQUIRE_EQUAL(out.size(), 2u);
  BOOST_CHECK(out[0].op == Op::Truncate);
  BOOST_CHECK(out[0].row.empty());
  BOOST_CHECK(out[0].key.is_null());
  BOOST_CHECK_EQUAL(event_codec::encode(out[0]), event_codec::encode(truncate_event()));
  BOOST_CHECK(out[1].op == Op::Create);
  BOOST_CHECK_EQUAL(optest::row_json(out[1].row), R"({"id":2,"balance":3.00,"x":6.00})");
}

BOOST_AUTO_TEST_CASE(file_sink_writes_it_in_order) {
  optest::TempDir d;
  std::string path = d / "out.jsonl";
  StageConfig c;
  c.name = "out";
  c.options.set(intern("path"), Value::string(path));
  auto s = operators::file::FileSink::make(c);
  BOOST_REQUIRE(s.ok());
  BOOST_REQUIRE((*s)->open("").ok());
  auto evs = around_truncate();
  std::string want;
  for (auto& e : evs) event_codec::append_line(e, want);
  std::vector<Event> dead;
  BOOST_REQUIRE((*s)->write(evs, dead).ok());
  BOOST_REQUIRE((*s)->checkpoint(1).ok());
  (*s)->close();
  std::string got = optest::read_file(path);
  BOOST_CHECK_EQUAL(got, want);
  BOOST_CHECK(dead.empty());
  std::istringstream lines(got);
  std::string l1, l2, l3;
  std::getline(lines, l1);
  std::getline(lines, l2);
  std::getline(lines, l3);
  BOOST_CHECK(l1.rfind(R"({"op":"c")", 0) == 0);
  BOOST_CHECK(l2.rfind(R"({"op":"t")", 0) == 0);
  BOOST_CHECK(l3.rfind(R"({"op":"c")", 0) == 0);
}

BOOST_AUTO_TEST_CASE(stdout_sink_jsonl_and_table) {
  for (bool table : {false, true}) {
    std::FILE* f = std::tmpfile();
    BOOST_REQUIRE(f);
    operators::stdout_sink::StdoutSink s(table, f);
    auto evs = around_truncate();
    std::vector<Event> dead;
    BOOST_REQUIRE(s.write(evs, dead).ok());
    BOOST_REQUIRE(s.checkpoint(1).ok());
    s.close();
    std::rewind(f);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    BOOST_TEST_MESSAGE(text);
    if (table) {
      BOOST_CHECK_MESSAGE(text.find("\nt TRUNCATE bank.accounts\n") != std::string::npos, text);
      BOOST_CHECK(text.find("t TRUNCATE") > text.find("2.50"));
      BOOST_CHECK(text.find("t TRUNCATE") < text.find("3.00"));
    } else {
      BOOST_CHECK_MESSAGE(text.find("\n"
                                    R"({"op":"t",)") != std::string::npos,
                          text);
      BOOST_CHECK(text.find(R"({"op":"t")") < text.find("3.00"));
    }
  }
}

BOOST_AUTO_TEST_CASE(null_sink_counts_it) {
  StageConfig c;
  c.name = "n";
  auto s = operators::null_sink::NullSink::make(c);
  BOOST_REQUIRE(s.ok());
  auto evs = around_truncate();
  std::vector<Event> dead;
  BOOST_REQUIRE((*s)->write(evs, dead).ok());
  BOOST_CHECK(dead.empty());
  BOOST_CHECK_EQUAL(dynamic_cast<operators::null_sink::NullSink&>(**s).count(), 3u);
}

BOOST_AUTO_TEST_SUITE_END()
