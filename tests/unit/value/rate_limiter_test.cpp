// RateLimiter (base/rate_limiter.h): a stage's rate_limit and snapshot { rows_per_second }.
#include "base/rate_limiter.h"

#include <boost/test/unit_test.hpp>

using sluice::RateLimiter;

BOOST_AUTO_TEST_SUITE(rate_limiter)

BOOST_AUTO_TEST_CASE(no_limit_never_waits) {
  RateLimiter l(0);
  BOOST_CHECK(!l.enabled());
  l.admit(0, 1000000);
  BOOST_CHECK_EQUAL(l.wait_us(0), 0);
}

// Work admitted as fast as it comes: 10 batches of 100 at 1,000/s, all started at t = 0, leave
// the next start 1 s on.
BOOST_AUTO_TEST_CASE(fast_work_waits_its_time_at_the_rate) {
  RateLimiter l(1000);
  BOOST_CHECK_EQUAL(l.wait_us(0), 0);
  for (int i = 0; i < 10; ++i) l.admit(0, 100);
  BOOST_CHECK_EQUAL(l.wait_us(0), 1000000);
  BOOST_CHECK_EQUAL(l.wait_us(400000), 600000);
}

// Work slower than the rate waits for nothing: a read started at t = 0 and charged after it
// took longer than its time at the rate. A pause saves no burst: after it, each batch again
// waits its own time.
BOOST_AUTO_TEST_CASE(slow_work_and_pauses_give_no_burst) {
  RateLimiter l(1000000);
  l.admit(0, 100000);                       // 0.1 s at the rate
  BOOST_CHECK_EQUAL(l.wait_us(150000), 0);  // it ended at 0.15 s
  l.admit(1000000, 100000);                 // after a pause, started at 1 s
  l.admit(1000000, 100000);
  BOOST_CHECK_EQUAL(l.wait_us(1000000), 200000);
}

BOOST_AUTO_TEST_SUITE_END()
