// Dead-letter replay after a fix: records a PostgreSQL CHECK constraint rejects go to the
// dead-letter sink; the constraint is dropped (the fix); POST /pipelines/p/dead-letters/replay
// sends them back through the sink, and the table then holds every record exactly once.
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <functional>
#include <thread>

#include "base/json.h"
#include "runtime/http_client.h"
#include "runtime/json_fields.h"
#include "support/free_port.h"
#include "support/postgres_server.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

Value call(const std::string& addr, const std::string& method, const std::string& path,
           int status = 200) {
  auto r = runtime::http_request(addr, method, path);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_MESSAGE(r->status == status, path << ": " << r->status << " " << r->body);
  auto v = json::parse(r->body);
  BOOST_REQUIRE_MESSAGE(v.ok(), r->body);
  return std::move(v).value();
}

bool wait_for(const std::function<bool()>& ok, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return ok();
}

int64_t held(const std::string& addr) {
  return static_cast<int64_t>(runtime::json_number(
      runtime::json_field(call(addr, "GET", "/pipelines/p/dead-letters"), "count")));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_replay)

BOOST_AUTO_TEST_CASE(dead_letters_replayed_after_the_target_is_fixed) {
  PostgresServer pg;
  BOOST_REQUIRE_EQUAL(pg.psql("CREATE TABLE items (n bigint PRIMARY KEY, label text, "
                              "CONSTRAINT not_seven CHECK (n % 7 <> 0))"),
                      "");
  TempDir dir;
  // An unbounded source so the pipeline keeps running; only n <= 70 reaches the sink.
  write_file(dir.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 dir.file("state") +
                 "\" }\n"
                 "  source generate gen {\n"
                 "    rate = 500/s\n"
                 "    fields { n = seq()  label = \"item \" + to_string(n) }\n"
                 "  }\n"
                 "  transform t from gen { where n <= 70 }\n"
                 "  sink postgres out from t {\n"
                 "    url = \"" +
                 pg.url() +
                 "\"\n"
                 "    table = \"items\"\n"
                 "    mode = append\n"
                 "    create_tables = false\n"
                 "    batch { rows = 10  delay = 20ms }\n"
                 "    dead_letter = dlq\n"
                 "  }\n"
                 "  sink file dlq { path = \"" +
                 dir.file("dlq.jsonl") +
                 "\" }\n"
                 "}\n");
  const std::string addr = "127.0.0.1:" + std::to_string(free_port());
  Child node({sluice_bin(), "run", dir.file("p.pipe"), "--api", addr});
  auto count = [&] { return pg.psql("SELECT count(*) FROM items"); };

  // 60 rows land; the 10 multiples of seven are dead letters (held by the API, in the file).
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return count() == "60"; }, 30s), count());
  BOOST_REQUIRE(wait_for([&] { return held(addr) == 10; }, 10s));
  BOOST_REQUIRE(wait_for([&] { return read_lines(dir.file("dlq.jsonl")).size() >= 10; }, 10s));
  Value dead = call(addr, "GET", "/pipelines/p/dead-letters");
  const Value& first = runtime::json_field(dead, "dead_letters")->as_list()[0];
  const std::string msg =
      runtime::json_text(runtime::json_field(*runtime::json_field(first, "error"), "message"));
  BOOST_TEST(msg.find("not_seven") != std::string::npos, msg);

  // Replay before the fix: they fail again and come back as dead letters.
  call(addr, "POST", "/pipelines/p/dead-letters/replay?stage=nope", 404);
  Value r0 = call(addr, "POST", "/pipelines/p/dead-letters/replay");
  BOOST_TEST(runtime::json_number(runtime::json_field(r0, "replayed")) == 10);
  BOOST_REQUIRE(wait_for([&] { return held(addr) == 10; }, 10s));
  BOOST_TEST(count() == "60");

  // The fix, then the replay: every record is in the table exactly once.
  BOOST_REQUIRE_EQUAL(pg.psql("ALTER TABLE items DROP CONSTRAINT not_seven"), "");
  Value r = call(addr, "POST", "/pipelines/p/dead-letters/replay?stage=out");
  BOOST_TEST(runtime::json_number(runtime::json_field(r, "replayed")) == 10);
  BOOST_TEST(runtime::json_number(runtime::json_field(*runtime::json_field(r, "stages"), "out")) ==
             10);
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return count() == "70"; }, 15s), count());
  BOOST_TEST(held(addr) == 0);
  BOOST_TEST(pg.psql("SELECT count(DISTINCT n), min(n), max(n), sum(n) FROM items") ==
             "70|1|70|2485");
  BOOST_TEST(pg.psql("SELECT label FROM items WHERE n = 49") == "item 49");
  // Nothing left to replay.
  Value r2 = call(addr, "POST", "/pipelines/p/dead-letters/replay");
  BOOST_TEST(runtime::json_number(runtime::json_field(r2, "replayed")) == 0);

  node.signal(SIGTERM);
  auto res = node.wait(30s);
  BOOST_TEST(res.exit_code == 0, res.err);
}

BOOST_AUTO_TEST_SUITE_END()
