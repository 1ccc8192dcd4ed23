// `sluice test` (issue 22 point 3): pipeline unit tests written in the language, run by the real
// binary on the real engine with no servers; the example pipelines carry tests that pass.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "support/process.h"

using namespace sluice::test;

namespace {

// Sources and sinks that could never be opened here: a test must not touch them.
const char* kShop = R"(pipeline shop {
  source mysql db {
    host = "192.0.2.1"  user = "nobody"  password = secret("NOT_SET")  server_id = 9
    tables = ["orders"]
  }
  transform vip from db {
    where amount > 1000
    set vip = true
    set seen_at = now()
  }
  transform checked from db {
    dead_letter = dlq
    require amount > 0 else "amount must be positive"
  }
  aggregate totals from checked {
    group by customer
    orders = count()
    total  = sum(amount)
  }
  join enriched from checked, customers on customer {
    set name = customers.name
  }
  transform customers from db { where @table == "customers" }
  sink postgres out from vip { url = env("NO_SUCH_URL") table = "orders" }
  sink file dlq { path = "DLQ_PATH" }
}

test "big orders are vip" of shop {
  input db = [ { id: 1, amount: 10 }, { id: 2, amount: 5000.50 } ]
  expect vip = [ { id: 2, amount: 5000.50, vip: true,
                   seen_at: to_timestamp("2024-01-01T00:00:00Z") } ]
  expect out = [ { id: 2, amount: 5000.50, vip: true,
                   seen_at: to_timestamp("2024-01-01T00:00:00Z") } ]
}

test "updates and deletes keep their op and before image" of shop {
  input db = [ { @op: "u", @before: { id: 3, amount: 1 }, id: 3, amount: 2000 },
               { @op: "d", id: 4, amount: 3000 } ]
  expect vip = [ { @op: "u", @before: { id: 3, amount: 1 }, id: 3, amount: 2000, vip: true,
                   seen_at: to_timestamp("2024-01-01T00:00:00Z") },
                 { @op: "d", id: 4, amount: 3000, vip: true,
                   seen_at: to_timestamp("2024-01-01T00:00:00Z") } ]
}

test "amounts are summed per customer, exactly" of shop {
  input checked = [ { customer: "a", amount: 10.25 }, { customer: "a", amount: 4.75 },
                    { customer: "b", amount: 1 } ]
  expect totals = [ { customer: "a", orders: 2, total: 15.00 },
                    { customer: "b", orders: 1, total: 1 } ]
}

test "rejected records reach the dead-letter sink" of shop {
  input db = [ { customer: "a", amount: -1 }, { customer: "a", amount: 2 } ]
  expect_dead_letters checked = 1
  expect dlq = [ { customer: "a", amount: -1 } ]
}

test "a join with one side given" of shop {
  input checked = [ { customer: "a", amount: 3 } ]
  expect enriched = [ { customer: "a", amount: 3, name: null } ]
}
)";

const char* kFailing = R"(pipeline p {
  source generate g { count = 3  fields { n = seq() } }
  transform t from g { set half = n / 2 }
  sink null out from t {}
}
test "wrong type and a missing record" of p {
  input g = [ { n: 4 } ]
  expect t = [ { n: 4, half: 2 }, { n: 5, half: 2.5 } ]
  expect_dead_letters t = 2
}
test "passes" of p {
  input g = [ { n: 1 } ]
  expect_dead_letters t = 0
}
)";

// Writes `text` to NAME in `dir` and returns the path.
std::string pipe_file(const TempDir& dir, const std::string& name, const std::string& text) {
  write_file(dir.file(name), text);
  return dir.file(name);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pipeline_tests)

BOOST_AUTO_TEST_CASE(passing_tests_touch_no_source_or_sink) {
  TempDir dir;
  std::string shop = kShop;
  shop.replace(shop.find("DLQ_PATH"), 8, dir.file("dlq.jsonl"));
  auto r =
      run_sluice({"test", pipe_file(dir, "shop.pipe", shop)}, {}, "", std::chrono::seconds(60));
  BOOST_TEST_INFO(r.out << r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("5 tests: 5 passed, 0 failed") != std::string::npos);
  BOOST_TEST(r.out.find("  ok    big orders are vip") != std::string::npos);
  // The file sink receiving the dead letters was never opened (it would create the file).
  BOOST_TEST(!std::filesystem::exists(dir.file("dlq.jsonl")));
}

BOOST_AUTO_TEST_CASE(a_failing_test_prints_a_typed_diff_and_exits_1) {
  TempDir dir;
  std::string path = pipe_file(dir, "p.pipe", kFailing);
  auto r = run_sluice({"test", path});
  BOOST_TEST_INFO(r.out << r.err);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("FAIL  wrong type and a missing record (" + path + ":6)") !=
             std::string::npos);
  BOOST_TEST(r.out.find("expect t (line 8): 2 records expected, 1 received") != std::string::npos);
  BOOST_TEST(r.out.find("- {\"n\":4,\"half\":2}") != std::string::npos);
  BOOST_TEST(r.out.find("+ {\"n\":4,\"half\":2.000000}") != std::string::npos);
  BOOST_TEST(r.out.find("half: expected 2 (int), got 2.000000 (decimal)") != std::string::npos);
  BOOST_TEST(r.out.find("- {\"n\":5,\"half\":2.5}") != std::string::npos);
  BOOST_TEST(r.out.find("expect_dead_letters t (line 9): expected 2, got 0") != std::string::npos);
  BOOST_TEST(r.out.find("  ok    passes") != std::string::npos);
  BOOST_TEST(r.out.find("2 tests: 1 passed, 1 failed") != std::string::npos);
}

// A wrong dead-letter count shows the stage's dead letters with their reasons; a stage that
// fails the pipeline (on_error = fail, no dead_letter) says so.
BOOST_AUTO_TEST_CASE(dead_letter_counts_show_the_reasons) {
  TempDir dir;
  auto r = run_sluice({"test", pipe_file(dir, "dl.pipe", R"(pipeline p {
  source generate g { count = 1  fields { n = seq() } }
  transform t from g { require n > 1 else "n must exceed 1" }
  sink null o from t {}
}
test "d" of p { input g = [ { n: 1 }, { n: 0 } ]  expect_dead_letters t = 0 }
)")});
  BOOST_TEST_INFO(r.out << r.err);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("the pipeline failed: pipeline 'p': stage 't' failed") !=
             std::string::npos);
  BOOST_TEST(r.out.find("require: n must exceed 1 | {\"n\":1}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_tests_and_invalid_tests_exit_1) {
  TempDir dir;
  auto none = run_sluice({"test", pipe_file(dir, "none.pipe", R"(pipeline p {
  source generate g { count = 1  fields { n = seq() } }
  sink null out from g {}
}
)")});
  BOOST_TEST(none.exit_code == 1);
  BOOST_TEST(none.err.find("no tests in") != std::string::npos);
  auto bad = run_sluice({"test", pipe_file(dir, "bad.pipe", R"(pipeline p {
  source generate g { count = 1  fields { n = seq() } }
  sink null out from g {}
}
test "t" of p { expect outt = [] }
)")});
  BOOST_TEST(bad.exit_code == 1);
  BOOST_TEST(bad.err.find("bad.pipe:5:24: error: pipeline 'p' has no stage 'outt'") !=
             std::string::npos);
  auto check = run_sluice({"check", dir.file("bad.pipe")});
  BOOST_TEST(check.exit_code == 1);
  BOOST_TEST(run_sluice({"test"}).exit_code == 2);
}

// Every example pipeline carries tests, and they pass.
BOOST_AUTO_TEST_CASE(example_pipelines_have_passing_tests) {
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() + "/pipelines")) {
    if (entry.path().extension() != ".pipe") continue;
    auto r =
        run_sluice({"test", entry.path().string()}, {}, source_dir(), std::chrono::seconds(60));
    BOOST_TEST_CONTEXT(entry.path().filename().string()) {
      BOOST_TEST_INFO(r.out << r.err);
      BOOST_TEST(r.exit_code == 0);
      BOOST_TEST(r.out.find(" 0 failed") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
