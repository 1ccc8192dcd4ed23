// issue 19, point 2: adaptive batching through `sluice run`. A slow source, a postgres sink
// whose `rows` and `delay` are never reached and no checkpoint for an hour: with the default
// `adaptive = true` each change is written as soon as the sink has nothing more waiting;
// `adaptive = false` keeps them buffered.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "support/postgres_server.h"
#include "support/process.h"

using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

std::string pipe(const std::string& state, const std::string& url, const std::string& table,
                 bool adaptive) {
  return "pipeline p {\n"
         "  settings { state_dir = \"" +
         state +
         "\"  checkpoint_interval = 1h }\n"
         "  source generate gen { rate = 20/s  fields { id = seq() } }\n"
         "  sink postgres out from gen {\n"
         "    url = \"" +
         url + "\"  table = \"" + table +
         "\"  mode = upsert  create_tables = true\n"
         "    key = [\"id\"]\n"
         "    batch { rows = 100000  delay = 1h  adaptive = " +
         (adaptive ? "true" : "false") +
         " }\n"
         "  }\n"
         "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(adaptive_batch)

BOOST_AUTO_TEST_CASE(changes_land_without_waiting_for_rows_delay_or_checkpoint) {
  PostgresServer pg;
  TempDir dir;
  for (bool adaptive : {true, false}) {
    const std::string table = adaptive ? "on_idle" : "on_size";
    write_file(dir.file(table + ".pipe"),
               pipe(dir.file("state-" + table), pg.url(), table, adaptive));
    Child node({sluice_bin(), "run", dir.file(table + ".pipe"), "--quiet"});
    auto count = [&] {
      std::string n = pg.psql("SELECT count(*) FROM " + table);
      return n.find_first_not_of("0123456789") == std::string::npos && !n.empty() ? std::stoi(n)
                                                                                  : -1;
    };
    std::this_thread::sleep_for(3s);
    if (adaptive) {
      BOOST_TEST(count() >= 30, "rows after 3 s at 20/s: " << count());
      // Every change lands within about a commit: a fresh one is there 300 ms later.
      const int a = count();
      std::this_thread::sleep_for(300ms);
      BOOST_TEST(count() > a);
    } else {
      BOOST_TEST(count() <= 0, "rows written before rows/delay/checkpoint: " << count());
    }
    node.signal(SIGTERM);
    auto r = node.wait(60s);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(count() > 0);  // the final checkpoint writes what was held
  }
}

BOOST_AUTO_TEST_SUITE_END()
