// pipelines/github_events.pipe: passes the checker, and its operators, driven by hand
// (file source -> transform -> file sinks), send exactly the 8 bad records to the DLQ.
#include <boost/test/unit_test.hpp>

#include "dsl/loader.h"
#include "op_test_util.h"
#include "operators/registry.h"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(github_events_pipeline)

BOOST_AUTO_TEST_CASE(passes_checker_and_routes_bad_records_to_dlq) {
  const std::string pipe = std::string(SLUICE_SOURCE_DIR) + "/pipelines/github_events.pipe";
  auto loaded = dsl::load_file(pipe, operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), dsl::format(loaded));

  auto parsed = std::make_shared<optest::Parsed>();
  parsed->file = std::move(loaded.file);
  const auto& reg = operators::registry();
  optest::TempDir tmp;

  auto src_cfg = optest::config_for(*parsed, "events");
  src_cfg.options.set(intern("path"), Value::string(std::string(SLUICE_SOURCE_DIR) +
                                                    "/pipelines/data/github_events.json"));
  auto src = reg.find(dsl::Role::Source, "file")->source(src_cfg);
  BOOST_REQUIRE(src.ok());
  BOOST_REQUIRE(src.value()->open("").ok());
  auto tr =
      reg.find(dsl::Role::Processor, "transform")->processor(optest::config_for(*parsed, "users"));
  BOOST_REQUIRE_MESSAGE(tr.ok(), (tr.ok() ? std::string() : tr.err().message));
  auto out_cfg = optest::config_for(*parsed, "users_out");
  out_cfg.options.set(intern("path"), Value::string(tmp / "users.jsonl"));
  auto dlq_cfg = optest::config_for(*parsed, "dlq");
  dlq_cfg.options.set(intern("path"), Value::string(tmp / "dlq.jsonl"));
  auto out = reg.find(dsl::Role::Sink, "file")->sink(out_cfg);
  auto dlq = reg.find(dsl::Role::Sink, "file")->sink(dlq_cfg);
  BOOST_REQUIRE(out.ok() && dlq.ok());
  BOOST_REQUIRE(out.value()->open("").ok());
  BOOST_REQUIRE(dlq.value()->open("").ok());

  size_t good = 0, bad = 0;
  while (true) {
    std::vector<Event> in, ok, dead, never;
    auto r = src.value()->poll(256, in);
    BOOST_REQUIRE(r.ok());
    tr.value()->process(0, in, ok, dead);
    good += ok.size();
    bad += dead.size();
    BOOST_REQUIRE(out.value()->write(ok, never).ok());
    BOOST_REQUIRE(dlq.value()->write(dead, never).ok());
    if (*r == Source::Poll::End) break;
  }
  BOOST_REQUIRE(out.value()->checkpoint(1).ok());
  BOOST_REQUIRE(dlq.value()->checkpoint(1).ok());
  BOOST_CHECK_EQUAL(good, 1992u);
  BOOST_CHECK_EQUAL(bad, 8u);

  std::string users = optest::read_file(tmp / "users.jsonl");
  std::string first = users.substr(0, users.find('\n'));
  auto v = json::parse(first);
  BOOST_REQUIRE(v.ok());
  const Object& e = v->as_object();
  const Object& after = e.find(intern("after"))->as_object();
  BOOST_CHECK(after.find(intern("user_id"))->type() == Type::String);
  BOOST_CHECK(!after.find(intern("login"))->as_string().empty());
  BOOST_CHECK(e.find(intern("key"))->type() == Type::String);
  BOOST_CHECK(users.find("\"created_at\":\"2024-03-01T12:00:00.000Z\"") != std::string::npos);

  std::string dl = optest::read_file(tmp / "dlq.jsonl");
  BOOST_CHECK(dl.find("actor.login is missing") != std::string::npos);
  BOOST_CHECK(dl.find("actor.avatar_url is not a GitHub avatar URL") != std::string::npos);
  BOOST_CHECK(dl.find("actor.id is missing") != std::string::npos);
  BOOST_CHECK(dl.find("\"stage\":\"users\",\"kind\":\"require\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
