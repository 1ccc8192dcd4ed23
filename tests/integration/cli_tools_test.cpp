// The command line's tools (issue 22, points 5 and 6): eval, --version, --log-level,
// list --json, completions, the man page and the editor syntax files, all from the command
// table, run through the real binary.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <regex>
#include <set>

#include "base/json.h"
#include "dsl/eval/functions.h"
#include "operators/registry.h"
#include "runtime/catalog_json.h"
#include "runtime/command_table.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;

namespace {
// The usage lines of `sluice NAME --help` (up to the first blank line).
std::string usage_of(const std::string& help) { return help.substr(0, help.find("\n\n")); }

std::set<std::string> options_in(const std::string& text) {
  std::set<std::string> out;
  std::regex opt("--[a-z][a-z-]*");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), opt); it != std::sregex_iterator();
       ++it) {
    out.insert(it->str());
  }
  return out;
}

bool have(const char* program) {
  return std::system((std::string("command -v ") + program + " >/dev/null 2>&1").c_str()) == 0;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(cli_tools)

BOOST_AUTO_TEST_CASE(eval_prints_the_value_and_its_type) {
  struct Case {
    std::vector<std::string> args;
    std::string out;
  };
  const std::vector<Case> cases{
      {{"1.10 + 2.205"}, "3.305 (decimal)\n"},  // exact, never a double
      {{"amount * 2", "--row", R"({"amount": 2500})"}, "5000 (int)\n"},
      {{"price * qty", "--row", R"({"price": 19.99, "qty": 3})"}, "59.97 (decimal)\n"},
      {{"upper(name) + \"!\"", "--row", R"({"name": "ada"})"}, "\"ADA!\" (string)\n"},
      {{"missing ?? \"none\""}, "\"none\" (string)\n"},
      {{"@op", "--op", "u"}, "\"u\" (string)\n"},
      {{"@before.x", "--before", R"({"x": 7})"}, "7 (int)\n"},
      {{"if n > 1 then [n, n] else null", "--row", R"({"n": 2})", "--json"}, "[2,2]\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"eval"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_sluice(args);
    BOOST_TEST_CONTEXT(c.args[0]) {
      BOOST_TEST(r.exit_code == 0, r.err);
      BOOST_TEST(r.out == c.out);
    }
  }
}

BOOST_AUTO_TEST_CASE(eval_reports_a_bad_expression_with_a_caret) {
  auto r = run_sluice({"eval", "1 +* 2"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.find("expr:1:4: error:") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("\n1 +* 2\n   ^") != std::string::npos, r.err);
  auto t = run_sluice({"eval", "upper(3)"});
  BOOST_TEST(t.exit_code == 1);
  BOOST_TEST(t.err.find("expr:1:7: error: upper() expects a string") != std::string::npos, t.err);
  // Failing while evaluating (the row is only known then): exit 3.
  auto e = run_sluice({"eval", "to_int(s)", "--row", R"({"s": "x"})"});
  BOOST_TEST(e.exit_code == 3, e.err);
  BOOST_TEST(e.err.find("evaluation failed") != std::string::npos, e.err);
  BOOST_TEST(run_sluice({"eval", "x", "--row", "[1]"}).exit_code == 2);
  BOOST_TEST(run_sluice({"eval", "x", "--op", "z"}).exit_code == 2);
  BOOST_TEST(run_sluice({"eval"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(version_names_the_version_and_the_commit) {
  auto r = run_sluice({"--version"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(std::regex_match(
                 r.out, std::regex("sluice \\d+\\.\\d+\\.\\d+ \\(([0-9a-f]{7,}|unknown)\\)\n")),
             r.out);
}

BOOST_AUTO_TEST_CASE(log_level_option_and_environment) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline demo {\n"
             "  source generate gen { count = 5  fields { n = seq() } }\n"
             "  sink file out from gen { path = \"" +
                 dir.file("out.jsonl") +
                 "\" }\n"
                 "}\n");
  auto debug = run_sluice(
      {"run", dir.file("p.pipe"), "--log-level", "debug", "--state-dir", dir.file("s1")});
  BOOST_TEST(debug.exit_code == 0, debug.err);
  BOOST_TEST(debug.err.find(" debug [engine]") != std::string::npos, debug.err);
  auto info = run_sluice({"run", dir.file("p.pipe"), "--state-dir", dir.file("s2")});
  BOOST_TEST(info.err.find(" info  [engine]") != std::string::npos, info.err);
  BOOST_TEST(info.err.find(" debug ") == std::string::npos, info.err);
  auto quiet =
      run_sluice({"--log-level=error", "run", dir.file("p.pipe"), "--state-dir", dir.file("s3")});
  BOOST_TEST(quiet.exit_code == 0, quiet.err);
  BOOST_TEST(quiet.err.find(" info ") == std::string::npos, quiet.err);
  auto env = run_sluice({"run", dir.file("p.pipe"), "--state-dir", dir.file("s4")},
                        {"SLUICE_LOG_LEVEL=warn"});
  BOOST_TEST(env.err.find(" info ") == std::string::npos, env.err);
  // The option wins over the environment.
  auto both =
      run_sluice({"run", dir.file("p.pipe"), "--state-dir", dir.file("s5"), "--log-level", "debug"},
                 {"SLUICE_LOG_LEVEL=error"});
  BOOST_TEST(both.err.find(" debug [engine]") != std::string::npos, both.err);
  auto bad = run_sluice({"--log-level", "verbose", "check", dir.file("p.pipe")});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("--log-level takes error, warn, info or debug") != std::string::npos,
             bad.err);
}

BOOST_AUTO_TEST_CASE(list_json_has_every_kind_and_function) {
  auto r = run_sluice({"list", "--json"});
  BOOST_TEST(r.exit_code == 0, r.err);
  auto doc = json::parse(r.out);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.err().message));
  const Object& top = doc.value().as_object();
  const Value* ops = top.find(intern("operators"));
  const Value* fns = top.find(intern("functions"));
  BOOST_REQUIRE(ops != nullptr && ops->type() == Type::List);
  BOOST_REQUIRE(fns != nullptr && fns->type() == Type::List);
  std::set<std::string> kinds;
  for (const auto& k : ops->as_list()) {
    const Object& o = k.as_object();
    kinds.insert(o.find(intern("role"))->as_string() + " " + o.find(intern("kind"))->as_string());
    BOOST_TEST((o.find(intern("options")) != nullptr));
  }
  for (const auto& k : operators::registry().all()) {
    BOOST_TEST(kinds.count(std::string(dsl::role_name(k.spec.role)) + " " + k.spec.kind) == 1,
               k.spec.kind);
  }
  std::set<std::string> names;
  for (const auto& f : fns->as_list()) {
    const Object& o = f.as_object();
    names.insert(o.find(intern("name"))->as_string());
    BOOST_TEST(!o.find(intern("signature"))->as_string().empty());
    BOOST_TEST(!o.find(intern("description"))->as_string().empty());
  }
  for (const auto& f : eval::functions()) BOOST_TEST(names.count(f.name) == 1, f.name);
  BOOST_TEST(names.size() == eval::functions().size());
}

BOOST_AUTO_TEST_CASE(every_command_help_matches_the_command_table) {
  for (const auto& c : runtime::commands()) {
    if (c.hidden || c.name == "help") continue;
    auto r = run_sluice({c.name, "--help"});
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(r.exit_code == 0, r.err);
      std::set<std::string> in_help = options_in(r.out);
      for (const auto& o : c.options) BOOST_TEST(in_help.count(o.name) == 1, o.name);
      std::set<std::string> in_table{"--help"};
      for (const auto& o : c.options) in_table.insert(o.name);
      for (const auto& o : options_in(usage_of(r.out))) BOOST_TEST(in_table.count(o) == 1, o);
    }
  }
}

BOOST_AUTO_TEST_CASE(completions_know_every_command) {
  TempDir dir;
  for (const char* shell : {"bash", "zsh"}) {
    auto r = run_sluice({"completions", shell});
    BOOST_TEST_CONTEXT(shell) {
      BOOST_TEST(r.exit_code == 0, r.err);
      for (const auto& c : runtime::commands()) {
        if (c.hidden) continue;
        BOOST_TEST(r.out.find(c.name) != std::string::npos, c.name);
        for (const auto& o : c.options) BOOST_TEST(r.out.find(o.name) != std::string::npos, o.name);
      }
      write_file(dir.file(std::string("sluice.") + shell), r.out);
    }
  }
  BOOST_TEST(std::system(("bash -n " + dir.file("sluice.bash")).c_str()) == 0);
  // The bash script completes: commands, then a command's options and an option's words.
  const std::string probe =
      "source " + dir.file("sluice.bash") +
      "; COMP_WORDS=(sluice gr); COMP_CWORD=1; _sluice; echo \"${COMPREPLY[*]}\";"
      " COMP_WORDS=(sluice graph x.pipe --format ''); COMP_CWORD=4; _sluice; echo "
      "\"${COMPREPLY[*]}\"";
  write_file(dir.file("probe.sh"), probe);
  auto p = Child({"/bin/bash", dir.file("probe.sh")}).wait(std::chrono::seconds(30));
  BOOST_TEST(p.exit_code == 0, p.err);
  BOOST_TEST(p.out == "graph\ndot mermaid svg\n");
  if (have("zsh")) {
    BOOST_TEST(std::system(("zsh -n " + dir.file("sluice.zsh")).c_str()) == 0);
  } else {
    BOOST_TEST_MESSAGE("zsh is not installed: the zsh script's syntax is not checked");
  }
  BOOST_TEST(run_sluice({"completions", "fish"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(man_page_is_the_generated_one) {
  auto r = run_sluice({"man"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out == read_file(source_dir() + "/docs/sluice.1"));
  for (const auto& c : runtime::commands()) {
    std::string name = std::regex_replace(c.name, std::regex("-"), "\\-");  // roff's hyphen
    if (!c.hidden) BOOST_TEST(r.out.find(".SS \"sluice " + name) != std::string::npos, c.name);
  }
}

BOOST_AUTO_TEST_CASE(docs_check_fails_on_a_stale_man_page_or_syntax_file) {
  namespace fs = std::filesystem;
  TempDir root;
  const fs::path src = source_dir();
  fs::create_directories(root.path / "docs");
  fs::copy(src / "docs/operators", root.path / "docs/operators", fs::copy_options::recursive);
  fs::copy(src / "docs/language.md", root.path / "docs/language.md");
  fs::copy(src / "docs/sluice.1", root.path / "docs/sluice.1");
  fs::copy(src / "editors", root.path / "editors", fs::copy_options::recursive);
  auto check = [&] { return run_sluice({"docs", "--check", "--root", root.str()}); };
  auto first = check();
  BOOST_TEST(first.exit_code == 0, first.err);
  for (const char* file : {"docs/sluice.1", "editors/vim/syntax/pipe.vim",
                           "editors/vscode/syntaxes/pipe.tmLanguage.json"}) {
    BOOST_TEST_CONTEXT(file) {
      const std::string path = (root.path / file).string();
      const std::string good = read_file(path);
      write_file(path, good + "stale\n");
      auto r = check();
      BOOST_TEST(r.exit_code == 1);
      BOOST_TEST(r.err.find(path + " is out of date") != std::string::npos, r.err);
      fs::remove(path);
      BOOST_TEST(check().exit_code == 1);
      // `sluice docs` writes it again.
      auto w = run_sluice({"docs", "--root", root.str()});
      BOOST_TEST(w.exit_code == 0, w.err);
      BOOST_TEST(read_file(path) == good);
    }
  }
  BOOST_TEST(check().exit_code == 0);
}

BOOST_AUTO_TEST_CASE(syntax_files_have_the_grammar_keywords_and_functions) {
  const std::string vim = read_file(source_dir() + "/editors/vim/syntax/pipe.vim");
  const std::string tm = read_file(source_dir() + "/editors/vscode/syntaxes/pipe.tmLanguage.json");
  BOOST_TEST(json::parse(tm).ok());
  BOOST_TEST(json::parse(read_file(source_dir() + "/editors/vscode/package.json")).ok());
  for (const char* word : {"pipeline", "transform", "where", "window", "coalesce", "null"}) {
    BOOST_TEST(vim.find(word) != std::string::npos, word);
    BOOST_TEST(tm.find(word) != std::string::npos, word);
  }
  for (const auto& f : eval::functions()) BOOST_TEST(vim.find(f.name) != std::string::npos, f.name);
  if (have("vim")) {
    const std::string cmd = "vim -Es -u NONE -N -c 'syntax on' -c 'source " + source_dir() +
                            "/editors/vim/syntax/pipe.vim' -c 'qa!' </dev/null >/dev/null 2>&1";
    BOOST_TEST(std::system(cmd.c_str()) == 0);
  }
}

BOOST_AUTO_TEST_SUITE_END()
