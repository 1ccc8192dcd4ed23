// RatePacer (base/rate_pacer.h): the virtual clock behind snapshot { rows_per_second }.
#include "base/rate_pacer.h"

#include <boost/test/unit_test.hpp>
#include <thread>

using sluice::RatePacer;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(rate_pacer)

BOOST_AUTO_TEST_CASE(no_limit_never_waits) {
  RatePacer p(0);
  BOOST_CHECK(!p.limited());
  p.charge(1000000);
  BOOST_CHECK(p.next() <= RatePacer::clock::now());
}

// Work done as fast as it comes: each charge after the first pushes the clock on by its time at
// the rate, so 10 charges of 100 at 1,000/s end 0.9 s ahead of the first.
BOOST_AUTO_TEST_CASE(fast_work_waits_its_time_at_the_rate) {
  RatePacer p(1000);
  const auto start = RatePacer::clock::now();
  p.charge(100);
  BOOST_CHECK(p.next() <= RatePacer::clock::now());  // the first starts the clock
  for (int i = 0; i < 9; ++i) p.charge(100);
  const auto ahead = p.next() - start;
  BOOST_CHECK(ahead >= 900ms);
  BOOST_CHECK(ahead <= 1100ms);
}

// A pause saves no burst: work after a pause counts from when it would have started at the
// rate, so of two charges of 0.1 s after a 0.2 s pause only the first is free.
BOOST_AUTO_TEST_CASE(a_pause_saves_no_burst) {
  RatePacer p(1000000);
  p.charge(10);
  std::this_thread::sleep_for(200ms);
  BOOST_CHECK(p.next() <= RatePacer::clock::now());
  p.charge(100000);  // 0.1 s of work at the rate, slower than it: no wait
  BOOST_CHECK(p.next() <= RatePacer::clock::now());
  p.charge(100000);
  const auto ahead = p.next() - RatePacer::clock::now();
  BOOST_CHECK(ahead > 50ms);
  BOOST_CHECK(ahead <= 100ms);
}

BOOST_AUTO_TEST_SUITE_END()
