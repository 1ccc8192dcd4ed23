// A private PostgreSQL 15 server for tests: initdb into a temporary directory owned by the
// `postgres` user (the server refuses to run as root), listens on 127.0.0.1:<free port> and a
// private socket directory, trust authentication. Stopped and removed on destruction.
// restart() stops and starts it on the same port (for connection-loss tests).
#pragma once
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "free_port.h"  // beside this header (also used by bench/)

namespace sluice::test {

class PostgresServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

  explicit PostgresServer(bool fsync = false) : fsync_(fsync) {
    char tmpl[] = "/tmp/sluice-pg-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
    data_ = root_ + "/data";
    sock_ = root_ + "/sock";
    std::filesystem::create_directories(sock_);
    as_root_ = ::geteuid() == 0;
    if (as_root_) run("chown -R postgres:postgres " + root_);
    port_ = sluice::test::free_port();
    run(pg("initdb") + " -D " + data_ + " --auth=trust -E UTF8 --locale=C.UTF-8 -U postgres" +
        " > " + root_ + "/initdb.log 2>&1");
    start();
  }

  ~PostgresServer() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void start() {
    std::string opts = "-p " + std::to_string(port_) + " -k " + sock_ +
                       " -c listen_addresses=127.0.0.1 -c max_connections=40" +
                       (fsync_ ? "" : " -c fsync=off -c synchronous_commit=off");
    run(pg("pg_ctl") + " -D " + data_ + " -l " + root_ + "/server.log -w -t 60 -o \"" + opts +
        "\" start > /dev/null 2>&1");
    running_ = true;
  }

  void stop() {
    if (!running_) return;
    running_ = false;
    (void)std::system(
        (pg("pg_ctl") + " -D " + data_ + " -m fast -w stop > /dev/null 2>&1").c_str());
  }

  void restart() {
    stop();
    start();
  }

  int port() const { return port_; }
  // The server's private directory (data/, sock/ and logs below it): room for test files.
  const std::string& dir() const { return root_; }
  // Appends settings to postgresql.conf; they apply at the next restart().
  void append_conf(const std::string& lines) const {
    write_file(data_ + "/postgresql.conf", lines, "a");
  }
  // Replaces pg_hba.conf; applies at the next restart().
  void write_hba(const std::string& text) const { write_file(data_ + "/pg_hba.conf", text, "w"); }
  // Makes a file the server's own (it runs as `postgres` when the tests run as root).
  void give_to_server(const std::string& path) const {
    if (as_root_) run("chown postgres:postgres " + path);
  }
  std::string url(const std::string& db = "postgres") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }
  // A libpq keyword/value connection string.
  std::string conninfo(const std::string& db = "postgres") const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + db;
  }
  // Runs psql -At -c SQL and returns its output (trailing newline trimmed).
  std::string psql(const std::string& sql, const std::string& db = "postgres") const {
    std::string file = root_ + "/q.sql";
    {
      FILE* f = std::fopen(file.c_str(), "w");
      std::fputs(sql.c_str(), f);
      std::fclose(f);
    }
    std::string cmd = std::string(kBin) + "/psql -X -q -At -h 127.0.0.1 -p " +
                      std::to_string(port_) + " -U postgres -d " + db + " -f " + file + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

 private:
  std::string pg(const std::string& tool) const {
    std::string bin = std::string(kBin) + "/" + tool;
    return as_root_ ? "runuser -u postgres -- " + bin : bin;
  }
  static void write_file(const std::string& path, const std::string& text, const char* mode) {
    FILE* f = std::fopen(path.c_str(), mode);
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  static void run(const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
  }

  bool fsync_;
  bool as_root_ = false;
  bool running_ = false;
  int port_ = 0;
  std::string root_, data_, sock_;
};

}  // namespace sluice::test
