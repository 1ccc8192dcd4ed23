// The examples of the docs are run: the README's first pipeline prints exactly the output the
// README shows; every pipeline and stage shown in README.md and docs/*.md passes `sluice check`
// and those of the language reference that need no server run to completion; the `sluice eval`,
// `kafka-dev` + kcat, `status` / `top` / `tap` transcripts and the checkpoint.json example are
// run and compared; docs/testing.md's tests print what the page shows (docs/tutorial.md is run
// as a whole by tutorial_test.cpp). Not run: the multi-host command lines of docs/cluster.md
// (tests/cluster runs the same commands on loopback), output samples of benchmarks and of
// MongoDB bulk writes, and the registration snippet of docs/aggregate.md.
// `sluice docs --check` fails, naming the file, when a generated region of the reference drifts.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "doc_blocks.h"
#include "support/api_wait.h"
#include "support/free_port.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;

namespace {

// The bodies of the fenced blocks of `lang` (```pipe ... ```) in Markdown `text`, in order.
std::vector<std::string> fenced(const std::string& text, const std::string& lang) {
  std::vector<std::string> out;
  const std::string open = "```" + lang + "\n";
  for (size_t at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
    size_t body = at + open.size();
    size_t end = text.find("\n```", body - 1);
    if (end == std::string::npos) break;
    out.push_back(text.substr(body, end + 1 - body));
    at = end + 4;
  }
  return out;
}

bool needs_a_server(const std::string& pipe) {
  static const std::regex kinds(R"((source|sink)\s+(mysql|kafka|postgres|mongodb)\b)");
  return std::regex_search(pipe, kinds);
}

// A block that is a pipeline or a stage of one (the reference pages show single stages).
bool is_pipeline_text(const std::string& body) {
  static const std::regex start(R"(^\s*(pipeline|source|sink|transform|aggregate|join)\s+\w+)");
  return std::regex_search(body, start);
}

// A stage fragment as a pipeline `sluice check` can take: the stages it reads from and the
// dead-letter sinks it names, when the fragment does not define them, become generate sources
// and null sinks.
std::string as_pipeline(const std::string& body) {
  if (body.find("pipeline ") != std::string::npos) return body;
  static const std::regex defined(
      R"((?:source|sink)\s+\w+\s+(\w+)|(?:transform|aggregate|join)\s+(\w+))");
  static const std::regex from(R"(\bfrom\s+([\w, ]+?)\s*(?:\bon\b|\{))");
  static const std::regex dead(R"(dead_letter\s*=\s*(\w+))");
  std::set<std::string> have, inputs, sinks;
  for (std::sregex_iterator it(body.begin(), body.end(), defined), end; it != end; ++it) {
    have.insert((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  }
  for (std::sregex_iterator it(body.begin(), body.end(), from), end; it != end; ++it) {
    std::stringstream names((*it)[1].str());
    for (std::string n; std::getline(names, n, ',');) {
      n.erase(0, n.find_first_not_of(' '));
      n.erase(n.find_last_not_of(' ') + 1);
      if (!n.empty() && !have.count(n)) inputs.insert(n);
    }
  }
  for (std::sregex_iterator it(body.begin(), body.end(), dead), end; it != end; ++it) {
    if (!have.count((*it)[1].str())) sinks.insert((*it)[1].str());
  }
  std::string out = "pipeline doc {\n";
  for (const auto& n : inputs) out += "  source generate " + n + " { count = 1 }\n";
  for (const auto& n : sinks) out += "  sink null " + n + " {}\n";
  return out + body + "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(docs_examples)

// Every pipeline and stage shown in the docs passes `sluice check` (options, kinds, functions as
// they are today): a renamed option or function fails here, naming the page and line.
BOOST_AUTO_TEST_CASE(every_pipeline_and_stage_in_the_docs_checks) {
  std::vector<std::string> pages{source_dir() + "/README.md"};
  for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/docs")) {
    // docs/tutorial.md (with a typo on purpose) is run as a whole by tutorial_test.cpp.
    if (e.path().extension() == ".md" && e.path().filename() != "tutorial.md") {
      pages.push_back(e.path().string());
    }
  }
  int checked = 0;
  for (const auto& page : pages) {
    std::string accumulated;  // `<!-- append: F -->` blocks continue the file block before them
    for (const auto& b : doc_blocks(read_file(page))) {
      if (!is_pipeline_text(b.body) && doc_directive(b.directive, "append").empty()) continue;
      if (b.lang != "pipe" && b.lang != "") continue;
      accumulated = doc_directive(b.directive, "append").empty() ? b.body : accumulated + b.body;
      BOOST_TEST_CONTEXT(page << ":" << b.line << ":\n" << b.body) {
        TempDir dir;
        write_file(dir.file("example.pipe"), as_pipeline(accumulated));
        auto c = run_sluice({"check", "example.pipe"}, {}, dir.str());
        BOOST_TEST(c.exit_code == 0, c.err << "\nchecked as:\n" << as_pipeline(accumulated));
        ++checked;
      }
    }
  }
  BOOST_TEST(checked >= 14);
}

// Transcripts of `sluice eval` in the docs (`$ sluice eval ...` then its output): each command
// prints exactly the lines shown under it (standard output and error together).
BOOST_AUTO_TEST_CASE(eval_transcripts_in_the_docs_print_what_they_show) {
  int ran = 0;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/docs")) {
    if (e.path().extension() != ".md") continue;
    for (const auto& b : doc_blocks(read_file(e.path().string()))) {
      std::istringstream in(b.body);
      std::vector<std::pair<std::string, std::string>> steps;  // command, expected output
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("$ ", 0) == 0) {
          steps.emplace_back(line.substr(2), "");
        } else if (!steps.empty()) {
          steps.back().second += line + "\n";
        }
      }
      for (const auto& [cmd, want] : steps) {
        if (cmd.rfind("sluice eval ", 0) != 0) continue;
        BOOST_TEST_CONTEXT(e.path().filename().string() << ":" << b.line << ": " << cmd) {
          Child c({"/bin/bash", "-c", sluice_bin() + cmd.substr(6) + " 2>&1"});
          auto r = c.wait(std::chrono::seconds(30));
          BOOST_TEST(r.out == want);
          ++ran;
        }
      }
    }
  }
  BOOST_TEST(ran >= 5);
}

// The `sluice status`, `top` and `tap` transcripts of docs/operations.md, run against a node
// with the page's pipeline (gen -> t -> out): the same column headers and stage rows, and tap
// lines of the same JSON shape. Values (rates, times) differ from run to run.
BOOST_AUTO_TEST_CASE(operations_transcripts_have_the_shape_shown) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 dir.file("state") +
                 "\" }\n"
                 "  source generate gen { rate = 2000/s  fields { n = seq() } }\n"
                 "  transform t from gen {\n"
                 "    dead_letter = dlq\n"
                 "    require n % 7 != 0 else \"multiple of 7\"\n"
                 "    set doubled = n * 2\n"
                 "  }\n"
                 "  sink null out from t {}\n"
                 "  sink null dlq {}\n"
                 "}\n");
  const std::string addr = "127.0.0.1:" + std::to_string(free_port());
  Child node({sluice_bin(), "run", dir.file("p.pipe"), "--api", addr});
  BOOST_REQUIRE_MESSAGE(wait_api(addr), "the API did not come up");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // rates need two samples
  int ran = 0;
  for (const auto& b : doc_blocks(read_file(source_dir() + "/docs/operations.md"))) {
    if (b.body.rfind("$ sluice ", 0) != 0) continue;
    std::istringstream in(b.body);
    std::string cmd;
    std::getline(in, cmd);
    std::vector<std::string> shown;
    for (std::string l; std::getline(in, l);) shown.push_back(l);
    std::vector<std::string> args;
    std::istringstream words(cmd.substr(9));
    for (std::string w; words >> w;) args.push_back(w == "127.0.0.1:9465" ? addr : w);
    if (args[0] == "top") args.push_back("--once");
    BOOST_TEST_CONTEXT("docs/operations.md:" << b.line << ": " << cmd) {
      auto r = run_sluice(args, {"SLUICE_ENDPOINT=" + addr}, "", std::chrono::seconds(30));
      BOOST_TEST(r.exit_code == 0, r.err);
      std::vector<std::string> got;
      std::istringstream out(r.out);
      for (std::string l; std::getline(out, l);) got.push_back(l);
      if (args[0] == "tap") {
        BOOST_REQUIRE_EQUAL(got.size(), shown.size());
        for (size_t i = 0; i < got.size(); ++i) {
          auto want = json::parse(shown[i]);
          auto have = json::parse(got[i]);
          BOOST_REQUIRE(want.ok() && have.ok());
          std::string wk, hk;
          for (const auto& f : want->as_object().fields()) wk += sym_name(f.name) + " ";
          for (const auto& f : have->as_object().fields()) hk += sym_name(f.name) + " ";
          BOOST_TEST(hk == wk);
        }
      } else {
        // Every header line shown is printed as it is; every row shown starts a printed row.
        for (const auto& line : shown) {
          if (line.empty() || line == "  ..." || line.rfind("sluice top ", 0) == 0) continue;
          bool header = line.find("STAGE") != std::string::npos || line.rfind("PIPELINE", 0) == 0;
          std::istringstream first(line);
          std::string name;
          first >> name;
          bool found = false;
          for (const auto& g : got) {
            if (header ? g == line
                       : g.rfind(line.substr(0, line.find(name) + name.size()), 0) == 0) {
              found = true;
            }
          }
          BOOST_TEST(found, "not printed: " << line << "\noutput:\n" << r.out);
        }
      }
      ++ran;
    }
  }
  BOOST_TEST(ran == 3);
}

// The kafka-dev transcript of docs/kafka.md, run as written (kcat is the real client): a
// command ending in `&` runs in the background and its first line must be the line shown
// under it; every other command prints exactly the lines shown under it.
BOOST_AUTO_TEST_CASE(kafka_dev_transcript_runs_as_shown) {
  std::string block;
  for (const auto& b : doc_blocks(read_file(source_dir() + "/docs/kafka.md"))) {
    if (b.body.rfind("$ sluice kafka-dev", 0) == 0) block = b.body;
  }
  BOOST_REQUIRE(!block.empty());
  std::vector<std::pair<std::string, std::string>> steps;  // command, lines shown
  std::istringstream in(block);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("$ ", 0) == 0) {
      std::string cmd = line.substr(2);
      if (cmd.rfind("sluice ", 0) == 0) cmd = sluice_bin() + cmd.substr(6);
      steps.emplace_back(cmd, "");
    } else {
      steps.back().second += line + "\n";
    }
  }
  std::string script = "set -euo pipefail\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& [cmd, shown] = steps[i];
    std::string out = "out" + std::to_string(i);
    if (cmd.size() > 2 && cmd.substr(cmd.size() - 2) == " &") {
      std::string first = shown.substr(0, shown.find('\n'));
      script += cmd.substr(0, cmd.size() - 2) + " > " + out + " 2>&1 &\n" +
                "trap 'kill $! 2>/dev/null || true' EXIT\n"
                "for _ in $(seq 100); do grep -qx '" +
                first + "' " + out +
                " && break; sleep 0.1; done\n"
                "head -n 1 " +
                out + " > " + out + ".first\n";
      steps[i].second = first + "\n";
    } else {
      script += cmd + " > " + out + "\n";
    }
  }
  TempDir dir;
  write_file(dir.file("transcript.sh"), script);
  Child c({"/bin/bash", dir.file("transcript.sh")}, {}, dir.str());
  auto r = c.wait(std::chrono::seconds(60));
  BOOST_TEST(r.exit_code == 0, r.err);
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string out = dir.file("out" + std::to_string(i));
    bool bg = steps[i].first.size() > 2 && steps[i].first.substr(steps[i].first.size() - 2) == " &";
    BOOST_TEST_CONTEXT(steps[i].first) {
      BOOST_TEST(read_file(bg ? out + ".first" : out) == steps[i].second);
    }
  }
}

// docs/engine.md's checkpoint.json example has the fields (and their order) of a real one.
BOOST_AUTO_TEST_CASE(engine_checkpoint_example_matches_a_real_checkpoint) {
  std::string example;
  for (const auto& b : doc_blocks(read_file(source_dir() + "/docs/engine.md"))) {
    if (b.lang == "json" && b.body.find("\"checkpoint\"") != std::string::npos) example = b.body;
  }
  BOOST_REQUIRE(!example.empty());
  TempDir dir;
  write_file(dir.file("p.pipe"), R"(pipeline p {
  source generate src { count = 100  fields { n = seq() } }
  transform t from src { set m = n  parallelism = 2 }
  sink null out from t {}
}
)");
  auto r = run_sluice({"run", "p.pipe", "--exit-when-idle", "1s"}, {}, dir.str());
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto keys = [](const std::string& text) {
    auto v = json::parse(text);
    BOOST_REQUIRE_MESSAGE(v.ok(), text);
    std::string out;
    for (const auto& f : v->as_object().fields()) {
      out += sym_name(f.name) + ":" + type_name(f.value.type()) + " ";
    }
    return out;
  };
  std::string real = read_file(dir.file("var/p/checkpoint.json"));
  BOOST_TEST(keys(example) == keys(real), "example:\n" << example << "real:\n" << real);
}

// docs/testing.md: its shop pipeline and test give the output shown, then the failing test
// appended to it gives the diff shown, with exit code 1.
BOOST_AUTO_TEST_CASE(testing_page_examples_print_what_the_page_shows) {
  auto blocks = doc_blocks(read_file(source_dir() + "/docs/testing.md"));
  std::vector<std::string> pipes, texts;
  for (const auto& b : blocks) {
    if (b.lang == "pipe") pipes.push_back(b.body);
    if (b.lang == "text") texts.push_back(b.body);
  }
  BOOST_REQUIRE_EQUAL(pipes.size(), 2u);
  BOOST_REQUIRE_EQUAL(texts.size(), 2u);
  TempDir dir;
  write_file(dir.file("shop.pipe"), pipes[0]);
  auto ok = run_sluice({"test", "shop.pipe"}, {}, dir.str());
  BOOST_TEST(ok.exit_code == 0, ok.err);
  BOOST_TEST(ok.out == texts[0]);
  write_file(dir.file("shop.pipe"), pipes[0] + pipes[1]);
  auto failing = run_sluice({"test", "shop.pipe"}, {}, dir.str());
  BOOST_TEST(failing.exit_code == 1, failing.err);
  BOOST_TEST(failing.out == texts[1]);
}

BOOST_AUTO_TEST_CASE(readme_first_pipeline_prints_what_the_readme_shows) {
  const std::string readme = read_file(source_dir() + "/README.md");
  auto pipes = fenced(readme, "pipe");
  auto texts = fenced(readme, "text");
  BOOST_REQUIRE_EQUAL(pipes.size(), 1u);  // the one complete small pipeline
  BOOST_REQUIRE(!texts.empty());
  BOOST_TEST(pipes[0].find("source generate") != std::string::npos);
  BOOST_TEST(pipes[0].find("sink stdout") != std::string::npos);
  TempDir dir;
  write_file(dir.file("hello.pipe"), pipes[0]);
  auto r = run_sluice({"run", "hello.pipe", "--exit-when-idle", "1s"}, {}, dir.str(),
                      std::chrono::seconds(60));
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == texts[0]);
  // The README says a second run resumes from var/hello and prints nothing.
  auto again = run_sluice({"run", "hello.pipe", "--exit-when-idle", "1s"}, {}, dir.str(),
                          std::chrono::seconds(60));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(again.out.empty(), again.out);
}

BOOST_AUTO_TEST_CASE(every_language_reference_pipeline_checks_and_runs) {
  const std::string page = read_file(source_dir() + "/docs/language.md");
  auto pipes = fenced(page, "pipe");
  BOOST_REQUIRE(pipes.size() >= 3u);
  int ran = 0;
  for (size_t i = 0; i < pipes.size(); ++i) {
    BOOST_TEST_CONTEXT("pipe block " << i + 1 << ":\n" << pipes[i]) {
      TempDir dir;
      write_file(dir.file("example.pipe"), pipes[i]);
      auto c = run_sluice({"check", "example.pipe"}, {}, dir.str());
      BOOST_TEST(c.exit_code == 0, c.err);
      BOOST_TEST(c.err.find("warning") == std::string::npos, c.err);
      if (needs_a_server(pipes[i])) continue;
      auto r = run_sluice({"run", "example.pipe", "--exit-when-idle", "1s"}, {}, dir.str(),
                          std::chrono::seconds(60));
      BOOST_TEST(r.exit_code == 0, r.err);
      BOOST_TEST(!r.out.empty());
      ++ran;
    }
  }
  BOOST_TEST(ran >= 2);
}

BOOST_AUTO_TEST_CASE(docs_check_names_a_drifted_language_reference) {
  const std::string page = read_file(source_dir() + "/docs/language.md");
  const std::string marker = "<!-- BEGIN GENERATED: functions -->\n";
  auto at = page.find(marker);
  BOOST_REQUIRE(at != std::string::npos);
  // The generated table lists every function with an example.
  BOOST_TEST(page.find("| `lower(s)` |") != std::string::npos);
  BOOST_TEST(page.find("`secret_file(PATH)`") != std::string::npos);
  BOOST_TEST(page.find("| `checkpoint_interval` |") != std::string::npos);
  TempDir dir;
  std::string stale = page;
  stale.insert(at + marker.size(), "| `old(x)` | a function that no longer exists |\n");
  write_file(dir.file("language.md"), stale);
  auto r = run_sluice({"docs", "--check", "--language", dir.file("language.md")}, {}, source_dir());
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find(dir.file("language.md") + " is out of date") != std::string::npos, r.err);
  // Without its markers the page cannot be generated: an error, not a silent pass.
  std::string no_markers = page;
  no_markers.erase(at, marker.size());
  write_file(dir.file("language.md"), no_markers);
  auto m = run_sluice({"docs", "--check", "--language", dir.file("language.md")}, {}, source_dir());
  BOOST_TEST(m.exit_code == 1);
  BOOST_TEST(m.err.find("functions") != std::string::npos, m.err);
  // `sluice docs` writes the regions back.
  write_file(dir.file("language.md"), stale);
  auto w = run_sluice({"docs", "--out", dir.file("ops"), "--language", dir.file("language.md")}, {},
                      source_dir());
  BOOST_TEST(w.exit_code == 0, w.err);
  BOOST_TEST(read_file(dir.file("language.md")) == page);
}

BOOST_AUTO_TEST_SUITE_END()
