// `source mysql` with `tls { mode ca cert key }` against a private MariaDB that serves TLS with
// certificates made here by the openssl command line (a CA, a server certificate for 127.0.0.1,
// a client certificate; another CA that signed nothing of the server's). Every mode does what
// docs/mysql.md "TLS" says, with clear errors that never show the password.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "operators/mysql/connection.h"
#include "operators/mysql/errc.h"
#include "run_support.h"
#include "support/mariadb_server.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPassword = "tls-secret-pw";

void sh(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  if (rc != 0) throw std::runtime_error("failed: " + cmd);
}

// A CA (ca.pem), a server certificate (server-cert.pem / server-key.pem: CN and SAN 127.0.0.1,
// SAN also localhost), a client certificate (client-cert.pem / client-key.pem), another CA
// (other-ca.pem), and a server certificate signed by the right CA for another name
// (misnamed-cert.pem / misnamed-key.pem: db.example).
void make_certificates(const TempDir& d) {
  const std::string dir = d.str();
  auto at = [&](const std::string& f) { return dir + "/" + f; };
  auto ca = [&](const std::string& name, const std::string& cn) {
    sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=" + cn + "' -keyout " +
       at(name + "-key.pem") + " -out " + at(name + ".pem"));
  };
  auto leaf = [&](const std::string& name, const std::string& cn, const std::string& san) {
    write_file(at(name + ".ext"),
               "basicConstraints=CA:FALSE\n" +
                   (san.empty() ? std::string() : "subjectAltName=" + san + "\n"));
    sh("openssl req -newkey rsa:2048 -nodes -subj '/CN=" + cn + "' -keyout " +
       at(name + "-key.pem") + " -out " + at(name + ".csr"));
    sh("openssl x509 -req -days 2 -in " + at(name + ".csr") + " -CA " + at("ca.pem") + " -CAkey " +
       at("ca-key.pem") + " -CAcreateserial -extfile " + at(name + ".ext") + " -out " +
       at(name + "-cert.pem"));
  };
  ca("ca", "Sluice Test CA");
  ca("other-ca", "Some Other CA");
  leaf("server", "127.0.0.1", "IP:127.0.0.1,DNS:localhost");
  leaf("client", "sluice-client", "");
  leaf("misnamed", "db.example", "DNS:db.example");
}

// The certificates and a private MariaDB serving TLS with them, started once for the suite.
// Users: tls_x509 (REQUIRE X509: a TLS connection with a client certificate signed by the CA)
// and tls_ssl (REQUIRE SSL), both with every privilege (REPLICATION included).
struct TlsServer {
  TempDir certs;
  std::unique_ptr<MariaDbServer> server;
  TlsServer() {
    make_certificates(certs);
    server = std::make_unique<MariaDbServer>(
        "FULL", 71,
        std::vector<std::string>{"--ssl-ca=" + file("ca.pem"),
                                 "--ssl-cert=" + file("server-cert.pem"),
                                 "--ssl-key=" + file("server-key.pem")});
    for (const char* user : {"tls_x509", "tls_ssl"}) {
      const std::string require = std::string(user) == "tls_x509" ? "X509" : "SSL";
      server->root_exec(std::string("CREATE USER '") + user + "'@'%' IDENTIFIED BY '" + kPassword +
                        "' REQUIRE " + require);
      server->root_exec(std::string("GRANT ALL PRIVILEGES ON *.* TO '") + user + "'@'%'");
    }
    server->exec(
        "CREATE DATABASE tlsdb; CREATE TABLE tlsdb.t (id INT PRIMARY KEY, note VARCHAR(20)); "
        "INSERT INTO tlsdb.t VALUES (1, 'before')");
  }
  std::string file(const std::string& name) const { return certs.file(name); }
  static TlsServer& get() {
    static TlsServer s;
    return s;
  }
};

std::string pipe_text(const TempDir& d, int port, const std::string& user, uint32_t server_id,
                      const std::string& tls) {
  return "pipeline tlsrun {\n"
         "  settings { state_dir = \"" +
         d.file("state") +
         "\"  checkpoint_interval = 200ms }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"  port = " +
         std::to_string(port) + "\n    user = \"" + user +
         "\"  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = " +
         std::to_string(server_id) +
         "  database = \"tlsdb\"  tables = [\"t\"]\n"
         "    " +
         tls +
         "\n"
         "  }\n"
         "  sink file out from src { path = \"" +
         d.file("out.jsonl") +
         "\" }\n"
         "}\n";
}

size_t count_lines(const std::string& path) {
  size_t n = 0;
  for (char c : read_file(path)) n += c == '\n';
  return n;
}

void wait_lines(const std::string& path, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline && count_lines(path) < n) {
    std::this_thread::sleep_for(50ms);
  }
}

my::ConnectOptions options(int port, const std::string& user, my::TlsMode mode,
                           const std::string& ca = "", const std::string& cert = "",
                           const std::string& key = "") {
  my::ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.user = user;
  o.password = kPassword;
  o.tls_mode = mode;
  o.tls_ca = ca;
  o.tls_cert = cert;
  o.tls_key = key;
  return o;
}

// `sluice run` of a pipeline expected to fail for good: exit 3 at once, its stderr.
std::string run_failing(const std::string& tls, const std::string& user, int port,
                        uint32_t server_id, const std::string& password = kPassword) {
  TempDir d;
  write_file(d.file("p.pipe"), pipe_text(d, port, user, server_id, tls));
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "2s"},
                      {"MYSQL_PASSWORD=" + password}, d.str(), 60s);
  auto took = std::chrono::steady_clock::now() - t0;
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("restarting") == std::string::npos, r.err);  // permanent: no retries
  BOOST_TEST(r.err.find(password) == std::string::npos, r.err);      // never printed
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(took).count() < 15);
  BOOST_TEST(count_lines(d.file("out.jsonl")) == 0u);
  BOOST_TEST_MESSAGE(r.err);
  return r.err;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_tls)

// verify_identity with a client certificate: the snapshot row and a streamed change arrive,
// and the binlog dump runs as a user the server admits only over TLS with a certificate.
BOOST_AUTO_TEST_CASE(verify_identity_with_a_client_certificate_snapshots_and_streams) {
  TlsServer& s = TlsServer::get();
  TempDir d;
  const std::string tls = "tls { mode = verify_identity  ca = \"" + s.file("ca.pem") +
                          "\"  cert = \"" + s.file("client-cert.pem") + "\"  key = \"" +
                          s.file("client-key.pem") + "\" }";
  write_file(d.file("p.pipe"), pipe_text(d, s.server->port(), "tls_x509", 7791, tls));
  auto check = run_sluice({"check", d.file("p.pipe")}, {}, d.str(), 30s);
  BOOST_TEST(check.exit_code == 0, check.err);
  const std::string out = d.file("out.jsonl");
  Child run({sluice_bin(), "run", d.file("p.pipe")}, {std::string("MYSQL_PASSWORD=") + kPassword},
            d.str());
  wait_lines(out, 1);
  BOOST_REQUIRE_MESSAGE(count_lines(out) == 1, read_file(run.err_path()));
  s.server->exec("INSERT INTO tlsdb.t VALUES (2, 'streamed')");
  wait_lines(out, 2);
  // The binlog dump thread of the run: user tls_x509 (REQUIRE X509), so encrypted.
  bool dump = false;
  for (int i = 0; i < 50 && !dump; ++i) {
    auto rows = s.server->query(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'tls_x509' AND "
        "COMMAND LIKE 'Binlog Dump%'");
    dump = rows.at(0).at(0).value_or("0") != "0";
    if (!dump) std::this_thread::sleep_for(100ms);
  }
  BOOST_TEST(dump);
  run.signal(SIGTERM);
  auto r = run.wait(60s);
  BOOST_TEST(r.exit_code == 0, r.err);
  auto rows = read_jsonl(out);
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_TEST(get(rows[0], "op")->as_string() == "r");
  BOOST_TEST(get(rows[0], "after", "note")->as_string() == "before");
  BOOST_TEST(get(rows[1], "op")->as_string() == "c");
  BOOST_TEST(get(rows[1], "after", "note")->as_string() == "streamed");
  BOOST_TEST(!contains(r.err, kPassword));
  s.server->exec("DELETE FROM tlsdb.t WHERE id = 2");
}

// The engine's own connection (the one snapshots and metadata use), mode by mode: the server
// reports the session's cipher when TLS is on and none when it is off.
BOOST_AUTO_TEST_CASE(the_session_is_encrypted_exactly_when_the_mode_says) {
  TlsServer& s = TlsServer::get();
  const int port = s.server->port();
  auto cipher = [](my::Connection& c) {
    auto rows = c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    BOOST_REQUIRE(rows.ok());
    return rows->at(0).at(1).value_or("");
  };
  struct Case {
    my::TlsMode mode;
    std::string ca;
    bool encrypted;
  };
  for (const Case& k :
       {Case{my::TlsMode::Preferred, "", true}, Case{my::TlsMode::Required, "", true},
        Case{my::TlsMode::VerifyCa, s.file("ca.pem"), true},
        Case{my::TlsMode::VerifyIdentity, s.file("ca.pem"), true}}) {
    BOOST_TEST_CONTEXT(my::tls_mode_name(k.mode)) {
      my::Connection c;
      auto r = c.connect(options(port, "tls_ssl", k.mode, k.ca));
      BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
      BOOST_TEST(c.tls() == k.encrypted);
      BOOST_TEST(!cipher(c).empty());
    }
  }
  // A `ca` given is checked in every mode that uses TLS, as Connector/C does.
  for (auto mode : {my::TlsMode::Preferred, my::TlsMode::Required}) {
    BOOST_TEST_CONTEXT(my::tls_mode_name(mode)) {
      my::Connection c;
      auto r = c.connect(options(port, "tls_ssl", mode, s.file("other-ca.pem")));
      BOOST_REQUIRE(!r.ok());
      BOOST_TEST(r.err().code.qualified() == "mysql.tls", r.err().message);
      BOOST_TEST((r.err().kind == failure_kind::permanent), r.err().message);
    }
  }
  // disabled really disables TLS: a user without REQUIRE gets a plain session.
  my::ConnectOptions plain = options(port, MariaDbServer::kUser, my::TlsMode::Disabled);
  plain.password = MariaDbServer::kPassword;
  my::Connection c;
  auto r = c.connect(plain);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_TEST(!c.tls());
  BOOST_TEST(cipher(c).empty());
  // The client certificate is presented: REQUIRE X509 admits it, and refuses TLS without one.
  my::Connection x;
  r = x.connect(options(port, "tls_x509", my::TlsMode::VerifyIdentity, s.file("ca.pem"),
                        s.file("client-cert.pem"), s.file("client-key.pem")));
  BOOST_CHECK_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  r = x.connect(options(port, "tls_x509", my::TlsMode::VerifyIdentity, s.file("ca.pem")));
  BOOST_TEST(!r.ok());
}

// verify_ca against a server whose certificate another CA signed: refused, exit 3, saying
// which server, which mode and what to check.
BOOST_AUTO_TEST_CASE(verify_ca_with_the_wrong_ca_fails_clearly) {
  TlsServer& s = TlsServer::get();
  const int port = s.server->port();
  std::string err = run_failing("tls { mode = verify_ca  ca = \"" + s.file("other-ca.pem") + "\" }",
                                "tls_ssl", port, 7792);
  BOOST_TEST(contains(err, "tls_ssl@127.0.0.1:" + std::to_string(port)), err);
  BOOST_TEST(contains(err, "tls mode = verify_ca"), err);
  BOOST_TEST(contains(err, "signed by the CA in `tls { ca }`"), err);
  // The same through the connection: a permanent tls error.
  my::Connection c;
  auto r = c.connect(options(port, "tls_ssl", my::TlsMode::VerifyCa, s.file("other-ca.pem")));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code.qualified() == "mysql.tls", r.err().message);
  BOOST_TEST((r.err().kind == failure_kind::permanent));
}

// verify_identity checks the name: a certificate signed by the right CA for another host is
// refused, while verify_ca accepts it. The server reloads its certificate (FLUSH SSL).
BOOST_AUTO_TEST_CASE(verify_identity_refuses_a_certificate_for_another_host) {
  TlsServer& s = TlsServer::get();
  const int port = s.server->port();
  auto swap = [&](const std::string& from) {
    sh("cp " + s.file(from + "-cert.pem") + " " + s.file("server-cert.pem.tmp") + " && mv " +
       s.file("server-cert.pem.tmp") + " " + s.file("server-cert.pem"));
    sh("cp " + s.file(from + "-key.pem") + " " + s.file("server-key.pem.tmp") + " && mv " +
       s.file("server-key.pem.tmp") + " " + s.file("server-key.pem"));
    s.server->root_exec("FLUSH SSL");
  };
  sh("cp " + s.file("server-cert.pem") + " " + s.file("good-cert.pem"));
  sh("cp " + s.file("server-key.pem") + " " + s.file("good-key.pem"));
  swap("misnamed");
  std::string err = run_failing("tls { mode = verify_identity  ca = \"" + s.file("ca.pem") + "\" }",
                                "tls_ssl", port, 7793);
  BOOST_TEST(contains(err, "tls mode = verify_identity"), err);
  BOOST_TEST(contains(err, "name the host"), err);
  my::Connection c;
  auto r = c.connect(options(port, "tls_ssl", my::TlsMode::VerifyCa, s.file("ca.pem")));
  BOOST_CHECK_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_TEST(c.tls());
  swap("good");
  r = c.connect(options(port, "tls_ssl", my::TlsMode::VerifyIdentity, s.file("ca.pem")));
  BOOST_CHECK_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
}

// disabled against a user created REQUIRE SSL: refused, with the hint about the mode.
BOOST_AUTO_TEST_CASE(disabled_against_a_user_that_requires_ssl_fails_clearly) {
  TlsServer& s = TlsServer::get();
  std::string err = run_failing("tls { mode = disabled }", "tls_ssl", s.server->port(), 7794);
  BOOST_TEST(contains(err, "tls_ssl@127.0.0.1:" + std::to_string(s.server->port())), err);
  BOOST_TEST(contains(err, "tls mode = disabled: a user created REQUIRE SSL"), err);
}

// required against a server without TLS (the shared test server has none): refused.
BOOST_AUTO_TEST_CASE(required_against_a_server_without_tls_fails_clearly) {
  MariaDbServer& plain = MariaDbServer::shared();
  auto have = plain.query("SELECT @@have_ssl");
  BOOST_REQUIRE(have.at(0).at(0).value_or("") != "YES");
  plain.exec(
      "CREATE DATABASE IF NOT EXISTS tlsdb; CREATE TABLE IF NOT EXISTS tlsdb.t (id INT "
      "PRIMARY KEY, note VARCHAR(20))");
  for (const char* mode : {"required", "verify_ca", "verify_identity"}) {
    BOOST_TEST_CONTEXT(mode) {
      std::string tls = std::string("tls { mode = ") + mode + "  ca = \"" +
                        TlsServer::get().file("ca.pem") + "\" }";
      std::string err =
          run_failing(tls, MariaDbServer::kUser, plain.port(), 7795, MariaDbServer::kPassword);
      BOOST_TEST(contains(err, "sluice@127.0.0.1:" + std::to_string(plain.port())), err);
      BOOST_TEST(contains(err, std::string("tls mode = ") + mode), err);
      BOOST_TEST(contains(err, "the server does not offer TLS"), err);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
