// Test helpers: run a command (sluice binary) capturing output, exit code and peak RSS;
// temporary directories; file reading.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sluice::test {

inline std::string sluice_bin() { return std::string(SLUICE_BINARY_DIR) + "/sluice"; }
inline std::string source_dir() { return SLUICE_SOURCE_DIR; }

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    path = ::mkdtemp(buf.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct ProcResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kb = 0;
};

// A child process with stdout/stderr redirected to files.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
        const std::string& cwd = "") {
    static int counter = 0;
    std::string base =
        (std::filesystem::temp_directory_path() /
         ("sluice-proc-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
            .string();
    out_path_ = base + ".out";
    err_path_ = base + ".err";
    pid_ = ::fork();
    if (pid_ == 0) {
      int o = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
      // libmongoc's shared-memory counters: a stale /dev/shm/mongoc-PID left by a process
      // killed -9 makes a later process with that PID warn on stderr (docs/operations.md).
      ::setenv("MONGOC_DISABLE_SHM", "1", 0);
      for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    std::error_code ec;
    std::filesystem::remove(out_path_, ec);
    std::filesystem::remove(err_path_, ec);
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // Waits at most timeout; kills the child (and marks exit_code -9) when it runs longer.
  ProcResult wait(std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    ProcResult r;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    struct rusage ru {};
    while (true) {
      pid_t p = ::wait4(pid_, &status, WNOHANG, &ru);
      if (p == pid_) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::wait4(pid_, &status, 0, &ru);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    done_ = true;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    r.max_rss_kb = ru.ru_maxrss;
    r.out = read_file(out_path_);
    r.err = read_file(err_path_);
    return r;
  }
  pid_t pid() const { return pid_; }
  // The files the child's stdout / stderr go to (readable while it runs).
  const std::string& out_path() const { return out_path_; }
  const std::string& err_path() const { return err_path_; }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  std::string out_path_, err_path_;
};

inline ProcResult run_sluice(const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {}, const std::string& cwd = "",
                             std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
  std::vector<std::string> argv{sluice_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  Child c(argv, env, cwd);
  return c.wait(timeout);
}

}  // namespace sluice::test
