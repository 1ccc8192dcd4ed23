// Issue 18 through `sluice run`: an aggregate with every kind of state (counts, an exact sum,
// min/max and count_distinct/collect_set as store entries, first/last as an arrival list) keeps
// its groups in the RocksDB store by default; killed -9 twice mid-stream and restarted, it ends
// with exactly the rows of an uninterrupted run with the state in memory. Its checkpoint.json
// holds only a reference to a store checkpoint, and the state directory is the owner's alone.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "integration/run_support.h"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

std::string agg_pipeline(const TempDir& dir, const std::string& backend) {
  return "pipeline p {\n"
         "  settings { state_dir = \"" +
         dir.file("state") + "\"  checkpoint_interval = 200ms  state { backend = " + backend +
         " } }\n"
         "  source generate gen {\n"
         "    count = 60000\n    rate = 20000/s\n"
         "    fields { id = seq()  g = seq() % 997  amt = random_decimal(-50, 100, 2)\n"
         "             t = random_int(1, 100000)  kind = pick([\"a\", \"b\", \"c\", \"d\"]) }\n"
         "  }\n"
         "  aggregate per_g from gen {\n"
         "    group by g\n    n = count()\n    total = sum(amt)\n    hi = max(t)\n"
         "    lo = min(t)\n    kinds = collect_set(kind)\n    nk = count_distinct(kind)\n"
         "    f = first(id)\n    l = last(id)\n    ids = collect_list(id)\n"
         "  }\n"
         "  sink file out from per_g { path = \"" +
         dir.file("out.jsonl") + "\" }\n}\n";
}

// The last row of every group in the output changelog.
std::map<std::string, std::string> final_rows(const std::string& path) {
  std::map<std::string, std::string> rows;
  for (const Value& v : read_jsonl(path)) {
    const Value* op = get(v, "op");
    const Value* g = get(v, "after", "g");
    if (op == nullptr || op->as_string() == "d") {
      const Value* b = get(v, "before", "g");
      if (b != nullptr) rows.erase(b->to_display());
      continue;
    }
    BOOST_REQUIRE(g != nullptr);
    rows[g->to_display()] = json::encode(*get(v, "after"));
  }
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_on_disk)

BOOST_AUTO_TEST_CASE(aggregate_on_disk_killed_twice_equals_memory_run) {
  TempDir mem, disk;
  write_file(mem.file("p.pipe"), agg_pipeline(mem, "memory"));
  auto m = run_sluice({"run", mem.file("p.pipe")}, {}, "", 120s);
  BOOST_REQUIRE_MESSAGE(m.exit_code == 0, m.err);
  const auto want = final_rows(mem.file("out.jsonl"));
  BOOST_REQUIRE_EQUAL(want.size(), 997u);

  write_file(disk.file("p.pipe"), agg_pipeline(disk, "rocksdb"));
  for (auto after : {900ms, 1100ms}) {
    Child c({sluice_bin(), "run", disk.file("p.pipe")});
    std::this_thread::sleep_for(after);
    c.signal(SIGKILL);
    c.wait(10s);
  }
  auto r = run_sluice({"run", disk.file("p.pipe")}, {}, "", 120s);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto got = final_rows(disk.file("out.jsonl"));
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (const auto& [g, row] : want) {
    auto it = got.find(g);
    BOOST_REQUIRE_MESSAGE(it != got.end(), "group " << g << " missing");
    BOOST_REQUIRE_MESSAGE(it->second == row, "group " << g << ": " << it->second << " != " << row);
  }

  // The state is in the store: checkpoint.json names a store checkpoint, which exists; the
  // memory run's checkpoint.json holds every group instead.
  const std::string cp = read_file(disk.file("state") + "/checkpoint.json");
  const std::string mem_cp = read_file(mem.file("state") + "/checkpoint.json");
  BOOST_TEST(cp.find("AGG3;") != std::string::npos, cp);
  BOOST_TEST(cp.size() * 20 < mem_cp.size(), cp.size() << " vs " << mem_cp.size());
  const std::string store = disk.file("state") + "/state/per_g/0";
  size_t ckpts = 0, works = 0;
  for (const auto& e : std::filesystem::directory_iterator(store)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("ckpt-", 0) == 0) {
      ++ckpts;
      BOOST_TEST(cp.find(name) != std::string::npos, name);
    }
    if (name.rfind("work-", 0) == 0) ++works;
  }
  BOOST_TEST(ckpts == 1u);  // older ones (and those of the killed runs) are gone
  BOOST_TEST(works == 0u);  // working copies go with their process
  auto perms = std::filesystem::status(store).permissions();
  const bool owner_only =
      (perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
      std::filesystem::perms::none;
  BOOST_TEST(owner_only);
}

// Hot reload with the state on disk: an aggregate whose statements change is replaced and
// reopens its store from the reload's checkpoint, an unchanged one is kept with its store; both
// end with every record counted once (n per group = the records of that group).
BOOST_AUTO_TEST_CASE(hot_reload_keeps_and_reopens_state_on_disk) {
  TempDir dir;
  auto text = [&](const std::string& where) {
    return "pipeline live {\n"
           "  settings { checkpoint_interval = 200ms }\n"
           "  source generate gen { count = 30000  rate = 6000/s  fields { id = seq()  g = seq() % "
           "10 } }\n"
           "  aggregate a from gen {\n    " +
           where +
           "\n    group by g\n    n = count()\n    hi = max(id)\n  }\n"
           "  aggregate b from gen {\n    group by g\n    n = count()\n    lo = min(id)\n  }\n"
           "  sink file out_a from a { path = \"" +
           dir.file("a.jsonl") +
           "\" }\n"
           "  sink file out_b from b { path = \"" +
           dir.file("b.jsonl") + "\" }\n}\n";
  };
  const std::string pipe = dir.file("live.pipe");
  write_file(pipe, text("where id > 0"));
  Child node({sluice_bin(), "run", pipe, "--watch", "--state-dir", dir.file("state"),
              "--exit-when-idle", "1s", "--quiet"});
  std::this_thread::sleep_for(1500ms);
  write_file(pipe + ".tmp", text("where id >= 0"));  // a changes; b does not
  std::filesystem::rename(pipe + ".tmp", pipe);
  bool reloaded = false;
  for (int i = 0; i < 200 && !reloaded; ++i) {
    std::this_thread::sleep_for(50ms);
    const std::string err = read_file(node.err_path());
    reloaded = err.find("replaced [a]") != std::string::npos;
  }
  auto r = node.wait(120s);
  BOOST_REQUIRE_MESSAGE(reloaded, r.err);
  BOOST_TEST(r.err.find("kept [") != std::string::npos, r.err);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  for (const char* f : {"a.jsonl", "b.jsonl"}) {
    const auto rows = final_rows(dir.file(f));
    BOOST_REQUIRE_EQUAL(rows.size(), 10u);
    for (const auto& [g, row] : rows) {
      BOOST_TEST(row.find("\"n\":3000,") != std::string::npos, f << " group " << g << ": " << row);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sluice::test
