// The main job of the README: pipelines/github_events.pipe over the shipped GitHub events.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "integration/run_support.h"

using namespace sluice;
using namespace sluice::test;

BOOST_AUTO_TEST_SUITE(demo)

BOOST_AUTO_TEST_CASE(github_events_pipeline) {
  TempDir dir;
  std::filesystem::create_directory_symlink(source_dir() + "/pipelines", dir.path / "pipelines");
  auto r = run_sluice({"run", "pipelines/github_events.pipe"}, {}, dir.str());
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto input = json::parse(read_file(source_dir() + "/pipelines/data/github_events.json"));
  BOOST_REQUIRE(input.ok());
  size_t total = input->as_list().size();
  auto users = read_jsonl(dir.file("var/github_events/users.jsonl"));
  auto dead = read_jsonl(dir.file("var/github_events/dlq.jsonl"));
  BOOST_TEST(total > 1000u);
  BOOST_TEST(dead.size() > 0u);
  BOOST_TEST(users.size() + dead.size() == total);
  for (const auto& u : users) {
    const Value* id = get(u, "after", "user_id");
    BOOST_REQUIRE(id);
    BOOST_TEST((id->type() == Type::String));  // user_id as string
    BOOST_TEST(get(u, "after", "login") != nullptr);
    BOOST_TEST(get(u, "after", "avatar_url") != nullptr);
    BOOST_TEST(get(u, "after", "url") != nullptr);
    BOOST_TEST(get(u, "after", "actor") == nullptr);  // flattened away
  }
  for (const auto& d : dead) BOOST_TEST(get(d, "error", "kind")->as_string() == "require");
}

BOOST_AUTO_TEST_SUITE_END()
