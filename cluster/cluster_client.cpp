#include "cluster/cluster_client.h"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>

#include "cluster/cluster_messages.h"
#include "cluster/cluster_transport.h"
#include "cluster/errc.h"

namespace sluice::cluster {
namespace {

template <class... Ts>
result<std::pair<int, std::string>> ask(const std::string& address, Ts&&... xs) {
  auto [host, port] = split_address(address);
  if (port == 0)
    return error::permanent(errc::transport, "expected HOST:PORT, not '" + address + "'");
  const ClusterTls tls = ClusterTls::from_env();
  if (auto ok = tls.check(); !ok.ok()) return ok.err();
  caf::actor_system_config cfg;
  configure_transport(cfg, tls);
  caf::actor_system sys{cfg};
  auto node = connect_node(sys, tls, host, port);
  if (!node.ok()) {
    return error::transient(errc::transport,
                            "cannot reach node " + address + ": " + node.err().message);
  }
  std::string reply;
  std::string failure;
  {
    caf::scoped_actor self{sys};
    self->request(*node, std::chrono::seconds(60), std::forward<Ts>(xs)...)
        .receive([&](const std::string& r) { reply = r; },
                 [&](caf::error& e) { failure = sys.render(e); });
  }
  if (!failure.empty())
    return error::transient(errc::transport, "node " + address + ": " + failure);
  return parse_reply(reply);
}

}  // namespace

result<std::pair<int, std::string>> cluster_deploy(const std::string& address,
                                                   const std::string& path, const std::string& text,
                                                   int64_t instances) {
  return ask(address, deploy_atom::value, path, text, instances);
}

result<std::pair<int, std::string>> cluster_undeploy(const std::string& address,
                                                     const std::string& name) {
  return ask(address, undeploy_atom::value, name);
}

result<std::pair<int, std::string>> cluster_status(const std::string& address) {
  return ask(address, status_atom::value);
}

}  // namespace sluice::cluster
