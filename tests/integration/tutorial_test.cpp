// docs/tutorial.md is run as written (issue 22 point 2): its blocks, in order, in one bash
// session in an empty directory — `<!-- file: NAME -->` / `<!-- append: NAME -->` blocks
// write NAME, ```sh blocks run, and a ```text block after an ```sh block is exactly what that
// block prints. Section 3 starts private MariaDB and PostgreSQL with scripts/local_servers.sh.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "doc_blocks.h"
#include "support/process.h"

using namespace sluice::test;

namespace {

struct Script {
  std::string bash;
  std::vector<std::pair<std::string, std::string>> expected;  // output file, expected text
};

Script script_of(const std::vector<DocBlock>& blocks) {
  Script s;
  s.bash =
      "set -euo pipefail\n"
      "trap 'if [ -n \"${servers:-}\" ] && [ -d \"$servers\" ]; then bash "
      "\"$SLUICE/scripts/local_servers.sh\" stop \"$servers\" >/dev/null 2>&1 || true; fi' "
      "EXIT\n";
  for (size_t i = 0; i < blocks.size(); ++i) {
    const DocBlock& b = blocks[i];
    std::string file = doc_directive(b.directive, "file");
    std::string append = doc_directive(b.directive, "append");
    if (!file.empty() || !append.empty()) {
      s.bash += "cat " + std::string(file.empty() ? ">> " + append : "> " + file) +
                " <<'SLUICE_TUTORIAL_EOF'\n" + b.body + "SLUICE_TUTORIAL_EOF\n";
    } else if (b.lang == "sh") {
      std::string out = "out" + std::to_string(i) + ".txt";
      s.bash += "{\n" + b.body + "} > " + out + "\n";
      if (i + 1 < blocks.size() && blocks[i + 1].lang == "text") {
        s.expected.emplace_back(out, blocks[i + 1].body);
        ++i;
      }
    } else {
      BOOST_ERROR("block " << i + 1 << " (```" << b.lang
                           << ") is neither run nor written to a file: add <!-- file: NAME -->");
    }
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tutorial)

BOOST_AUTO_TEST_CASE(the_tutorial_runs_as_written) {
  auto blocks = doc_blocks(read_file(source_dir() + "/docs/tutorial.md"));
  BOOST_REQUIRE(blocks.size() >= 10u);
  Script script = script_of(blocks);
  BOOST_REQUIRE(script.expected.size() >= 5u);
  TempDir dir;
  // A stand-in for the clone: its scripts, and build/sluice = the binary under test.
  std::string clone = dir.file("clone");
  std::filesystem::create_directories(clone + "/build");
  std::filesystem::create_directory_symlink(source_dir() + "/scripts", clone + "/scripts");
  std::filesystem::create_symlink(sluice_bin(), clone + "/build/sluice");
  std::string work = dir.file("work");
  std::filesystem::create_directories(work);
  write_file(dir.file("tutorial.sh"), script.bash);
  Child c({"/bin/bash", dir.file("tutorial.sh")}, {"SLUICE=" + clone}, work);
  auto r = c.wait(std::chrono::minutes(4));
  BOOST_TEST(r.exit_code == 0, "the tutorial's commands failed:\n" << r.err << r.out);
  for (const auto& [out, want] : script.expected) {
    BOOST_TEST_CONTEXT("output of the block written to " << out) {
      BOOST_TEST(read_file(work + "/" + out) == want);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
