// The command table (runtime/command_table.cpp) and what is generated from it; the log levels.
#include "runtime/command_table.h"

#include <boost/test/unit_test.hpp>
#include <set>

#include "base/logger.h"
#include "dsl/keywords.h"
#include "runtime/command_usage.h"
#include "runtime/man_page.h"
#include "runtime/shell_completions.h"

using namespace sluice;
using namespace sluice::runtime;

namespace {
// A name as the man page writes it: '-' is roff's \-.
std::string roff_name(const std::string& name) {
  std::string out;
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(command_table)

BOOST_AUTO_TEST_CASE(rows_are_complete_and_unique) {
  std::set<std::string> names;
  for (const auto& c : commands()) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(names.insert(c.name).second);
      BOOST_TEST((c.handler != nullptr));
      BOOST_TEST(!c.summary.empty());
      std::set<std::string> opts;
      for (const auto& o : c.options) {
        BOOST_TEST(o.name.rfind("--", 0) == 0, o.name);
        BOOST_TEST(opts.insert(o.name).second, o.name);
        BOOST_TEST(!o.help.empty(), o.name);
      }
    }
    BOOST_TEST(find_command(c.name) == &c);
  }
  BOOST_TEST(find_command("no-such-command") == nullptr);
}

BOOST_AUTO_TEST_CASE(usage_man_page_and_completions_list_every_visible_command) {
  const std::string usage = render_usage();
  const std::string man = render_man_page();
  const std::string bash = render_bash_completion();
  const std::string zsh = render_zsh_completion();
  for (const auto& c : commands()) {
    const bool listed = usage.find("\n  " + c.name) != std::string::npos;
    BOOST_TEST(listed == !c.hidden, c.name);
    BOOST_TEST((man.find(".SS \"sluice " + roff_name(c.name)) != std::string::npos) == !c.hidden,
               c.name);
    BOOST_TEST((bash.find("    " + c.name + ")\n") != std::string::npos) == !c.hidden, c.name);
    BOOST_TEST((zsh.find("    '" + c.name + ":") != std::string::npos) == !c.hidden, c.name);
  }
}

BOOST_AUTO_TEST_CASE(option_choices_split_words) {
  BOOST_TEST((option_choices({"--format", "dot|mermaid|svg", ""}) ==
              std::vector<std::string>{"dot", "mermaid", "svg"}));
  BOOST_TEST(option_choices({"--state-dir", "DIR", ""}).empty());
  BOOST_TEST(option_choices({"--watch", "", ""}).empty());
}

BOOST_AUTO_TEST_CASE(grammar_keywords_come_from_the_lexer) {
  const auto& kw = dsl::keyword_groups();
  BOOST_TEST(kw.declarations.front() == "pipeline");
  BOOST_TEST(kw.statements.front() == "from");
  BOOST_TEST(kw.operators.front() == "if");
  BOOST_TEST((kw.constants == std::vector<std::string>{"true", "false", "null"}));
}

BOOST_AUTO_TEST_CASE(log_levels_parse) {
  BOOST_TEST((log::parse_level("debug") == log::Level::Debug));
  BOOST_TEST((log::parse_level("warn") == log::Level::Warn));
  BOOST_TEST((log::parse_level("error") == log::Level::Error));
  BOOST_TEST(!log::parse_level("verbose").has_value());
  for (auto l : {log::Level::Debug, log::Level::Info, log::Level::Warn, log::Level::Error}) {
    BOOST_TEST((log::parse_level(log::level_name(l)) == l));
  }
}

BOOST_AUTO_TEST_SUITE_END()
