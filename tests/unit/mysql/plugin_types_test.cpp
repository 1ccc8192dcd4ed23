// The text of MariaDB's UUID, INET6 and INET4 bytes (operators/mysql/plugin_types.h); also the
// server uuid of MySQL's GTID events. types_test.cpp checks many more against the server.
#include "operators/mysql/plugin_types.h"

#include <boost/test/unit_test.hpp>

namespace my = sluice::operators::mysql;

BOOST_AUTO_TEST_SUITE(mysql_plugin_types)

BOOST_AUTO_TEST_CASE(uuid_is_the_bytes_in_order_8_4_4_4_12) {
  const std::string b("\x3e\x11\xfa\x47\x71\xca\x11\xe1\x9e\x33\xc8\x0a\xa9\x42\x95\x62", 16);
  BOOST_CHECK_EQUAL(my::uuid_text(b), "3e11fa47-71ca-11e1-9e33-c80aa9429562");
  BOOST_CHECK_EQUAL(my::plugin_type_text("uuid", b).value(), my::uuid_text(b));
  BOOST_CHECK(!my::plugin_type_text("uuid", b.substr(0, 15)));
}

BOOST_AUTO_TEST_CASE(inet6_and_inet4_as_mariadb_prints_them) {
  auto v6 = [](std::initializer_list<int> bytes) {
    std::string b;
    for (int x : bytes) b.push_back(static_cast<char>(x));
    return my::plugin_type_text("inet6", b).value_or("?");
  };
  BOOST_CHECK_EQUAL(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}), "::2");
  BOOST_CHECK_EQUAL(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}), "::1.2.3.4");
  BOOST_CHECK_EQUAL(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}), "::ffff:1.2.3.4");
  BOOST_CHECK_EQUAL(v6({0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}), "::2:3:4:5:6:7:8");
  BOOST_CHECK_EQUAL(v6({0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd}),
                    "2001:db8::abcd");
  BOOST_CHECK_EQUAL(my::plugin_type_text("inet4", std::string("\x0a\x00\x00\xff", 4)).value(),
                    "10.0.0.255");
}

BOOST_AUTO_TEST_SUITE_END()
