// What `sluice node` is started with (docs/cluster.md).
#pragma once
#include <string>

#include "cluster/cluster_transport.h"

namespace sluice::cluster {

struct NodeOptions {
  std::string listen;       // HOST:PORT, also the node's id
  std::string join;         // HOST:PORT of a running node ("" = none)
  std::string state_url;    // libpq URI of the state store
  std::string work_dir;     // node-local files (pipeline texts, operator state)
  std::string exe;          // the sluice executable (workers run `EXE node-worker ...`)
  double dead_after = 3.0;  // seconds without a heartbeat before a node counts as dead
  int tick_ms = 500;        // heartbeat / coordination period
  ClusterTls tls;           // cluster CA and this node's certificate (empty = plain text)
};

}  // namespace sluice::cluster
