// `sluice run --watch` and `sluice reload` (issue 7): a generate source at 10,000 records/s
// is reloaded several times (through the watched file and the control endpoint); every key
// reaches the file sink exactly once, each pause is under 1 s, an invalid file is reported
// with the `check` diagnostics and the graph keeps running.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "run_support.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;

namespace {

std::string pipeline(const std::string& out, const std::string& transform,
                     const std::string& extra_stage, const std::string& sink_from,
                     const std::string& sink_opts) {
  return "pipeline live {\n"
         "  settings { checkpoint_interval = 200ms }\n"
         "  source generate gen { count = 80000  rate = 10000/s  fields { n = seq() } }\n"
         "  transform t from gen { " +
         transform + " }\n" + extra_stage + "  sink file out from " + sink_from + " { path = \"" +
         out + "\" " + sink_opts +
         " }\n"
         "}\n";
}

// Waits until `pred(stderr so far)` holds.
template <class Pred>
bool wait_err(const Child& c, Pred pred, int timeout_ms = 20000) {
  for (int t = 0; t < timeout_ms; t += 20) {
    if (pred(read_file(c.err_path()))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// Replaces the file atomically (the watcher never sees half a file).
void replace_file(const std::string& path, const std::string& text) {
  write_file(path + ".tmp", text);
  std::filesystem::rename(path + ".tmp", path);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reload)

BOOST_AUTO_TEST_CASE(watch_and_endpoint_reloads_under_load_keep_every_key_once) {
  TempDir tmp;
  const std::string out = tmp.file("out.jsonl");
  const std::string pipe = tmp.file("live.pipe");
  const std::string t1 = "set v = n * 2";
  write_file(pipe, pipeline(out, t1, "", "t", ""));
  Child node({sluice_bin(), "run", pipe, "--watch", "--api", "127.0.0.1:0", "--state-dir",
              tmp.file("state"), "--exit-when-idle", "1s", "--quiet"});
  std::smatch m;
  int port = 0;
  BOOST_REQUIRE(wait_err(node, [&](const std::string& e) {
    static const std::regex re("management API on http://127.0.0.1:([0-9]+)");
    if (!std::regex_search(e, m, re)) return false;
    port = std::stoi(m[1]);
    return true;
  }));
  const std::string endpoint = "127.0.0.1:" + std::to_string(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // 1. watch: the transform's statement changes
  replace_file(pipe, pipeline(out, "set v = n * 3", "", "t", ""));
  auto reloads = [](size_t n) {
    return [n](const std::string& e) { return count_of(e, "reload of live: pause") >= n; };
  };
  BOOST_REQUIRE_MESSAGE(wait_err(node, reloads(1)), read_file(node.err_path()));
  std::string err = read_file(node.err_path());
  BOOST_TEST(err.find("replaced [t]") != std::string::npos);
  BOOST_TEST(err.find("kept [gen, out]") != std::string::npos);

  // 2. watch: an invalid file is reported like `check` does; nothing changes
  replace_file(pipe, pipeline(out, "set v = n *", "", "t", ""));
  BOOST_REQUIRE(wait_err(
      node, [](const std::string& e) { return e.find("is invalid") != std::string::npos; }));
  err = read_file(node.err_path());
  BOOST_TEST(err.find(pipe + ":4:") != std::string::npos);  // FILE:LINE:COL
  BOOST_TEST(err.find("^") != std::string::npos);           // the caret line
  BOOST_TEST(count_of(err, "reload of live:") == 1u);

  // 3. watch: a stage is added
  const std::string stage_u = "  transform u from t { set w = 1 }\n";
  replace_file(pipe, pipeline(out, "set v = n * 3", stage_u, "u", ""));
  BOOST_REQUIRE(wait_err(node, reloads(2)));
  err = read_file(node.err_path());
  BOOST_TEST(err.find("added [u]") != std::string::npos);

  // 4. the control endpoint (`sluice reload`): a sink option changes
  const std::string other = tmp.file("other.pipe");
  write_file(other, pipeline(out, "set v = n * 3", stage_u, "u", "buffer = 5000"));
  auto rr = run_sluice({"reload", other, "--endpoint", endpoint});
  BOOST_TEST_INFO(rr.out + rr.err);
  BOOST_TEST(rr.exit_code == 0);
  BOOST_TEST(rr.out.find("reload of live: pause") != std::string::npos);
  BOOST_TEST(rr.out.find("replaced [out]") != std::string::npos);

  // 5. `sluice reload` with an invalid file: the check messages, exit 1
  write_file(other, "pipeline live {\n  source generate gen { count = }\n}\n");
  auto bad = run_sluice({"reload", other, "--endpoint", endpoint});
  BOOST_TEST(bad.exit_code == 1);
  BOOST_TEST(bad.err.find(other + ":2:") != std::string::npos);

  // 6. the control endpoint with one pipeline: the body's file is checked by the node too
  write_file(other, pipeline(out, "set v = n * 4", stage_u, "u", "buffer = 5000"));
  auto one = run_sluice({"reload", other, "--endpoint", endpoint, "--pipeline", "live"});
  BOOST_TEST_INFO(one.out + one.err);
  BOOST_TEST(one.exit_code == 0);
  BOOST_TEST(one.out.find("replaced [t]") != std::string::npos);

  auto res = node.wait(std::chrono::seconds(120));
  BOOST_TEST_INFO(res.err);
  BOOST_TEST(res.exit_code == 0);

  // Every key exactly once.
  auto ns = after_ints(out, "n");
  std::sort(ns.begin(), ns.end());
  BOOST_REQUIRE_EQUAL(ns.size(), 80000u);
  for (size_t i = 0; i < ns.size(); ++i) {
    if (ns[i] != static_cast<int64_t>(i + 1)) {
      BOOST_ERROR("key " << i + 1 << " lost or duplicated (found " << ns[i] << ")");
      break;
    }
  }
  // The reloads happened under load: records after the last reload carry its transform.
  auto last = read_jsonl(out).back();
  const Value* v = get(last, "after", "v");
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(v->as_int() == get(last, "after", "n")->as_int() * 4);
  // Every reported pause is under 1 s.
  std::vector<double> pauses;
  const std::string all = res.err + rr.out + one.out;
  static const std::regex pause_re("reload of live: pause ([0-9.]+) ms");
  for (auto it = std::sregex_iterator(all.begin(), all.end(), pause_re);
       it != std::sregex_iterator(); ++it) {
    pauses.push_back(std::stod((*it)[1]));
  }
  BOOST_TEST(pauses.size() == 4u);
  for (double p : pauses) BOOST_TEST(p < 1000.0);
  std::sort(pauses.begin(), pauses.end());
  if (!pauses.empty()) {
    BOOST_TEST_MESSAGE("reload pauses (ms), median " << pauses[pauses.size() / 2]);
  }
}

BOOST_AUTO_TEST_SUITE_END()
