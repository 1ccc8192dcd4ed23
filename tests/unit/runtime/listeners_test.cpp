// issue 21: the two listeners. The metrics listener is read-only and keeps answering while a
// client trickles a request byte by byte; the API wants its token, refuses browsers'
// cross-origin requests and DNS-rebound Host names, and speaks TLS with a certificate made here.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "base/secrets.h"
#include "live_fixture.h"
#include "runtime/api_guard.h"
#include "runtime/http_client.h"
#include "runtime/http_server.h"
#include "runtime/management_api.h"
#include "runtime/metrics_endpoint.h"
#include "support/process.h"

using namespace sluice;
using namespace std::chrono_literals;
using runtime::HttpRequest;
using runtime::HttpResponse;

namespace {

std::string local(const runtime::HttpServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

// A raw request with the given extra header lines ("Name: value\r\n"...).
int raw_status(int port, const std::string& method, const std::string& path,
               const std::string& headers) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  const std::string req = method + " " + path + " HTTP/1.1\r\n" + headers +
                          "Content-Length: 0\r\nConnection: close\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) < 0) return -1;
  std::string buf;
  char chunk[4096];
  ssize_t n;
  while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) buf.append(chunk, static_cast<size_t>(n));
  ::close(fd);
  return buf.size() > 12 ? std::atoi(buf.c_str() + 9) : -1;
}

struct ScopedEnv {
  explicit ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_); }
  const char* name_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(listeners)

BOOST_AUTO_TEST_CASE(a_trickling_client_does_not_delay_metrics) {
  auto live = test::make_live();
  runtime::HttpServer server(runtime::metrics_endpoint(live));
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  // One byte every half second, never finishing its request line.
  std::thread slow([&] {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(server.port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    const std::string line = "GET /metrics HTTP/1.1\r\n";
    for (size_t i = 0; !stop && i < line.size(); ++i) {
      if (::send(fd, &line[i], 1, MSG_NOSIGNAL) != 1) break;
      ++sent;
      std::this_thread::sleep_for(500ms);
    }
    ::close(fd);
  });
  while (sent < 1) std::this_thread::sleep_for(10ms);
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = runtime::http_request(local(server), "GET", "/metrics", 2000);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
    BOOST_TEST(r->status == 200);
    BOOST_TEST(ms < 250, "GET /metrics took " << ms << " ms beside a trickling client");
    std::this_thread::sleep_for(300ms);
  }
  BOOST_TEST(sent.load() >= 3);  // the slow client was still sending throughout
  stop = true;
  slow.join();
  server.stop();
}

BOOST_AUTO_TEST_CASE(the_metrics_listener_is_read_only) {
  auto live = test::make_live();
  runtime::HttpServer server(runtime::metrics_endpoint(live));
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  BOOST_TEST(raw_status(server.port(), "GET", "/health", "") == 200);
  BOOST_TEST(raw_status(server.port(), "GET", "/ready", "") == 200);
  BOOST_TEST(raw_status(server.port(), "GET", "/pipelines", "") == 404);
  BOOST_TEST(raw_status(server.port(), "POST", "/pipelines/demo/pause", "") == 404);
  BOOST_TEST(raw_status(server.port(), "POST", "/reload", "") == 404);
  BOOST_TEST(raw_status(server.port(), "POST", "/metrics", "") == 405);
  BOOST_TEST(!live->find("demo")->stages[0].counters->paused.load());
  // A failed pipeline makes /ready 503 (liveness stays 200).
  {
    auto p = live->find("demo");
    std::lock_guard<std::mutex> lock(p->status->mu);
    p->status->reason = "the sink refused the password";
  }
  BOOST_TEST(raw_status(server.port(), "GET", "/ready", "") == 503);
  BOOST_TEST(raw_status(server.port(), "GET", "/health", "") == 200);
}

BOOST_AUTO_TEST_CASE(the_api_wants_its_token_and_refuses_cross_origin) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  auto inner = [&](const HttpRequest& r) { return api.handle(r); };
  runtime::HttpServer server(runtime::guard_api(inner, {"s3cret-token-0123456789"}));
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  const int port = server.port();
  BOOST_TEST(raw_status(port, "GET", "/pipelines", "") == 401);
  BOOST_TEST(raw_status(port, "GET", "/pipelines", "Authorization: Bearer wrong\r\n") == 401);
  BOOST_TEST(raw_status(port, "GET", "/pipelines",
                        "Authorization: Bearer s3cret-token-0123456789\r\n") == 200);
  BOOST_TEST(raw_status(port, "POST", "/pipelines/demo/pause", "") == 401);
  BOOST_TEST(!live->find("demo")->stages[0].counters->paused.load());
  // A web page's cross-origin POST is refused even with the token.
  const std::string auth = "Authorization: Bearer s3cret-token-0123456789\r\n";
  BOOST_TEST(raw_status(port, "POST", "/pipelines/demo/pause",
                        auth + "Origin: http://evil.example\r\n") == 403);
  BOOST_TEST(raw_status(port, "POST", "/pipelines/demo/pause",
                        auth + "Sec-Fetch-Site: cross-site\r\n") == 403);
  BOOST_TEST(!live->find("demo")->stages[0].counters->paused.load());
  BOOST_TEST(raw_status(port, "POST", "/pipelines/demo/pause", auth) == 200);
  BOOST_TEST(live->find("demo")->stages[0].counters->paused.load());
  // The CLI's client sends $SLUICE_API_TOKEN.
  BOOST_TEST(runtime::http_request(local(server), "GET", "/pipelines")->status == 401);
  {
    ScopedEnv token("SLUICE_API_TOKEN", "s3cret-token-0123456789");
    BOOST_TEST(runtime::http_request(local(server), "GET", "/pipelines")->status == 200);
  }
  // Without a token (loopback only), a DNS-rebound Host name is refused.
  runtime::HttpServer open(runtime::guard_api(inner, {}));
  BOOST_REQUIRE(open.start("127.0.0.1:0").ok());
  BOOST_TEST(raw_status(open.port(), "GET", "/pipelines", "Host: 127.0.0.1\r\n") == 200);
  BOOST_TEST(raw_status(open.port(), "GET", "/pipelines", "Host: localhost:1\r\n") == 200);
  BOOST_TEST(raw_status(open.port(), "GET", "/pipelines", "Host: evil.example\r\n") == 403);
  BOOST_TEST(raw_status(open.port(), "POST", "/pipelines/demo/resume",
                        "Host: 127.0.0.1\r\nOrigin: http://evil.example\r\n") == 403);
}

BOOST_AUTO_TEST_CASE(no_secret_leaves_through_http) {
  secrets::add("pa55-w0rd-in-an-error");
  runtime::HttpServer server([](const HttpRequest&) {
    return HttpResponse{500,
                        "application/json",
                        "{\"error\":\"cannot connect as app:pa55-w0rd-in-an-error@db\"}",
                        {},
                        {}};
  });
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  auto r = runtime::http_request(local(server), "GET", "/pipelines");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->body.find("pa55-w0rd") == std::string::npos, r->body);
  BOOST_TEST(r->body.find("app:***@db") != std::string::npos, r->body);
}

BOOST_AUTO_TEST_CASE(a_streamed_answer_is_redacted_and_can_be_left) {
  secrets::add("s3cr3t-in-a-tapped-row");
  runtime::HttpServer server([](const HttpRequest&) {
    HttpResponse r;
    auto left = std::make_shared<int>(3);
    r.stream = [left](std::string& chunk) {
      chunk += "{\"dsn\":\"app:s3cr3t-in-a-tapped-row@db\"}\n";
      return --*left > 0;
    };
    return r;
  });
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  std::string got;
  auto all = runtime::http_stream(
      local(server), "/tap",
      [&](const char* data, size_t size) {
        got.append(data, size);
        return true;
      },
      2000);
  BOOST_REQUIRE_MESSAGE(all.ok(), (all.ok() ? "" : all.err().message));
  BOOST_TEST(all->status == 200);
  BOOST_TEST(got.find("s3cr3t") == std::string::npos, got);
  BOOST_TEST(std::count(got.begin(), got.end(), '\n') == 3);
  // The client may stop reading early: not an error.
  auto first = runtime::http_stream(
      local(server), "/tap", [](const char*, size_t) { return false; }, 2000);
  BOOST_TEST(first.ok());
}

BOOST_AUTO_TEST_CASE(the_token_file) {
  test::TempDir dir;
  test::write_file(dir.file("token"), "abc-123\n");
  auto t = runtime::load_api_token(dir.file("token"));
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(*t == "abc-123");
  test::write_file(dir.file("empty"), "\n");
  BOOST_TEST(!runtime::load_api_token(dir.file("empty")).ok());
  BOOST_TEST(!runtime::load_api_token(dir.file("missing")).ok());
  ScopedEnv env("SLUICE_API_TOKEN", "from-env");
  auto from_env = runtime::load_api_token("");
  BOOST_REQUIRE(from_env.ok());
  BOOST_TEST(*from_env == "from-env");
}

BOOST_AUTO_TEST_CASE(the_api_over_tls) {
  test::TempDir dir;
  const std::string ca = dir.file("ca.pem"), ca_key = dir.file("ca.key");
  const std::string cert = dir.file("node.pem"), key = dir.file("node.key");
  const std::string q = " >/dev/null 2>&1";
  BOOST_REQUIRE(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca "
                             "-keyout " +
                             ca_key + " -out " + ca + q)
                                .c_str()) == 0);
  BOOST_REQUIRE(std::system(("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " +
                             key + " -out " + dir.file("node.csr") + q)
                                .c_str()) == 0);
  test::write_file(dir.file("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  BOOST_REQUIRE(std::system(("openssl x509 -req -in " + dir.file("node.csr") + " -CA " + ca +
                             " -CAkey " + ca_key + " -CAcreateserial -days 2 -extfile " +
                             dir.file("ext") + " -out " + cert + q)
                                .c_str()) == 0);
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  runtime::HttpServerOptions tls;
  tls.tls_cert = cert;
  tls.tls_key = key;
  runtime::HttpServer server(
      runtime::guard_api([&](const HttpRequest& r) { return api.handle(r); }, {"tok"}), tls);
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  const std::string https = "https://127.0.0.1:" + std::to_string(server.port());
  ScopedEnv token("SLUICE_API_TOKEN", "tok");
  {
    ScopedEnv trust("SLUICE_API_CA", ca);
    auto r = runtime::http_request(https, "GET", "/pipelines");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
    BOOST_TEST(r->status == 200);
  }
  // Not trusted without the CA; plain HTTP gets no answer from a TLS listener.
  auto untrusted = runtime::http_request(https, "GET", "/pipelines");
  BOOST_REQUIRE(!untrusted.ok());
  BOOST_TEST(untrusted.err().message.find("not trusted") != std::string::npos,
             untrusted.err().message);
  BOOST_TEST(!runtime::http_request(local(server), "GET", "/pipelines", 1000).ok());
  // A certificate that cannot be loaded is a clear start error.
  runtime::HttpServerOptions bad;
  bad.tls_cert = dir.file("missing.pem");
  bad.tls_key = key;
  runtime::HttpServer broken([](const HttpRequest&) { return HttpResponse{}; }, bad);
  auto started = broken.start("127.0.0.1:0");
  BOOST_REQUIRE(!started.ok());
  BOOST_TEST(started.err().message.find("missing.pem") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
