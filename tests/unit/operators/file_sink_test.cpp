#include "operators/file/file_sink.h"

#include <boost/test/unit_test.hpp>

#include "engine/core/errc.h"
#include "op_test_util.h"

using namespace sluice;
using optest::TempDir;

namespace {

std::unique_ptr<Sink> make(const std::string& path) {
  StageConfig c;
  c.name = "out";
  c.options.set(intern("path"), Value::string(path));
  auto s = operators::file::FileSink::make(c);
  BOOST_REQUIRE(s.ok());
  return std::move(s.value());
}

std::vector<Event> events(int from, int to) {
  std::vector<Event> v;
  for (int i = from; i <= to; ++i) {
    Event e;
    e.row.append(intern("n"), Value::int64(i));
    e.position = Value::int64(i);
    v.push_back(std::move(e));
  }
  return v;
}

std::string expected(int from, int to) {
  std::string s;
  for (auto& e : events(from, to)) event_codec::append_line(e, s);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_sink)

BOOST_AUTO_TEST_CASE(exactly_once_truncates_to_checkpoint_on_restart) {
  TempDir d;
  std::string path = d / "sub/dir/out.jsonl";  // directories are created
  auto s = make(path);
  BOOST_REQUIRE(s->open("").ok());
  std::vector<Event> dead;
  auto b1 = events(1, 3);
  BOOST_REQUIRE(s->write(b1, dead).ok());
  auto cp = s->checkpoint(1);
  BOOST_REQUIRE(cp.ok());
  BOOST_CHECK_EQUAL(optest::read_file(path), expected(1, 3));
  BOOST_CHECK_EQUAL(cp.value(), std::to_string(expected(1, 3).size()));
  // written after the checkpoint, then a crash (close without checkpoint flushes it)
  auto b2 = events(4, 5);
  BOOST_REQUIRE(s->write(b2, dead).ok());
  s->close();
  BOOST_CHECK_EQUAL(optest::read_file(path), expected(1, 5));
  // restart from checkpoint 1: 4 and 5 are replayed, not duplicated
  auto s2 = make(path);
  BOOST_REQUIRE(s2->open(cp.value()).ok());
  BOOST_CHECK_EQUAL(optest::read_file(path), expected(1, 3));
  auto b3 = events(4, 6);
  BOOST_REQUIRE(s2->write(b3, dead).ok());
  auto cp2 = s2->checkpoint(2);
  BOOST_REQUIRE(cp2.ok());
  BOOST_CHECK_EQUAL(optest::read_file(path), expected(1, 6));
  BOOST_CHECK(dead.empty());
  // a fresh start ("" state) starts a new file
  auto s3 = make(path);
  BOOST_REQUIRE(s3->open("").ok());
  BOOST_CHECK_EQUAL(optest::read_file(path), "");
}

BOOST_AUTO_TEST_CASE(dead_letters_written_in_dlq_form) {
  TempDir d;
  auto s = make(d / "dlq.jsonl");
  BOOST_REQUIRE(s->open("").ok());
  auto evs = events(1, 1);
  auto info = std::make_shared<DeadLetterInfo>();
  info->stage = "clean";
  info->code = engine::errc::require_failed;
  info->message = "no login";
  evs[0].dead_letter = info;
  std::vector<Event> dead;
  BOOST_REQUIRE(s->write(evs, dead).ok());
  BOOST_REQUIRE(s->checkpoint(1).ok());
  std::string text = optest::read_file(d / "dlq.jsonl");
  BOOST_CHECK(
      text.rfind("{\"error\":{\"stage\":\"clean\",\"kind\":\"require\",\"code\":\"engine.require_"
                 "failed\",\"message\":\"no login\"",
                 0) == 0);
  BOOST_CHECK(text.find("\"event\":{\"op\":\"c\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_path_is_rejected) {
  StageConfig c;
  c.name = "x";
  BOOST_CHECK(!operators::file::FileSink::make(c).ok());
}

BOOST_AUTO_TEST_SUITE_END()
