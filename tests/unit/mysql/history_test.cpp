// The source talks to the history its checkpoint came from (issue 15, point 4): the
// checkpoint's server (@@server_id, and @@server_uuid on MySQL) and binlog file must still be
// there, else a permanent error says how to start over, never a silent skip. Also the server
// checks that depend on the server's flavour: the binlog status statement of MySQL 8.4 and the
// refusal of partial JSON updates.
#include <mysql.h>

#include <boost/test/unit_test.hpp>

#include "operators/mysql/binlog_event.h"
#include "operators/mysql/binlog_server.h"
#include "operators/mysql/binlog_stream.h"
#include "operators/mysql/mysql_config.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

std::string master_file() { return *server().query("SHOW MASTER STATUS").at(0).at(0); }

std::string replace_line(std::string state, const std::string& key, const std::string& value) {
  size_t p = state.find("\n" + key + "=");
  if (p == std::string::npos) return state + key + "=" + value + "\n";
  size_t e = state.find('\n', p + 1);
  return state.replace(p + 1, e - p - 1, key + "=" + value);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_history)

BOOST_AUTO_TEST_CASE(binlog_status_statement_by_server_version) {
  const std::string binary = "SHOW BINARY LOG STATUS", master = "SHOW MASTER STATUS";
  BOOST_CHECK_EQUAL(my::binlog_status_query("8.4.3"), binary);
  BOOST_CHECK_EQUAL(my::binlog_status_query("8.2.0"), binary);
  BOOST_CHECK_EQUAL(my::binlog_status_query("9.1.0-commercial"), binary);
  BOOST_CHECK_EQUAL(my::binlog_status_query("8.1.0"), master);
  BOOST_CHECK_EQUAL(my::binlog_status_query("8.0.36-log"), master);
  BOOST_CHECK_EQUAL(my::binlog_status_query("5.7.44"), master);
  BOOST_CHECK_EQUAL(my::binlog_status_query("10.11.6-MariaDB-0+deb12u1-log"), master);
  BOOST_CHECK_EQUAL(my::binlog_status_query("5.5.5-10.11.6-MariaDB"), master);
  BOOST_CHECK_EQUAL(my::binlog_status_query("11.4.2-MariaDB"), master);
  BOOST_CHECK_EQUAL(my::binlog_status_query(""), master);
  // And against the MariaDB here: the position comes back.
  my::Connection c;
  auto cfg = make_cfg("", {});
  BOOST_REQUIRE(c.connect(cfg.conn).ok());
  auto p = my::current_position(c);
  BOOST_REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.err().message));
  BOOST_CHECK_EQUAL(p->file, master_file());
  BOOST_CHECK_EQUAL(p->server, 1u);
  BOOST_CHECK_EQUAL(p->server_uuid, "");  // MariaDB has none
}

BOOST_AUTO_TEST_CASE(partial_json_is_refused_naming_the_setting) {
  BOOST_CHECK_EQUAL(my::partial_json_refusal(""), "");
  std::string why = my::partial_json_refusal("PARTIAL_JSON");
  BOOST_CHECK(why.find("SET GLOBAL binlog_row_value_options = ''") != std::string::npos);
  BOOST_CHECK(!my::partial_json_refusal("partial_json").empty());
  // At event time too.
  BOOST_CHECK(my::refuse_unhandled_event(39).find("binlog_row_value_options = ''") !=
              std::string::npos);
}

BOOST_AUTO_TEST_CASE(checkpoint_keeps_the_server_uuid_and_old_ones_load) {
  my::SourceState s;
  s.phase = my::SourceState::Phase::Stream;
  s.position.file = "binlog.000007";
  s.position.pos = 1234;
  s.position.server = 3;
  s.position.server_uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  auto d = my::SourceState::decode(s.encode());
  BOOST_REQUIRE(d.ok());
  BOOST_CHECK_EQUAL(d->position.server, 3u);
  BOOST_CHECK_EQUAL(d->position.server_uuid, s.position.server_uuid);
  auto old = my::SourceState::decode("v=1\nphase=stream\nfile=b.000001\npos=4\ngtid=\nskip=0\n");
  BOOST_REQUIRE(old.ok());
  BOOST_CHECK_EQUAL(old->position.server_uuid, "");
  BOOST_CHECK_EQUAL(old->position.text(), "b.000001:4");
}

BOOST_AUTO_TEST_CASE(a_purged_checkpoint_file_is_a_permanent_error) {
  server().exec(
      "DROP DATABASE IF EXISTS pg; CREATE DATABASE pg; CREATE TABLE pg.t (id INT PRIMARY KEY)");
  auto cfg = make_cfg("pg", {});
  cfg.start = current_start();
  std::string state;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    server().exec("INSERT INTO pg.t VALUES (1)");
    BOOST_REQUIRE_EQUAL(poll_n(src, 1).size(), 1u);
    BOOST_REQUIRE(poll_for(src, std::chrono::milliseconds(300)).empty());  // its commit
    state = src.checkpoint_state();
  }
  const std::string gone = master_file();
  BOOST_REQUIRE(state.find("file=" + gone + "\n") != std::string::npos);
  server().exec("FLUSH BINARY LOGS");
  server().exec("INSERT INTO pg.t VALUES (2)");  // a change the source will never see
  server().exec("FLUSH BINARY LOGS");
  // The server keeps a file while a dump thread still reads it or crash recovery may need it:
  // purge until it is gone.
  auto listed = [&] {
    for (auto& r : server().query("SHOW BINARY LOGS")) {
      if (*r.at(0) == gone) return true;
    }
    return false;
  };
  for (int i = 0; i < 100 && listed(); ++i) {
    server().exec("PURGE BINARY LOGS TO '" + master_file() + "'");
    if (listed()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_REQUIRE(!listed());
  // The oldest file left (the server may have rotated again since the purge, so not
  // necessarily the current one).
  const std::string oldest = *server().query("SHOW BINARY LOGS").at(0).at(0);
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open(state).ok());
  error e = first_error(src);
  BOOST_CHECK(e.kind == failure_kind::permanent);
  BOOST_CHECK_MESSAGE(
      e.message.find("binlog file " + gone + " is no longer on") != std::string::npos &&
          e.message.find("oldest binlog there is " + oldest) != std::string::npos &&
          e.message.find("delete its state directory") != std::string::npos,
      e.message);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_of_another_server_without_gtids_is_a_permanent_error) {
  server().exec(
      "DROP DATABASE IF EXISTS os; CREATE DATABASE os; CREATE TABLE os.t (id INT PRIMARY KEY)");
  auto cfg = make_cfg("os", {});
  cfg.start = current_start();
  std::string state;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    server().exec("INSERT INTO os.t VALUES (1)");
    BOOST_REQUIRE_EQUAL(poll_n(src, 1).size(), 1u);
    BOOST_REQUIRE(poll_for(src, std::chrono::milliseconds(300)).empty());  // its commit
    state = src.checkpoint_state();
  }
  BOOST_REQUIRE(state.find("\nserver=1\n") != std::string::npos);
  state = replace_line(replace_line(state, "server", "77"), "gtid", "");
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open(state).ok());
  error e = first_error(src);
  BOOST_CHECK(e.kind == failure_kind::permanent);
  BOOST_CHECK_MESSAGE(e.message.find("belongs to server 77") != std::string::npos &&
                          e.message.find("delete its state directory") != std::string::npos,
                      e.message);
}

// MySQL 8.4 users authenticate with caching_sha2_password (mysql_native_password is off by
// default): Connector/C loads it from its plugin directory (package libmariadb3). Without
// TLS it encrypts the password with the server's RSA key, asked from the server or read from
// `server_public_key`. No MySQL 8 server here: the plugin is loaded, the option is passed.
BOOST_AUTO_TEST_CASE(caching_sha2_password_plugin_and_public_key_option) {
  MYSQL* m = mysql_init(nullptr);
  BOOST_REQUIRE(m);
  const int kAuthenticationPlugin = 2;  // MYSQL_CLIENT_AUTHENTICATION_PLUGIN (client_plugin.h
                                        // is not usable: it includes an unshipped header)
  auto* plugin = mysql_client_find_plugin(m, "caching_sha2_password", kAuthenticationPlugin);
  BOOST_CHECK_MESSAGE(plugin, mysql_error(m));
  mysql_close(m);
  StageConfig c;
  c.name = "m";
  c.options.set(intern("host"), Value::string("a, b:3307"));
  c.options.set(intern("user"), Value::string("u"));
  c.options.set(intern("password"), Value::string("p"));
  c.options.set(intern("server_id"), Value::int64(77));
  c.options.set(intern("server_public_key"), Value::string("/etc/mysql/server-key.pem"));
  auto cfg = my::read_config(c);
  BOOST_REQUIRE(cfg.ok());
  BOOST_REQUIRE_EQUAL(cfg->hosts.size(), 2u);
  for (auto& h : cfg->hosts) BOOST_CHECK_EQUAL(h.server_public_key, "/etc/mysql/server-key.pem");
  // Harmless on a server that does not use it.
  auto on = make_cfg("", {});
  on.conn.server_public_key = "/nonexistent/key.pem";
  my::Connection conn;
  auto r = conn.connect(on.conn);
  BOOST_CHECK_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
}

BOOST_AUTO_TEST_SUITE_END()
