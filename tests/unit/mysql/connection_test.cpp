// How `source mysql` reaches its server: over TCP to host:port, always. The client library
// takes the host name "localhost" as "the Unix socket" and ignores the port, so a server
// published on localhost:3307 (a container, a tunnel) was never reached: the source failed on
// /run/mysqld/mysqld.sock, or read another server that listens there.
#include "operators/mysql/connection.h"

#include <boost/test/unit_test.hpp>

#include "mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

BOOST_AUTO_TEST_SUITE(mysql_connection)

BOOST_AUTO_TEST_CASE(localhost_is_tcp_to_the_port) {
  my::ConnectOptions o = make_cfg("", {}).conn;
  o.host = "localhost";
  my::Connection c;
  auto r = c.connect(o);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.err().message);
  auto port = c.scalar("SELECT @@port");
  BOOST_REQUIRE(port.ok() && port->has_value());
  BOOST_TEST(**port == std::to_string(server().port()));
}

BOOST_AUTO_TEST_SUITE_END()
