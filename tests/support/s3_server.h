// Test helper: a private S3-compatible server (S3rver from npm, tests/s3/server.mjs, installed by
// `npm ci --prefix tests/s3`) on a free loopback port, with buckets "sluice" and "other" and the
// key pair below; it checks every request's AWS Signature Version 4.
#pragma once
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "operators/delta/s3_config.h"
#include "support/free_port.h"
#include "support/process.h"

namespace sluice::test {

constexpr const char* kS3AccessKey = "AKSLUICETESTKEY";
constexpr const char* kS3SecretKey = "sluice/TEST+secret-0123456789abcdef";

// The absolute path of `node` on PATH (Child runs programs with execv).
inline std::string node_binary() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/node";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "/usr/bin/node";
}

// A private S3rver on a free loopback port with buckets "sluice" and "other", files in a
// temporary directory; stopped (SIGTERM, then SIGKILL) when destroyed. `extra` are more
// arguments of tests/s3/server.mjs (--conditional-writes, --tls-cert F --tls-key F).
class S3Server {
 public:
  explicit S3Server(const std::vector<std::string>& extra = {}) : port_(free_port()) {
    const std::string script = source_dir() + "/tests/s3/server.mjs";
    BOOST_REQUIRE_MESSAGE(
        std::filesystem::exists(source_dir() +
                                "/tests/s3/node_modules/@20minutes/s3rver/package.json"),
        "the S3 test server is not installed: run npm ci --prefix tests/s3");
    // --openssl-legacy-provider: S3rver's continuation tokens use DES (tests/s3/server.mjs).
    std::vector<std::string> argv{node_binary(), "--openssl-legacy-provider", script};
    for (const std::string& arg :
         {std::string("--port"), std::to_string(port_), std::string("--directory"), dir_.str()}) {
      argv.push_back(arg);
    }
    for (const char* arg : {"--bucket", "sluice", "--bucket", "other", "--access-key", kS3AccessKey,
                            "--secret-key", kS3SecretKey}) {
      argv.emplace_back(arg);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    for (const std::string& arg : extra) {
      if (arg == "--tls-cert") scheme_ = "https://";
    }
    child_ = std::make_unique<Child>(argv);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (read_file(child_->out_path()).find("listening") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) {
        BOOST_FAIL("the S3 server did not start: " + read_file(child_->err_path()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~S3Server() { stop(); }
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  void stop() {
    if (!child_) return;
    child_->signal(SIGTERM);
    child_->wait(std::chrono::seconds(10));
    child_.reset();
  }
  void kill() {
    if (child_) child_->signal(SIGKILL);
  }
  std::string endpoint() const { return scheme_ + "127.0.0.1:" + std::to_string(port_); }
  // The configuration of a client of this server with the right keys.
  operators::delta::S3Config config() const {
    operators::delta::S3Config cfg;
    cfg.endpoint = endpoint();
    cfg.access_key = kS3AccessKey;
    cfg.secret_key = kS3SecretKey;
    cfg.timeout_ms = 20000;
    return cfg;
  }

 private:
  TempDir dir_;
  int port_;
  std::string scheme_ = "http://";
  std::unique_ptr<Child> child_;
};

}  // namespace sluice::test
