// Test helper: a PRIVATE MariaDB 10.11 server (binlog on, ROW format) in a temporary datadir,
// listening on a free loopback port and a private socket. Started once per test executable
// (MariaDbServer::shared()), stopped at process exit. Creates user `sluice`/`sluice-pw` with all
// privileges (REPLICATION SLAVE/CLIENT included) for the tests to use over TCP.
#pragma once
#include <mysql.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "free_port.h"  // beside this header (also used by bench/)

namespace sluice::test {

class MariaDbServer {
 public:
  static constexpr const char* kUser = "sluice";
  static constexpr const char* kPassword = "sluice-pw";

  // metadata: "FULL" or "MINIMAL" (binlog_row_metadata; can be changed later with SET GLOBAL).
  // server_id and extra server arguments make replicas (log_slave_updates, ...).
  explicit MariaDbServer(const std::string& metadata = "FULL", int server_id = 1,
                         std::vector<std::string> extra = {}) {
    char tmpl[] = "/tmp/sluice-mariadb-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    datadir_ = dir_ + "/data";
    socket_ = dir_ + "/mysqld.sock";
    port_ = sluice::test::free_port();
    install();
    args_ = {"/usr/sbin/mariadbd",
             "--no-defaults",
             "--user=root",
             "--datadir=" + datadir_,
             "--socket=" + socket_,
             "--port=" + std::to_string(port_),
             "--bind-address=127.0.0.1",
             "--log-bin=" + datadir_ + "/mysql-bin",
             "--server-id=" + std::to_string(server_id),
             "--binlog-format=ROW",
             "--binlog-row-image=FULL",
             "--binlog-row-metadata=" + metadata,
             "--log-error=" + dir_ + "/error.log",
             "--pid-file=" + dir_ + "/mysqld.pid",
             "--innodb-buffer-pool-size=128M",
             "--innodb-log-file-size=48M",
             "--innodb-flush-log-at-trx-commit=2",
             "--sync-binlog=0",
             "--skip-name-resolve",
             "--max-connections=200",
             "--character-set-server=utf8mb4",
             "--collation-server=utf8mb4_general_ci",
             "--gtid-strict-mode=0",
             "--max-allowed-packet=64M"};
    for (auto& a : extra) args_.push_back(a);
    launch();
    root_exec("CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice-pw'");
    root_exec("GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'%' WITH GRANT OPTION");
    root_exec("CREATE USER 'sluice'@'localhost' IDENTIFIED BY 'sluice-pw'");
    root_exec("GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'localhost' WITH GRANT OPTION");
  }

  // Stops the server (SIGTERM: a clean shutdown; SIGKILL: a crash) keeping its data, so that
  // start() brings it back on the same port.
  void shutdown(int sig = SIGTERM) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    for (int i = 0; i < 600; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (i == 599) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    pid_ = -1;
  }
  void start() {
    if (pid_ <= 0) launch();
  }
  void restart(int sig = SIGTERM) {
    shutdown(sig);
    start();
  }
  // Freezes / thaws the server process (a server that stops answering).
  void pause() {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
  }
  void resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }
  bool running() const { return pid_ > 0; }

  ~MariaDbServer() { stop(); }
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  // One server per test executable. Should it have died on its own (mariadbd 10.11.19 once
  // segfaulted in ha_maria::drop_table in CI-like runs), the end of its error log is printed
  // and it is started again on its data, so that one crash fails the test it hit and not every
  // test after it.
  static MariaDbServer& shared() {
    static MariaDbServer s("FULL");
    s.relaunch_if_it_died();
    return s;
  }

  void relaunch_if_it_died() {
    int status = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &status, WNOHANG) != pid_) return;
    pid_ = -1;
    std::fprintf(stderr, "mariadb_server: mariadbd exited by itself (%s %d); its error log ends:\n",
                 WIFSIGNALED(status) ? "signal" : "status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    std::string tail = "tail -n 40 " + dir_ + "/error.log >&2";
    (void)std::system(tail.c_str());
    launch();
  }

  void stop() {
    resume();
    shutdown(SIGTERM);
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  int port() const { return port_; }
  const std::string& socket() const { return socket_; }
  std::string host() const { return "127.0.0.1"; }
  const std::string& dir() const { return dir_; }

  // A TCP connection as the `sluice` user (owned by the caller via unique_ptr).
  struct Closer {
    void operator()(MYSQL* m) const { mysql_close(m); }
  };
  using Conn = std::unique_ptr<MYSQL, Closer>;
  Conn connect(const std::string& user = kUser, const std::string& password = kPassword) const {
    MYSQL* m = mysql_init(nullptr);
    unsigned int timeout = 10;
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(m, "127.0.0.1", user.c_str(), password.c_str(), nullptr, port_, nullptr,
                            CLIENT_MULTI_STATEMENTS)) {
      std::string e = mysql_error(m);
      mysql_close(m);
      throw std::runtime_error("connect: " + e);
    }
    return Conn(m);
  }

  // Runs statements (several allowed, ';'-separated) on a fresh connection; throws on error.
  void exec(const std::string& sql) const {
    Conn c = connect();
    exec(c.get(), sql);
  }
  static void exec(MYSQL* m, const std::string& sql) {
    if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
      throw std::runtime_error("query failed: " + std::string(mysql_error(m)) + " in " + sql);
    }
    do {
      MYSQL_RES* r = mysql_store_result(m);
      if (r) mysql_free_result(r);
    } while (mysql_next_result(m) == 0);
    if (mysql_errno(m) != 0)
      throw std::runtime_error("query failed: " + std::string(mysql_error(m)));
  }

  using Row = std::vector<std::optional<std::string>>;
  std::vector<Row> query(const std::string& sql) const {
    Conn c = connect();
    return query(c.get(), sql);
  }
  static std::vector<Row> query(MYSQL* m, const std::string& sql) {
    if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
      throw std::runtime_error("query failed: " + std::string(mysql_error(m)) + " in " + sql);
    }
    std::vector<Row> rows;
    MYSQL_RES* r = mysql_store_result(m);
    if (!r) return rows;
    unsigned n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
      unsigned long* lens = mysql_fetch_lengths(r);
      Row out;
      for (unsigned i = 0; i < n; ++i) {
        if (row[i])
          out.emplace_back(std::string(row[i], lens[i]));
        else
          out.emplace_back(std::nullopt);
      }
      rows.push_back(std::move(out));
    }
    mysql_free_result(r);
    return rows;
  }

 private:
  // mariadb-install-db has failed once in CI (ctest -j2, other suites starting their servers)
  // without a trace; it is tried three times on an empty datadir, and a last failure carries
  // the end of its log.
  void install() {
    std::string log = dir_ + "/install.log";
    std::string cmd =
        "/usr/bin/mariadb-install-db --no-defaults --user=root --datadir=" + datadir_ +
        " --auth-root-authentication-method=normal --skip-test-db >> " + log + " 2>&1";
    for (int attempt = 1; attempt <= 3; ++attempt) {
      std::error_code ec;
      std::filesystem::remove_all(datadir_, ec);
      if (std::system(cmd.c_str()) == 0) return;
      std::this_thread::sleep_for(std::chrono::seconds(attempt));
    }
    std::string tail = "tail -n 30 " + log + " >&2";
    (void)std::system(tail.c_str());
    throw std::runtime_error("mariadb-install-db failed three times, its log (above) is " + log);
  }

  void launch() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a crashed test
      std::vector<char*> argv;
      for (auto& a : args_) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      MYSQL* m = mysql_init(nullptr);
      if (mysql_real_connect(m, nullptr, "root", "", nullptr, 0, socket_.c_str(), 0)) {
        mysql_close(m);
        break;
      }
      mysql_close(m);
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("mariadbd exited during startup, see " + dir_ + "/error.log");
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("mariadbd not ready");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 public:
  // Runs SQL as root over the socket (replication setup, server variables).
  void root_exec(const std::string& sql) {
    MYSQL* m = mysql_init(nullptr);
    if (!mysql_real_connect(m, nullptr, "root", "", nullptr, 0, socket_.c_str(), 0)) {
      std::string e = mysql_error(m);
      mysql_close(m);
      throw std::runtime_error("root connect: " + e);
    }
    if (mysql_query(m, sql.c_str()) != 0) {
      std::string e = mysql_error(m);
      mysql_close(m);
      throw std::runtime_error("root query: " + e);
    }
    mysql_close(m);
  }

 private:
  std::string dir_, datadir_, socket_;
  std::vector<std::string> args_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sluice::test
