// How cluster nodes and the CLI talk: CAF's middleman in plain text, or — with a cluster CA —
// CAF's OpenSSL module (libcaf_openssl): TLS 1.2 with certificates required and verified on
// both sides, so a node accepts only peers (nodes, `deploy`/`undeploy`/`status --cluster`)
// holding a certificate signed by the cluster CA, and trusts only nodes that do.
// Files: --tls-cert/--tls-key/--tls-ca on `sluice node`, or SLUICE_CLUSTER_CERT,
// SLUICE_CLUSTER_KEY and SLUICE_CLUSTER_CA for nodes and the CLI alike (docs/cluster.md).
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"

namespace caf {
class actor_system;
class actor_system_config;
class actor;
}  // namespace caf

namespace sluice::cluster {

struct ClusterTls {
  std::string cert;  // PEM certificate chain of this node or client
  std::string key;   // its private key (PEM, unencrypted)
  std::string ca;    // the cluster CA (PEM)
  bool enabled() const { return !cert.empty() || !key.empty() || !ca.empty(); }

  // SLUICE_CLUSTER_CERT / _KEY / _CA (unset = plain text).
  static ClusterTls from_env();
  // All three or none; each file readable. Errors name the file.
  result<void> check() const;
};

// Loads the middleman (and the OpenSSL module with the files when TLS is on) into `cfg`, with
// the engine's sharing scheduler.
void configure_transport(caf::actor_system_config& cfg, const ClusterTls& tls);
// Publishes `whom` on HOST:PORT (TLS when on).
result<uint16_t> publish_node(caf::actor_system& sys, const ClusterTls& tls, const caf::actor& whom,
                              const std::string& host, uint16_t port);
// Connects to the node actor at HOST:PORT (TLS when on).
result<caf::actor> connect_node(caf::actor_system& sys, const ClusterTls& tls,
                                const std::string& host, uint16_t port);

}  // namespace sluice::cluster
