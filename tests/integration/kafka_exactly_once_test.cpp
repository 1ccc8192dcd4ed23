// `sink kafka { exactly_once = true }` across kill -9 (operators/kafka/sequence_gate.h): the
// `sluice` binary writes a generated stream into a 3-partition topic of the librdkafka mock
// cluster (in this process, so it outlives the killed runs), is killed twice mid-stream and
// then runs to the end. Every change must be in the topic exactly once, read back by this
// process and by kcat (the real client), and the restarts must have found replayed changes
// the topic already held (without the gate they would be duplicates).
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "base/json.h"
#include "integration/run_support.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

std::string eos_pipeline(const TempDir& dir, const std::string& brokers, int64_t count) {
  return "pipeline eos {\n"
         "  settings { state_dir = \"" +
         dir.file("state") +
         "\"  checkpoint_interval = 1s }\n"
         "  source generate gen {\n    count = " +
         std::to_string(count) +
         "\n    rate = 5000/s\n"
         "    fields { n = seq()  name = \"user-\" + to_string(seq()) }\n  }\n"
         "  sink kafka out from gen {\n    brokers = \"" +
         brokers +
         "\"\n    topic = \"eos_t\"\n    format = json\n    key = [\"n\"]\n"
         "    exactly_once = true\n  }\n}\n";
}

int64_t n_of(const std::string& value) {
  auto v = json::parse(value);
  if (!v.ok()) return -1;
  const Value* n = get(*v, "after", "n");
  return n != nullptr && n->type() == Type::Int ? n->as_int() : -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_exactly_once)

BOOST_AUTO_TEST_CASE(kill_9_twice_mid_stream_leaves_every_change_once) {
  KafkaMock kafka;
  kafka.create_topic("eos_t", 3);
  TempDir dir;
  const int64_t total = 20000;
  write_file(dir.file("p.pipe"), eos_pipeline(dir, kafka.bootstrap(), total));
  std::string logs;
  for (int round = 0; round < 2; ++round) {
    Child c({sluice_bin(), "run", dir.file("p.pipe")});
    std::this_thread::sleep_for(1600ms);
    c.signal(SIGKILL);
    logs += c.wait(10s).err;
  }
  auto r = run_sluice({"run", dir.file("p.pipe")});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  logs += r.err;

  auto msgs = kafka.read_all("eos_t", static_cast<size_t>(total) + 1, 8000);
  std::map<int64_t, int> seen;
  size_t with_header = 0;
  for (const auto& m : msgs) {
    ++seen[n_of(m.value)];
    for (const auto& [name, v] : m.headers) with_header += name == "sluice.seq" ? 1 : 0;
  }
  BOOST_TEST(msgs.size() == static_cast<size_t>(total));
  BOOST_TEST(with_header == msgs.size());
  BOOST_TEST(seen.size() == static_cast<size_t>(total));
  int dup = 0;
  for (const auto& [n, k] : seen) dup += (n < 1 || n > total || k != 1) ? 1 : 0;
  BOOST_TEST(dup == 0);
  // The restarts found messages beyond their checkpoints and did not produce them again.
  BOOST_TEST(logs.find("are not produced again") != std::string::npos, logs);

  // The real client counts the same (read_committed, as a transactional consumer would).
  auto k = Child({"/usr/bin/env", "kcat", "-C", "-b", kafka.bootstrap(), "-t", "eos_t", "-o",
                  "beginning", "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%o\n"})
               .wait(30s);
  BOOST_REQUIRE_MESSAGE(k.exit_code == 0,
                        "kcat exit " << k.exit_code << ": " << k.err << k.out.substr(0, 300));
  size_t lines = 0;
  for (char ch : k.out) lines += ch == '\n' ? 1 : 0;
  BOOST_TEST(lines == static_cast<size_t>(total));
}

BOOST_AUTO_TEST_SUITE_END()
