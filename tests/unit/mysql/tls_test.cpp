// `tls { mode ca cert key }` of `source mysql`: read into every host's ConnectOptions, the
// combinations a mode cannot use refused, and the modes against the shared test server, which
// serves no TLS (tests/integration/mysql_tls_test.cpp runs them against one that does).
#include <boost/test/unit_test.hpp>

#include "mysql_test_util.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/mysql_spec.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

StageConfig stage(const std::vector<std::pair<std::string, std::string>>& tls) {
  StageConfig c;
  c.name = "m";
  c.options.set(intern("host"), Value::string("a, b:3307"));
  c.options.set(intern("user"), Value::string("u"));
  c.options.set(intern("password"), Value::string("p"));
  c.options.set(intern("server_id"), Value::int64(77));
  if (!tls.empty()) {
    Object o;
    for (const auto& [k, v] : tls) o.set(intern(k), Value::string(v));
    c.options.set(intern("tls"), Value::object(std::move(o)));
  }
  return c;
}

my::ConnectOptions shared_server(my::TlsMode mode) {
  auto cfg = make_cfg("", {});
  cfg.conn.tls_mode = mode;
  return cfg.conn;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_tls_options)

BOOST_AUTO_TEST_CASE(the_tls_block_is_declared_and_reaches_every_host) {
  const dsl::KindSpec k = my::bound_source_spec().spec();
  const dsl::OptionSpec* tls = nullptr;
  for (const auto& o : k.options) {
    if (o.name == "tls") tls = &o;
  }
  BOOST_REQUIRE(tls);
  BOOST_TEST((tls->type == dsl::OptType::Block));
  std::vector<std::string> names;
  for (const auto& o : tls->children) names.push_back(o.name);
  BOOST_TEST(names == (std::vector<std::string>{"mode", "ca", "cert", "key"}),
             boost::test_tools::per_element());
  BOOST_TEST(tls->children[0].default_text == "preferred");
  BOOST_TEST(
      tls->children[0].enum_values == (std::vector<std::string>{"disabled", "preferred", "required",
                                                                "verify_ca", "verify_identity"}),
      boost::test_tools::per_element());

  // Default: preferred, no files.
  auto plain = my::read_config(stage({}));
  BOOST_REQUIRE(plain.ok());
  for (const auto& h : plain->hosts) BOOST_TEST((h.tls_mode == my::TlsMode::Preferred));

  auto cfg = my::read_config(stage({{"mode", "verify_identity"},
                                    {"ca", "/etc/sluice/ca.pem"},
                                    {"cert", "/etc/sluice/client-cert.pem"},
                                    {"key", "/etc/sluice/client-key.pem"}}));
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? "" : cfg.err().message));
  BOOST_REQUIRE_EQUAL(cfg->hosts.size(), 2u);
  for (const auto& h : cfg->hosts) {
    BOOST_TEST((h.tls_mode == my::TlsMode::VerifyIdentity));
    BOOST_TEST(h.tls_ca == "/etc/sluice/ca.pem");
    BOOST_TEST(h.tls_cert == "/etc/sluice/client-cert.pem");
    BOOST_TEST(h.tls_key == "/etc/sluice/client-key.pem");
  }
  BOOST_TEST((cfg->conn.tls_mode == my::TlsMode::VerifyIdentity));  // reconcile's connection
  BOOST_TEST(cfg->conn.tls_ca == "/etc/sluice/ca.pem");
  BOOST_TEST(std::string(my::tls_mode_name(my::TlsMode::VerifyCa)) == "verify_ca");
}

BOOST_AUTO_TEST_CASE(combinations_a_mode_cannot_use_are_refused) {
  auto no_ca = my::read_config(stage({{"mode", "verify_ca"}}));
  BOOST_REQUIRE(!no_ca.ok());
  BOOST_TEST(no_ca.err().message.find("mode = verify_ca needs `ca`") != std::string::npos,
             no_ca.err().message);
  auto half = my::read_config(stage({{"mode", "required"}, {"cert", "/c.pem"}}));
  BOOST_REQUIRE(!half.ok());
  BOOST_TEST(half.err().message.find("`cert` and `key` go together") != std::string::npos,
             half.err().message);
  auto off = my::read_config(stage({{"mode", "disabled"}, {"ca", "/ca.pem"}}));
  BOOST_REQUIRE(!off.ok());
  BOOST_TEST(off.err().message.find("mode = disabled does not use") != std::string::npos,
             off.err().message);
  auto word = my::read_config(stage({{"mode", "strict"}}));
  BOOST_REQUIRE(!word.ok());
  BOOST_TEST(word.err().message.find("tls.mode") != std::string::npos, word.err().message);
  // verify_identity may do without `ca` (the system's CAs).
  BOOST_TEST(my::read_config(stage({{"mode", "verify_identity"}})).ok());
}

BOOST_AUTO_TEST_CASE(modes_against_a_server_without_tls) {
  BOOST_REQUIRE(server().query("SELECT @@have_ssl").at(0).at(0).value_or("") != "YES");
  for (auto mode : {my::TlsMode::Disabled, my::TlsMode::Preferred}) {
    BOOST_TEST_CONTEXT(my::tls_mode_name(mode)) {
      my::Connection c;
      auto r = c.connect(shared_server(mode));
      BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
      BOOST_TEST(!c.tls());
    }
  }
  for (auto mode : {my::TlsMode::Required, my::TlsMode::VerifyIdentity}) {
    BOOST_TEST_CONTEXT(my::tls_mode_name(mode)) {
      my::Connection c;
      auto r = c.connect(shared_server(mode));
      BOOST_REQUIRE(!r.ok());
      const auto& e = r.err();
      BOOST_TEST((e.kind == failure_kind::permanent));
      BOOST_TEST(e.code.qualified() == "mysql.tls");
      BOOST_TEST(e.message.find("sluice@127.0.0.1:" + std::to_string(server().port())) !=
                     std::string::npos,
                 e.message);
      BOOST_TEST(e.message.find("the server does not offer TLS") != std::string::npos, e.message);
      BOOST_TEST(e.message.find(MariaDbServer::kPassword) == std::string::npos, e.message);
      BOOST_TEST(!c.connected());
    }
  }
  // A file that cannot be read is named before anything is sent.
  auto o = shared_server(my::TlsMode::VerifyCa);
  o.tls_ca = "/nonexistent/ca.pem";
  my::Connection c;
  auto r = c.connect(o);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().message.find("tls ca file \"/nonexistent/ca.pem\" cannot be read") !=
                 std::string::npos,
             r.err().message);
  BOOST_TEST((r.err().kind == failure_kind::permanent));
}

BOOST_AUTO_TEST_SUITE_END()
