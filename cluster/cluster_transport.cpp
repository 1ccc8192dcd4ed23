#include "cluster/cluster_transport.h"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <cstdlib>
#include <fstream>

#include "cluster/errc.h"

namespace sluice::cluster {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

ClusterTls ClusterTls::from_env() {
  return ClusterTls{env("SLUICE_CLUSTER_CERT"), env("SLUICE_CLUSTER_KEY"),
                    env("SLUICE_CLUSTER_CA")};
}

result<void> ClusterTls::check() const {
  if (!enabled()) return {};
  if (cert.empty() || key.empty() || ca.empty()) {
    return error::permanent(
        errc::transport,
        "cluster TLS needs a certificate, its key and the cluster CA (--tls-cert, --tls-key, "
        "--tls-ca or SLUICE_CLUSTER_CERT, SLUICE_CLUSTER_KEY, SLUICE_CLUSTER_CA)");
  }
  for (const std::string* f : {&cert, &key, &ca}) {
    if (!std::ifstream(*f))
      return error::permanent(errc::transport, "cluster TLS: cannot read '" + *f + "'");
  }
  return {};
}

void configure_transport(caf::actor_system_config& cfg, const ClusterTls& tls) {
  // The engine's scheduler (engine/actors/runner.cpp): idle workers block instead of polling,
  // and the hand-over of an actor to a worker goes through a mutex ThreadSanitizer can see.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.load<caf::io::middleman>();
  if (!tls.enabled()) return;
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = tls.cert;
  cfg.openssl_key = tls.key;
  cfg.openssl_cafile = tls.ca;
}

result<uint16_t> publish_node(caf::actor_system& sys, const ClusterTls& tls, const caf::actor& whom,
                              const std::string& host, uint16_t port) {
  auto published = tls.enabled() ? caf::openssl::publish(whom, port, host.c_str(), true)
                                 : sys.middleman().publish(whom, port, host.c_str(), true);
  if (!published) return error::permanent(errc::transport, sys.render(published.error()));
  return *published;
}

result<caf::actor> connect_node(caf::actor_system& sys, const ClusterTls& tls,
                                const std::string& host, uint16_t port) {
  auto peer = tls.enabled() ? caf::openssl::remote_actor<caf::actor>(sys, host, port)
                            : sys.middleman().remote_actor(host, port);
  if (!peer) {
    std::string why = sys.render(peer.error());
    if (tls.enabled()) {
      why += " (TLS: is the peer's certificate signed by the cluster CA, and ours?)";
    } else if (why.find("handshake") != std::string::npos) {
      why +=
          " (a node with cluster TLS? set SLUICE_CLUSTER_CERT, SLUICE_CLUSTER_KEY, "
          "SLUICE_CLUSTER_CA)";
    }
    return error::transient(errc::transport, why);
  }
  return *peer;
}

}  // namespace sluice::cluster
