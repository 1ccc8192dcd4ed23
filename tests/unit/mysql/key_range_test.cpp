// The chunk queries' key bounds (operators/mysql/key_range.h): written out column by column,
// led by the first column's own bound (what the server reads an index range from). The server
// tests (lock_free_test.cpp) check what they select and how many index entries they read.
#include "operators/mysql/key_range.h"

#include <boost/test/unit_test.hpp>

namespace my = sluice::operators::mysql;

BOOST_AUTO_TEST_SUITE(mysql_key_range)

BOOST_AUTO_TEST_CASE(one_column_is_a_plain_comparison) {
  BOOST_CHECK_EQUAL(my::key_after({"`id`"}, {"'7'"}), "`id` > '7'");
  BOOST_CHECK_EQUAL(my::key_upto({"`id`"}, {"'9'"}), "`id` <= '9'");
}

BOOST_AUTO_TEST_CASE(a_composite_key_is_written_out_behind_its_first_column) {
  BOOST_CHECK_EQUAL(my::key_after({"`a`", "`b`"}, {"'1'", "'x'"}),
                    "`a` >= '1' AND (`a` > '1' OR (`a` = '1' AND `b` > 'x'))");
  BOOST_CHECK_EQUAL(my::key_upto({"`a`", "`b`", "`c`"}, {"'1'", "'x'", "'2000-01-01'"}),
                    "`a` <= '1' AND (`a` < '1' OR (`a` = '1' AND (`b` < 'x' OR (`b` = 'x' AND "
                    "`c` <= '2000-01-01'))))");
}

BOOST_AUTO_TEST_CASE(a_shorter_key_compares_with_null_as_the_row_constructor_did) {
  BOOST_CHECK_EQUAL(my::key_after({"`a`", "`b`"}, {"'1'"}),
                    "`a` >= '1' AND (`a` > '1' OR (`a` = '1' AND `b` > NULL))");
}

BOOST_AUTO_TEST_SUITE_END()
