#include "operators/delta/s3_transport.h"

#include <httplib.h>

#include <chrono>
#include <exception>

#include "operators/delta/errc.h"
#include "operators/delta/s3_errors.h"
#include "operators/delta/s3_url.h"

namespace sluice::operators::delta {
namespace {

// Why no answer came, and what to check; fatal when trying again cannot help.
error s3t_failure(httplib::Error e, const std::string& what) {
  switch (e) {
    case httplib::Error::Connection:
      return error::transient(errc::io, what +
                                            ": connection refused or host unreachable (is "
                                            "the endpoint right and the server up?)");
    case httplib::Error::ConnectionTimeout:
      return error::transient(errc::io, what + ": no connection in time");
    case httplib::Error::Read:
      return error::transient(errc::io, what + ": no complete answer in time");
    case httplib::Error::Write:
      return error::transient(errc::io, what + ": the request could not be sent");
    case httplib::Error::SSLConnection:
      return error::transient(errc::io, what +
                                            ": TLS handshake failed (an https:// endpoint "
                                            "for a plain-HTTP server?)");
    case httplib::Error::SSLLoadingCerts:
      return error::fatal(errc::io, what + ": cannot load the CA file (ca_file)");
    case httplib::Error::SSLServerVerification:
      return error::fatal(errc::io, what +
                                        ": the server's certificate is not trusted (set "
                                        "ca_file to the CA that signed it)");
    default:
      return error::transient(errc::io, what + ": " + httplib::to_string(e));
  }
}

// The signed headers of call at `target`, the Authorization header last.
std::vector<std::pair<std::string, std::string>> s3t_signed_headers(const S3Signer& signer,
                                                                    const S3Config& cfg,
                                                                    const S3Call& call,
                                                                    const S3Target& target) {
  const std::string amz_date = s3_amz_date(std::chrono::system_clock::now());
  S3Request r{call.method, target.path, call.query, call.headers, s3_sha256_hex(call.body)};
  r.headers.emplace_back("host", target.host);
  r.headers.emplace_back("x-amz-content-sha256", r.payload_sha256);
  r.headers.emplace_back("x-amz-date", amz_date);
  if (!cfg.session_token.empty()) r.headers.emplace_back("x-amz-security-token", cfg.session_token);
  auto headers = r.headers;
  headers.emplace_back("Authorization", signer.authorization(r, amz_date));
  return headers;
}

}  // namespace

S3Transport::S3Transport(S3Config cfg)
    : cfg_(std::move(cfg)), signer_(cfg_.access_key, cfg_.secret_key, cfg_.region) {}

S3Transport::~S3Transport() = default;

result<S3Answer> S3Transport::send(S3Call call) {
  const std::string what = describe(call.method, call.bucket, call.key);
  auto target = s3_target(cfg_, call.bucket, call.key);
  if (!target.ok()) return target.err();
  httplib::Request req;
  req.method = call.method;
  req.path = target->path;
  if (!call.query.empty()) req.path += "?" + s3_query_string(call.query);
  for (auto& [name, value] : s3t_signed_headers(signer_, cfg_, call, *target)) {
    req.headers.emplace(name, value);
  }
  const uint64_t sent = call.body.size();
  req.body = std::move(call.body);
  std::lock_guard<std::mutex> lock(mu_);
  auto client = client_for(target->origin);
  if (!client.ok()) return client.err();
  try {
    httplib::Result res = (*client)->send(req);
    count(&S3Stats::requests);
    if (!res) return s3t_failure(res.error(), what);
    std::lock_guard<std::mutex> stats_lock(stats_mu_);
    stats_.bytes_sent += sent;
    stats_.bytes_received += res->body.size();
    return S3Answer{res->status, std::move(res->body), res->get_header_value("ETag")};
  } catch (const std::exception& e) {
    return error::transient(errc::io, s3_scrub(what + ": " + e.what()));
  }
}

std::string S3Transport::describe(const std::string& method, const std::string& bucket,
                                  const std::string& key) const {
  const std::string where = cfg_.endpoint.empty() ? "AWS S3 (" + cfg_.region + ")" : cfg_.endpoint;
  return "S3 " + method + " s3://" + bucket + "/" + key + " at " + where;
}

S3Stats S3Transport::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

void S3Transport::count(uint64_t S3Stats::*counter) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  ++(stats_.*counter);
}

result<httplib::Client*> S3Transport::client_for(const std::string& origin) {
  auto it = clients_.find(origin);
  if (it != clients_.end()) return it->second.get();
  auto client = std::make_unique<httplib::Client>(origin);
  if (!client->is_valid()) {
    return error::fatal(errc::io, "S3 endpoint " + origin + " is not a usable http(s) origin");
  }
  const time_t sec = cfg_.timeout_ms / 1000;
  const time_t usec = static_cast<time_t>(cfg_.timeout_ms % 1000) * 1000;
  client->set_connection_timeout(sec, usec);
  client->set_read_timeout(sec, usec);
  client->set_write_timeout(sec, usec);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // else a body sent after its headers waits ~40 ms for an ACK
  client->set_url_encode(false);  // paths and queries arrive encoded, exactly as signed
  client->set_decompress(false);  // an object's bytes as stored, even with Content-Encoding
  if (!cfg_.ca_file.empty()) client->set_ca_cert_path(cfg_.ca_file.c_str());
  httplib::Client* raw = client.get();
  clients_.emplace(origin, std::move(client));
  return raw;
}

}  // namespace sluice::operators::delta
