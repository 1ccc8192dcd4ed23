// The stage tap (engine/actors/stage_tap.h): nothing kept without a reader, the per-second
// budget with an even sample of a batch over it, the bounded ring and a reader that falls
// behind, several readers with their own cursors.
#include <boost/test/unit_test.hpp>

#include "engine/actors/stage_tap.h"

using namespace sluice;

namespace {
std::vector<Event> batch(int64_t from, size_t n) {
  std::vector<Event> out(n);
  for (size_t i = 0; i < n; ++i) out[i].row.set(intern("n"), Value::int64(from + int64_t(i)));
  return out;
}

int64_t n_of(const Event& e) { return e.row.find(intern("n"))->as_int(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(stage_tap)

BOOST_AUTO_TEST_CASE(keeps_nothing_without_a_reader) {
  engine::StageTap tap;
  BOOST_TEST(!tap.attached());
  tap.offer(batch(0, 10));
  const uint64_t cursor = tap.attach();
  BOOST_TEST(tap.attached());
  BOOST_TEST(tap.take(cursor, 100).events.empty());
  tap.offer(batch(10, 3));
  auto t = tap.take(cursor, 100);
  BOOST_REQUIRE_EQUAL(t.events.size(), 3u);
  BOOST_TEST(n_of(t.events[0]) == 10);
  BOOST_TEST(n_of(t.events[2]) == 12);
  BOOST_TEST(t.missed == 0u);
  BOOST_TEST(tap.take(t.cursor, 100).events.empty());
  tap.detach();
  BOOST_TEST(!tap.attached());
  BOOST_TEST(tap.readers() == 0);
}

BOOST_AUTO_TEST_CASE(samples_a_batch_over_the_budget_evenly) {
  engine::StageTap tap(100);  // records a second
  const uint64_t cursor = tap.attach();
  tap.offer(batch(0, 1000));
  auto t = tap.take(cursor, 1000);
  BOOST_REQUIRE_EQUAL(t.events.size(), 100u);
  for (size_t i = 0; i < t.events.size(); ++i) BOOST_TEST(n_of(t.events[i]) == int64_t(i * 10));
  // The budget is spent: the next batch in the same instant adds nothing.
  tap.offer(batch(1000, 1000));
  BOOST_TEST(tap.take(t.cursor, 1000).events.size() <= 5u);
  BOOST_TEST(tap.seen() == 2000u);
  BOOST_TEST(tap.copied() <= 105u);
  tap.detach();
}

BOOST_AUTO_TEST_CASE(a_slow_reader_misses_what_the_ring_dropped) {
  engine::StageTap tap(1e9);
  const uint64_t slow = tap.attach();
  const uint64_t fast = tap.attach();
  tap.offer(batch(0, 100));
  auto f = tap.take(fast, 1000);
  BOOST_TEST(f.events.size() == 100u);
  tap.offer(batch(100, 2000));
  auto s = tap.take(slow, 5000);
  BOOST_TEST(s.missed == 2100u - engine::StageTap::kCapacity);
  BOOST_REQUIRE_EQUAL(s.events.size(), engine::StageTap::kCapacity);
  BOOST_TEST(n_of(s.events.front()) == int64_t(2100 - engine::StageTap::kCapacity));
  BOOST_TEST(n_of(s.events.back()) == 2099);
  auto f2 = tap.take(f.cursor, 10);
  BOOST_TEST(f2.missed == 2000u - engine::StageTap::kCapacity);
  BOOST_TEST(f2.events.size() == 10u);
  tap.detach();
  BOOST_TEST(tap.attached());
  tap.detach();
  BOOST_TEST(!tap.attached());
}

BOOST_AUTO_TEST_SUITE_END()
