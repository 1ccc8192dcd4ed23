// issue 21 (point 4): every sink connection notices a lost server in bounded time: libpq's
// connect_timeout, keepalives and tcp_user_timeout are set unless the user set them.
#include <boost/test/unit_test.hpp>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "operators/postgres/conninfo.h"
#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;
using sluice::operators::postgres::with_connection_defaults;

BOOST_AUTO_TEST_SUITE(postgres_conninfo)

BOOST_AUTO_TEST_CASE(defaults_are_added_and_the_users_settings_kept) {
  std::string uri = with_connection_defaults(
      "postgresql://u:p%27w@127.0.0.1:5433/db?connect_timeout=3&application_name=x");
  BOOST_TEST(uri.find("connect_timeout='3'") != std::string::npos, uri);
  BOOST_TEST(uri.find("connect_timeout='10'") == std::string::npos, uri);
  BOOST_TEST(uri.find("password='p\\'w'") != std::string::npos, uri);  // decoded, escaped
  BOOST_TEST(uri.find("port='5433'") != std::string::npos, uri);
  for (const char* d : {"keepalives='1'", "keepalives_idle='30'", "keepalives_interval='10'",
                        "keepalives_count='3'", "tcp_user_timeout='60000'"}) {
    BOOST_TEST(uri.find(d) != std::string::npos, d << " in " << uri);
  }
  std::string kv = with_connection_defaults("host=h dbname=d keepalives_idle=5");
  BOOST_TEST(kv.find("keepalives_idle='5'") != std::string::npos, kv);
  BOOST_TEST(kv.find("connect_timeout='10'") != std::string::npos, kv);
  // What libpq cannot parse is left for libpq to report when connecting.
  BOOST_TEST(with_connection_defaults("postgresql://[broken") == "postgresql://[broken");
}

BOOST_AUTO_TEST_CASE(a_sink_connects_with_them) {
  auto sink = open_sink({.table = "conninfo_t", .mode = "append"});
  write_ok(*sink, {ev(Op::Create, row({{"id", Value::int64(1)}}), 1)});
  BOOST_TEST(q("SELECT count(*) FROM conninfo_t") == "1");
}

BOOST_AUTO_TEST_SUITE_END()
