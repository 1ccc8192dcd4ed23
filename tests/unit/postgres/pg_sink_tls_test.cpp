// TLS to PostgreSQL (issue 21, point 7): a private server with ssl=on and a certificate from a
// CA made here, accepting TCP connections only over TLS (hostssl). The sink connects with
// sslmode=verify-full against that CA and writes rows; against another CA it fails with a
// clear message that does not contain the URL's password.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // SinkOpts{.table = ...}

#include "pg_test_support.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {

void sh(const std::string& cmd) {
  BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "command failed: " + cmd);
}

constexpr const char* kNewKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

// A CA (key + self-signed certificate) in DIR/NAME-ca.{key,crt}.
void make_ca(const std::string& dir, const std::string& name) {
  const std::string ca = dir + "/" + name + "-ca";
  sh("openssl req -x509 " + std::string(kNewKey) + " -days 2 -subj '/CN=Sluice test " + name +
     " CA' -addext basicConstraints=critical,CA:TRUE -addext "
     "keyUsage=critical,keyCertSign,cRLSign" +
     " -keyout " + ca + ".key -out " + ca + ".crt 2>/dev/null");
}

// A server key and a certificate for localhost / 127.0.0.1 signed by DIR/NAME-ca.
void make_server_cert(const std::string& dir, const std::string& name) {
  const std::string ca = dir + "/" + name + "-ca";
  const std::string server = dir + "/server";
  sh("printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > " +
     dir + "/ext.cnf");
  sh("openssl req -new " + std::string(kNewKey) + " -subj /CN=localhost -keyout " + server +
     ".key -out " + server + ".csr 2>/dev/null");
  sh("openssl x509 -req -days 2 -in " + server + ".csr -CA " + ca + ".crt -CAkey " + ca +
     ".key -CAcreateserial -extfile " + dir + "/ext.cnf -out " + server + ".crt 2>/dev/null");
}

std::string tls_url(const test::PostgresServer& pg, const std::string& mode,
                    const std::string& root_cert) {
  return "postgresql://postgres:" + std::string(kPassword) +
         "@localhost:" + std::to_string(pg.port()) + "/postgres?sslmode=" + mode +
         (root_cert.empty() ? "" : "&sslrootcert=" + root_cert);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_sink_tls)

BOOST_AUTO_TEST_CASE(verify_full_against_a_test_ca_writes_and_a_wrong_ca_fails_clearly) {
  test::PostgresServer pg(false);
  const std::string tls = pg.dir() + "/tls";
  std::filesystem::create_directories(tls);
  make_ca(tls, "right");
  make_ca(tls, "wrong");
  make_server_cert(tls, "right");
  BOOST_REQUIRE(::chmod((tls + "/server.key").c_str(), 0600) == 0);  // the server insists
  pg.give_to_server(tls + "/server.key");
  pg.give_to_server(tls + "/server.crt");
  pg.append_conf("\nssl = on\nssl_cert_file = '" + tls + "/server.crt'\nssl_key_file = '" + tls +
                 "/server.key'\n");
  // TCP only over TLS (hostssl); the private Unix socket stays as it was.
  pg.write_hba(
      "local all all trust\nhostssl all all 127.0.0.1/32 trust\n"
      "hostssl all all ::1/128 trust\n");
  pg.restart();

  // The server really requires TLS: a plain connection is refused.
  auto plain = operators::postgres::PostgresSink::make(
      make_config({.table = "tls_rows", .url = tls_url(pg, "disable", "")}));
  BOOST_REQUIRE(plain.ok());
  auto plain_open = plain.value()->open("");
  BOOST_REQUIRE(!plain_open.ok());
  BOOST_TEST(plain_open.err().message.find("no encryption") != std::string::npos,
             plain_open.err().message);

  // verify-full against the right CA: rows land, over TLS.
  {
    auto sink = open_sink({.table = "tls_rows",
                           .key = {"id"},
                           .stage = "tls",
                           .url = tls_url(pg, "verify-full", tls + "/right-ca.crt")});
    std::vector<Event> evs;
    for (int i = 1; i <= 3; ++i) {
      evs.push_back(
          ev(Op::Create, row({{"id", Value::int64(i)}, {"note", Value::string("n")}}), i));
    }
    write_ok(*sink, evs);
  }
  BOOST_TEST(pg.psql("SELECT count(*) FROM tls_rows") == "3");
  BOOST_TEST(pg.psql("SELECT position FROM sluice_checkpoints WHERE stage = 'tls'") == "3");

  // verify-full against another CA: the connection fails, the message says why, and it
  // carries no password.
  auto wrong = operators::postgres::PostgresSink::make(
      make_config({.table = "tls_rows",
                   .key = {"id"},
                   .stage = "tls",
                   .url = tls_url(pg, "verify-full", tls + "/wrong-ca.crt")}));
  BOOST_REQUIRE(wrong.ok());
  auto r = wrong.value()->open("");
  BOOST_REQUIRE(!r.ok());
  const std::string& m = r.err().message;
  BOOST_TEST(m.find("cannot connect") != std::string::npos, m);
  BOOST_TEST(m.find("certificate verify failed") != std::string::npos, m);
  BOOST_TEST(m.find(kPassword) == std::string::npos, m);
  BOOST_TEST_MESSAGE("wrong CA: " + m);
}

BOOST_AUTO_TEST_SUITE_END()
