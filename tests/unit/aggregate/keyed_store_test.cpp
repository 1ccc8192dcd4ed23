// state::KeyedStore: restores exactly a checkpoint (not what was written after it), keeps the
// checkpoint a later pipeline checkpoint refers to, and with StateFiles installed ships its
// checkpoints so that another node (another state directory) restores them; shipping is
// incremental (a table file is uploaded once) and old files are collected.
#include "operators/common/state/keyed_store.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <mutex>

#include "operators/common/state/state_files.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::operators::state;

namespace {

class MemoryFiles : public StateFiles {
 public:
  result<void> put(const std::string& name, const std::string& bytes) override {
    std::lock_guard<std::mutex> lock(mu);
    files[name] = bytes;
    ++puts;
    put_bytes += bytes.size();
    return {};
  }
  result<std::optional<std::string>> get(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu);
    auto it = files.find(name);
    if (it == files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  result<std::vector<std::string>> list(const std::string& prefix) override {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::string> out;
    for (const auto& kv : files) {
      if (kv.first.rfind(prefix, 0) == 0) out.push_back(kv.first);
    }
    return out;
  }
  result<void> remove(const std::vector<std::string>& names) override {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& n : names) files.erase(n);
    return {};
  }
  std::mutex mu;
  std::map<std::string, std::string> files;
  size_t puts = 0, put_bytes = 0;
};

StoreOptions opts(const std::string& dir) {
  StoreOptions o;
  o.dir = dir;
  o.pipeline = "p-" + dir;
  o.name = "agg/0";
  o.memory_bytes = 32 << 20;
  return o;
}

void fill(KeyedStore& s, int from, int to, const std::string& v) {
  for (int i = from; i < to; ++i) s.put("k" + std::to_string(100000 + i), v);
  BOOST_REQUIRE(s.write().ok());
}

size_t count(const KeyedStore& s) {
  size_t n = 0;
  s.scan("", "", [&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  return n;
}

struct Installed {
  explicit Installed(std::shared_ptr<StateFiles> f) { StateFiles::install(std::move(f)); }
  ~Installed() { StateFiles::install(nullptr); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(keyed_store)

BOOST_AUTO_TEST_CASE(restores_the_checkpoint_not_what_came_after) {
  test::TempDir dir;
  std::string ref;
  {
    auto s = KeyedStore::open(opts(dir.str()), "");
    BOOST_REQUIRE(s.ok());
    fill(**s, 0, 1000, "a");
    auto r = (*s)->ckpt(1);
    BOOST_REQUIRE(r.ok());
    ref = *r;
    (*s)->committed(1);
    fill(**s, 1000, 2000, "b");  // after the checkpoint: lost with the working copy
    (*s)->erase("k100000");
    BOOST_REQUIRE((*s)->write().ok());
  }
  auto s = KeyedStore::open(opts(dir.str()), ref);
  BOOST_REQUIRE(s.ok());
  BOOST_CHECK_EQUAL(count(**s), 1000u);
  std::string v;
  BOOST_CHECK((*s)->get("k100000", v));
  BOOST_CHECK_EQUAL(v, "a");
  // Counted entries: merged counts, the first payload kept; read-your-writes before write().
  (*s)->add_count("c", 1, "x");
  (*s)->add_count("c", 2, "y");
  BOOST_REQUIRE((*s)->get("c", v));
  BOOST_CHECK_EQUAL(v, "3;x");
  std::string first, last;
  BOOST_REQUIRE((*s)->first_in("k", "l", first));
  BOOST_REQUIRE((*s)->last_in("k", "l", last));
  BOOST_CHECK_EQUAL(first, "a");
  BOOST_CHECK(!(*s)->first_in("x", "y", first));
}

BOOST_AUTO_TEST_CASE(checkpoints_ship_incrementally_and_restore_on_another_node) {
  auto files = std::make_shared<MemoryFiles>();
  Installed installed(files);
  test::TempDir node1, node2;
  std::string ref;
  size_t first_bytes = 0;
  {
    auto s = KeyedStore::open(opts(node1.str()), "");
    BOOST_REQUIRE(s.ok());
    fill(**s, 0, 20000, std::string(100, 'v'));
    auto r1 = (*s)->ckpt(1);
    BOOST_REQUIRE(r1.ok());
    (*s)->committed(1);
    first_bytes = files->put_bytes;
    BOOST_CHECK_GT(first_bytes, 20000u * 10);  // the table files went over
    fill(**s, 20000, 20010, "w");              // a small change
    auto r2 = (*s)->ckpt(2);
    BOOST_REQUIRE(r2.ok());
    (*s)->committed(2);
    ref = *r2;
    // Only what changed was uploaded (a small table file and the descriptors).
    BOOST_CHECK_LT(files->put_bytes - first_bytes, first_bytes / 4);
    // The first checkpoint's own files are gone from the shared store.
    auto listed = files->list("agg/0/" + *r1 + "/");
    BOOST_REQUIRE(listed.ok());
    BOOST_CHECK(listed->empty());
  }
  // Node 2 has no local copy: it fetches the checkpoint.
  auto s = KeyedStore::open(opts(node2.str()), ref);
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.err().message));
  BOOST_CHECK_EQUAL(count(**s), 20010u);
  std::string v;
  BOOST_REQUIRE((*s)->get("k120005", v));
  BOOST_CHECK_EQUAL(v, "w");
  // It goes on: its next checkpoint references the fetched table files without uploading them.
  const size_t before = files->put_bytes;
  fill(**s, 30000, 30005, "z");
  auto r3 = (*s)->ckpt(3);
  BOOST_REQUIRE(r3.ok());
  (*s)->committed(3);
  BOOST_CHECK_LT(files->put_bytes - before, first_bytes / 4);
  // And a third node restores that one.
  test::TempDir node3;
  s->reset();
  auto t = KeyedStore::open(opts(node3.str()), *r3);
  BOOST_REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.err().message));
  BOOST_CHECK_EQUAL(count(**t), 20015u);
}

BOOST_AUTO_TEST_CASE(a_missing_checkpoint_is_a_clear_error) {
  test::TempDir dir;
  auto s = KeyedStore::open(opts(dir.str()), "ckpt-9-0000000000000000");
  BOOST_REQUIRE(!s.ok());
  BOOST_CHECK(s.err().message.find("is missing") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
