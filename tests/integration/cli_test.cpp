// The sluice command line: help, usage errors, check, graph (DSL.md §11).
#include <boost/test/unit_test.hpp>

#include "support/process.h"

using namespace sluice::test;

namespace {
const char* kValid = R"(pipeline demo {
  source generate gen {
    count = 10
    fields { n = seq() }
  }
  transform t from gen {
    set doubled = n * 2
    parallelism = 2
    dead_letter = dlq
  }
  sink file out from t { path = "out.jsonl" }
  sink file dlq { path = "dlq.jsonl" }
}
)";
}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(help_for_every_command) {
  for (const char* cmd : {"check", "graph", "run", "list"}) {
    auto r = run_sluice({cmd, "--help"});
    BOOST_TEST_CONTEXT(cmd) {
      BOOST_TEST(r.exit_code == 0);
      BOOST_TEST(r.out.find("usage: sluice") != std::string::npos);
    }
  }
  auto r = run_sluice({"help"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("check FILE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  BOOST_TEST(run_sluice({}).exit_code == 2);
  BOOST_TEST(run_sluice({"frobnicate"}).exit_code == 2);
  BOOST_TEST(run_sluice({"check"}).exit_code == 2);
  BOOST_TEST(run_sluice({"run", "a.pipe", "--no-such-flag"}).exit_code == 2);
  BOOST_TEST(run_sluice({"run", "a.pipe", "--exit-when-idle", "soon"}).exit_code == 2);
  BOOST_TEST(run_sluice({"graph", "a.pipe", "--format", "png"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(check_valid_and_invalid) {
  TempDir dir;
  write_file(dir.file("ok.pipe"), kValid);
  auto ok = run_sluice({"check", dir.file("ok.pipe")});
  BOOST_TEST(ok.exit_code == 0, ok.err);

  write_file(dir.file("bad.pipe"),
             "pipeline demo {\n"
             "  source generate gen { count = 10  fields { n = seq() } }\n"
             "  transform t from nowhere { set x = upper(3) }\n"
             "  sink file out from t { pth = \"x\" }\n"
             "}\n");
  auto bad = run_sluice({"check", dir.file("bad.pipe")});
  BOOST_TEST(bad.exit_code == 1);
  // FILE:LINE:COL: error: message, the source line and a caret; all errors in one run.
  BOOST_TEST(bad.err.find(dir.file("bad.pipe") + ":3:") != std::string::npos, bad.err);
  BOOST_TEST(bad.err.find(dir.file("bad.pipe") + ":4:") != std::string::npos, bad.err);
  BOOST_TEST(bad.err.find("error:") != std::string::npos);
  BOOST_TEST(bad.err.find("nowhere") != std::string::npos);
  BOOST_TEST(bad.err.find("pth") != std::string::npos);
  BOOST_TEST(bad.err.find("^") != std::string::npos);
  BOOST_TEST(bad.err.find("  transform t from nowhere") != std::string::npos);

  // mysql `start` takes earliest/latest bare (DSL.md §9) besides "FILE:POS" and gtid("..."),
  // and names the option when a bare word is anything else.
  auto mysql_start = [&](const std::string& start) {
    write_file(dir.file("my.pipe"),
               "pipeline demo {\n"
               "  source mysql db { host = \"h\" user = \"u\" password = env(\"P\")\n"
               "    server_id = 7 snapshot = never start = " +
                   start +
                   " }\n"
                   "  sink null out from db { }\n"
                   "}\n");
    return run_sluice({"check", dir.file("my.pipe")});
  };
  for (const char* ok_start :
       {"earliest", "latest", "\"mysql-bin.000001:4\"", "gtid(\"0-1-42\")"}) {
    auto r = mysql_start(ok_start);
    BOOST_TEST(r.exit_code == 0, ok_start << ": " << r.err);
  }
  auto bad_start = mysql_start("earlist");
  BOOST_TEST(bad_start.exit_code == 1);
  BOOST_TEST(bad_start.err.find("option 'start'") != std::string::npos, bad_start.err);

  auto missing = run_sluice({"check", dir.file("missing.pipe")});
  BOOST_TEST(missing.exit_code == 1);
  BOOST_TEST(missing.err.find("missing.pipe") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(check_shipped_pipelines) {
  auto r = run_sluice({"check", source_dir() + "/pipelines/github_events.pipe"});
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(graph_formats) {
  TempDir dir;
  write_file(dir.file("ok.pipe"), kValid);
  auto dot = run_sluice({"graph", dir.file("ok.pipe")});
  BOOST_TEST(dot.exit_code == 0, dot.err);
  BOOST_TEST(dot.out.find("digraph") != std::string::npos);
  BOOST_TEST(dot.out.find("\"demo__gen\" -> \"demo__t\"") != std::string::npos, dot.out);
  BOOST_TEST(dot.out.find("x2") != std::string::npos);  // parallelism shown
  BOOST_TEST(dot.out.find("dead letters") != std::string::npos);
  auto mer = run_sluice({"graph", dir.file("ok.pipe"), "--format", "mermaid"});
  BOOST_TEST(mer.exit_code == 0, mer.err);
  BOOST_TEST(mer.out.find("flowchart LR") != std::string::npos);
  BOOST_TEST(mer.out.find("demo__t --> demo__out") != std::string::npos, mer.out);
}

BOOST_AUTO_TEST_CASE(list_prints_registry) {
  auto r = run_sluice({"list"});
  BOOST_TEST(r.exit_code == 0);
  for (const char* k :
       {"source file", "source generate", "sink file", "sink stdout", "sink null"}) {
    BOOST_TEST(r.out.find(k) != std::string::npos, k);
  }
}

BOOST_AUTO_TEST_SUITE_END()
