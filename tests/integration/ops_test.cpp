// Operating a running node: `sluice run --metrics` (Prometheus scrape, /health, /ready) and
// `--api` (management API, token, TLS, cross-origin refusal, pause /
// resume, dead letters), `sluice status`, `sluice graph --endpoint / --format svg`,
// --log-format json, progress lines, the docs drift check and the compose file validation.
#include <boost/test/unit_test.hpp>
#include <map>
#include <sstream>

#include "base/json.h"
#include "runtime/http_client.h"
#include "runtime/json_fields.h"
#include "support/api_wait.h"
#include "support/free_port.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

// Every sample of a Prometheus text page; fails on a malformed line.
std::map<std::string, double> scrape(const std::string& addr) {
  auto r = runtime::http_request(addr, "GET", "/metrics");
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_REQUIRE_EQUAL(r->status, 200);
  std::map<std::string, double> out;
  std::istringstream in(r->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    BOOST_REQUIRE_MESSAGE(sp != std::string::npos && line.find('{') != std::string::npos, line);
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

Value get_json(const std::string& addr, const std::string& method, const std::string& path,
               int status = 200) {
  auto r = runtime::http_request(addr, method, path);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_MESSAGE(r->status == status, path << ": " << r->status << " " << r->body);
  auto v = json::parse(r->body);
  BOOST_REQUIRE_MESSAGE(v.ok(), r->body);
  return std::move(v).value();
}

const std::string kOut = "sluice_stage_events_out_total{pipeline=\"p\",stage=\"gen\"}";

}  // namespace

BOOST_AUTO_TEST_SUITE(ops)

BOOST_AUTO_TEST_CASE(metrics_api_pause_resume_status_graph) {
  TempDir dir;
  // Unbounded, paced: every 7th record fails a rule and goes to the dead-letter file.
  write_file(dir.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 dir.file("state") +
                 "\" }\n"
                 "  source generate gen {\n"
                 "    rate = 20000/s\n"
                 "    fields { n = seq() }\n"
                 "  }\n"
                 "  transform t from gen {\n"
                 "    require n % 7 != 0 else \"multiple of seven\"\n"
                 "    dead_letter = dlq\n"
                 "  }\n"
                 "  sink null out from t { }\n"
                 "  sink file dlq { path = \"" +
                 dir.file("dlq.jsonl") +
                 "\" }\n"
                 "}\n");
  const std::string metrics = "127.0.0.1:" + std::to_string(free_port());
  const std::string addr = "127.0.0.1:" + std::to_string(free_port());
  Child node({sluice_bin(), "run", dir.file("p.pipe"), "--metrics", metrics, "--api", addr});
  BOOST_REQUIRE_MESSAGE(wait_api(addr), "the API did not come up");

  // Two scrapes: counters increase, histograms and lag are there.
  std::this_thread::sleep_for(500ms);
  auto m1 = scrape(metrics);
  std::this_thread::sleep_for(1500ms);
  auto m2 = scrape(metrics);
  BOOST_REQUIRE(m1.count(kOut) && m2.count(kOut));
  BOOST_TEST(m2[kOut] > m1[kOut]);
  const std::string t_in = "sluice_stage_events_in_total{pipeline=\"p\",stage=\"t\"}";
  BOOST_TEST(m2[t_in] > m1[t_in]);
  BOOST_TEST(m2["sluice_stage_dead_letters_total{pipeline=\"p\",stage=\"t\"}"] > 0);
  BOOST_TEST(m2["sluice_stage_events_in_total{pipeline=\"p\",stage=\"dlq\"}"] > 0);
  BOOST_TEST(m2.count("sluice_source_lag_seconds{pipeline=\"p\",stage=\"gen\"}") == 1);
  BOOST_TEST(m2["sluice_sink_write_duration_seconds_count{pipeline=\"p\",stage=\"out\"}"] > 0);
  BOOST_TEST(m2["sluice_sink_batch_records_bucket{pipeline=\"p\",stage=\"out\",le=\"+Inf\"}"] ==
             m2["sluice_sink_batch_records_count{pipeline=\"p\",stage=\"out\"}"]);
  BOOST_TEST(m2["sluice_pipeline_info{pipeline=\"p\",state=\"running\"}"] == 1);

  // The metrics listener is read-only: health, readiness, nothing that changes state.
  auto health = runtime::http_request(metrics, "GET", "/health");
  BOOST_REQUIRE(health.ok());
  BOOST_TEST(health->status == 200);
  auto ready = runtime::http_request(metrics, "GET", "/ready");
  BOOST_REQUIRE(ready.ok());
  BOOST_TEST(ready->status == 200);
  for (const char* path : {"/pipelines", "/pipelines/p", "/pipelines/p/dead-letters"}) {
    auto r = runtime::http_request(metrics, "GET", path);
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->status == 404, path);
  }
  auto no_pause = runtime::http_request(metrics, "POST", "/pipelines/p/pause", "", 5000);
  BOOST_REQUIRE(no_pause.ok());
  BOOST_TEST(no_pause->status == 404);
  auto no_post = runtime::http_request(metrics, "POST", "/metrics", "", 5000);
  BOOST_REQUIRE(no_post.ok());
  BOOST_TEST(no_post->status == 405);

  // The management API.
  Value list = get_json(addr, "GET", "/pipelines");
  const Value* ps = runtime::json_field(list, "pipelines");
  BOOST_REQUIRE(ps && ps->type() == Type::List && ps->as_list().size() == 1);
  BOOST_TEST(runtime::json_text(runtime::json_field(ps->as_list()[0], "name")) == "p");
  BOOST_TEST(runtime::json_text(runtime::json_field(ps->as_list()[0], "state")) == "running");
  Value detail = get_json(addr, "GET", "/pipelines/p");
  BOOST_TEST(runtime::json_field(detail, "stages")->as_list().size() == 4u);
  BOOST_TEST(runtime::json_number(
                 runtime::json_field(*runtime::json_field(detail, "last_checkpoint"), "id")) > 0);
  Value dead = get_json(addr, "GET", "/pipelines/p/dead-letters?limit=5");
  BOOST_TEST(runtime::json_number(runtime::json_field(dead, "count")) == 5);
  const Value& first = runtime::json_field(dead, "dead_letters")->as_list()[0];
  BOOST_TEST(runtime::json_text(runtime::json_field(*runtime::json_field(first, "error"),
                                                    "message")) == "multiple of seven");
  get_json(addr, "POST", "/pipelines/p/reload", 400);  // hot reload needs the file as the body
  get_json(addr, "GET", "/pipelines/nope", 404);

  // Pause: the source stops (rate 0); resume: it moves again.
  get_json(addr, "POST", "/pipelines/p/pause");
  std::this_thread::sleep_for(400ms);
  const double a = scrape(metrics)[kOut];
  std::this_thread::sleep_for(1200ms);
  const double b = scrape(metrics)[kOut];
  BOOST_TEST(a == b);
  BOOST_TEST(runtime::json_text(
                 runtime::json_field(get_json(addr, "GET", "/pipelines/p"), "state")) == "paused");
  auto paused_status = run_sluice({"status", "--endpoint", addr});
  BOOST_TEST(paused_status.out.find("paused") != std::string::npos, paused_status.out);
  get_json(addr, "POST", "/pipelines/p/resume");
  std::this_thread::sleep_for(1200ms);
  BOOST_TEST(scrape(metrics)[kOut] > b);

  // status prints the table.
  auto st = run_sluice({"status", "--endpoint", addr});
  BOOST_TEST(st.exit_code == 0, st.err);
  BOOST_TEST(st.out.find("PIPELINE") != std::string::npos, st.out);
  BOOST_TEST(st.out.find("running") != std::string::npos, st.out);
  BOOST_TEST(st.out.find("source generate") != std::string::npos, st.out);
  BOOST_TEST(st.out.find("dlq") != std::string::npos, st.out);

  // graph with live rates.
  auto g = run_sluice({"graph", dir.file("p.pipe"), "--endpoint", addr});
  BOOST_TEST(g.exit_code == 0, g.err);
  BOOST_TEST(g.out.find("\"p__gen\" -> \"p__t\" [label=\"") != std::string::npos, g.out);
  BOOST_TEST(g.out.find("/s") != std::string::npos, g.out);
  BOOST_TEST(g.out.find("lag ") != std::string::npos, g.out);
  BOOST_TEST(g.out.find("dead letters: ") != std::string::npos, g.out);

  node.signal(SIGTERM);
  auto r = node.wait(60s);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("serving /metrics") != std::string::npos, r.err);
  // The endpoint is gone with the process; status says so.
  auto gone = run_sluice({"status", "--endpoint", addr});
  BOOST_TEST(gone.exit_code == 3);
  BOOST_TEST(gone.err.find("cannot reach") != std::string::npos, gone.err);
}

BOOST_AUTO_TEST_CASE(metrics_usage_errors) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n  source generate gen { count = 1  fields { n = seq() } }\n"
             "  sink null out from gen { }\n}\n");
  BOOST_TEST(run_sluice({"run", dir.file("p.pipe"), "--metrics", "nonsense"}).exit_code == 2);
  BOOST_TEST(run_sluice({"run", dir.file("p.pipe"), "--log-format", "xml"}).exit_code == 2);
  BOOST_TEST(run_sluice({"status", "extra"}).exit_code == 2);
  BOOST_TEST(run_sluice({"status", "--help"}).exit_code == 0);
  // issue 21: no API on a network address without a token.
  auto open = run_sluice({"run", dir.file("p.pipe"), "--api", "0.0.0.0:0"});
  BOOST_TEST(open.exit_code == 2);
  BOOST_TEST(open.err.find("not a loopback address: give a token") != std::string::npos, open.err);
  auto half =
      run_sluice({"run", dir.file("p.pipe"), "--api", "127.0.0.1:0", "--api-tls-cert", "x"});
  BOOST_TEST(half.exit_code == 2);
  BOOST_TEST(half.err.find("both a certificate and a key") != std::string::npos, half.err);
}

// issue 21: a node's API on every interface with a token file: nothing without the token, the
// CLI with SLUICE_API_TOKEN works, the token never shows in the log.
BOOST_AUTO_TEST_CASE(api_with_a_token_on_every_interface) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n  settings { state_dir = \"" + dir.file("state") +
                 "\" }\n  source generate gen { rate = 100/s  fields { n = seq() } }\n"
                 "  sink null out from gen { }\n}\n");
  const std::string token = "tok-7f3a9c1e55d2b8a4";
  write_file(dir.file("token"), token + "\n");
  const int port = free_port();
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  Child node({sluice_bin(), "run", dir.file("p.pipe"), "--api", "0.0.0.0:" + std::to_string(port),
              "--api-token-file", dir.file("token")});
  BOOST_REQUIRE_MESSAGE(wait_api(addr, 401), "the API did not come up with 401");
  auto denied = run_sluice({"status", "--endpoint", addr});
  BOOST_TEST(denied.exit_code == 3);
  BOOST_TEST(denied.err.find("401") != std::string::npos, denied.err);
  auto paused = run_sluice({"status", "--endpoint", addr}, {"SLUICE_API_TOKEN=wrong"});
  BOOST_TEST(paused.exit_code == 3);
  auto st = run_sluice({"status", "--endpoint", addr}, {"SLUICE_API_TOKEN=" + token});
  BOOST_TEST(st.exit_code == 0, st.err);
  BOOST_TEST(st.out.find("running") != std::string::npos, st.out);
  node.signal(SIGTERM);
  auto r = node.wait(60s);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("bearer token required") != std::string::npos, r.err);
  BOOST_TEST(r.err.find(token) == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(json_logs_and_progress_lines) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 dir.file("state") +
                 "\" }\n"
                 "  source generate gen {\n"
                 "    count = 60000\n"
                 "    rate = 30000/s\n"
                 "    fields { n = seq() }\n"
                 "  }\n"
                 "  sink null out from gen { }\n"
                 "}\n");
  auto r = run_sluice(
      {"run", dir.file("p.pipe"), "--log-format", "json", "--progress-interval", "500ms"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  int json_lines = 0, progress = 0;
  std::istringstream in(r.err);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] != '{') continue;
    BOOST_TEST(json::parse(line).ok(), line);
    ++json_lines;
    if (line.find("\"component\":\"progress\"") != std::string::npos &&
        line.find("progress: p/gen ") != std::string::npos &&
        line.find("/60000 records") != std::string::npos) {
      ++progress;
    }
  }
  BOOST_TEST(json_lines >= 2, r.err);
  BOOST_TEST(progress >= 2, r.err);
  BOOST_TEST(r.err.find(" INFO ") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(graph_svg) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n  source generate gen { count = 1  fields { n = seq() } }\n"
             "  sink null out from gen { }\n}\n");
  // Without Graphviz on PATH: a clear message.
  auto none = run_sluice({"graph", dir.file("p.pipe"), "--format", "svg"}, {"PATH=" + dir.str()});
  BOOST_TEST(none.exit_code == 3);
  BOOST_TEST(none.err.find("Graphviz") != std::string::npos, none.err);
  if (::access("/usr/bin/dot", X_OK) != 0) {
    BOOST_TEST_MESSAGE("graphviz not installed: svg rendering not tested");
    return;
  }
  auto svg = run_sluice({"graph", dir.file("p.pipe"), "--format", "svg"});
  BOOST_TEST(svg.exit_code == 0, svg.err);
  BOOST_TEST(svg.out.find("<svg") != std::string::npos);
  BOOST_TEST(svg.out.find("p__gen") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(operator_docs_are_up_to_date) {
  auto r = run_sluice({"docs", "--check"}, {}, source_dir());
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(read_file(source_dir() + "/docs/operators/index.md").find("source generate") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(compose_file_is_valid) {
  BOOST_REQUIRE(std::filesystem::exists(source_dir() + "/docker/compose.yml"));
  BOOST_REQUIRE(std::filesystem::exists(source_dir() + "/docker/Dockerfile"));
  const std::string compose = read_file(source_dir() + "/docker/compose.yml");
  for (const char* s :
       {"mariadb:10.11", "binlog-format=ROW", "binlog-row-image=FULL", "binlog-row-metadata=FULL",
        "postgres", "KAFKA_PROCESS_ROLES", "mongo", "pipelines/mysql_to_ods.pipe"}) {
    BOOST_TEST(compose.find(s) != std::string::npos, s);
  }
  if (::access("/usr/bin/docker-compose", X_OK) != 0) {
    BOOST_TEST_MESSAGE("docker-compose not installed: compose validation not run");
    return;
  }
  Child c({"/usr/bin/docker-compose", "-f", source_dir() + "/docker/compose.yml", "config", "-q"});
  auto r = c.wait(60s);
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
