// The messages between cluster nodes and between the CLI and a node, over CAF's middleman
// (TCP). Only atoms and strings travel, so no custom type needs registering. Replies are one
// string: the exit code, a newline, then the text to print.
#pragma once
#include <caf/atom.hpp>
#include <string>
#include <utility>

namespace sluice::cluster {

using deploy_atom = caf::atom_constant<caf::atom("cdeploy")>;  // (path, text, instances) -> reply
using undeploy_atom = caf::atom_constant<caf::atom("cundeploy")>;  // (name) -> reply
using status_atom = caf::atom_constant<caf::atom("cstatus")>;      // () -> reply
using join_atom = caf::atom_constant<caf::atom("cjoin")>;          // (node id) -> reply
using wake_atom = caf::atom_constant<caf::atom("cwake")>;          // () one way: re-read state

inline std::string make_reply(int code, const std::string& text) {
  return std::to_string(code) + "\n" + text;
}
inline std::pair<int, std::string> parse_reply(const std::string& r) {
  auto nl = r.find('\n');
  if (nl == std::string::npos) return {3, "malformed reply from the cluster"};
  return {std::atoi(r.substr(0, nl).c_str()), r.substr(nl + 1)};
}

// "HOST:PORT" -> (host, port); port 0 when malformed.
inline std::pair<std::string, uint16_t> split_address(const std::string& a) {
  auto colon = a.rfind(':');
  if (colon == std::string::npos || colon + 1 >= a.size()) return {a, 0};
  int port = std::atoi(a.substr(colon + 1).c_str());
  if (port <= 0 || port > 65535) return {a, 0};
  return {a.substr(0, colon), static_cast<uint16_t>(port)};
}

}  // namespace sluice::cluster
