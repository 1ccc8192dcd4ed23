#include "cluster/node_api.h"

#include <caf/all.hpp>
#include <map>

#include "base/logger.h"
#include "cluster/cluster_messages.h"
#include "cluster/pipeline_split.h"
#include "cluster/status_table.h"
#include "dsl/loader.h"
#include "operators/registry.h"

namespace sluice::cluster {
namespace {

// Pipeline name -> whether all its sources are Kafka (only those spread over nodes).
std::map<std::string, bool> kafka_only(const ast::File& file) {
  std::map<std::string, bool> out;
  for (const auto& p : file.pipelines) {
    bool all = true, any = false;
    for (const auto& st : p.stages) {
      if (st.type != ast::StageType::Source) continue;
      any = true;
      all = all && st.kind == "kafka";
    }
    out[p.name] = any && all;
  }
  return out;
}

// The nodes that run an instance of pipeline `name`, comma-separated.
std::string owners_of(const std::string& name, const std::vector<AssignmentRow>* owners) {
  std::string where;
  if (owners == nullptr) return where;
  for (const auto& a : *owners) {
    if (pipeline_of(a.pipeline) == name && !a.node.empty()) {
      where += (where.empty() ? "" : ", ") + a.node;
    }
  }
  return where;
}

std::string deployed_line(const std::string& name, const DeployOutcome& r, int64_t n,
                          const std::string& where) {
  const std::string spread =
      n > 1 ? " (" + std::to_string(n) + " instances, one Kafka consumer group)" : "";
  if (r.created) {
    return "deployed " + name + " version " + std::to_string(r.version) + spread + "\n";
  }
  if (r.changed) {
    return "deployed " + name + " version " + std::to_string(r.version) + spread + ": reloading" +
           (where.empty() ? "" : " on " + where) + "\n";
  }
  return name + " unchanged (version " + std::to_string(r.version) + ")\n";
}

}  // namespace

NodeApi::NodeApi(const NodeOptions& o, std::function<void(bool)> wake)
    : o_(o), wake_(std::move(wake)), store_(o.state_url) {}

caf::behavior NodeApi::actor(Actor* /*self*/, NodeApi* api) {
  return {
      [api](deploy_atom, const std::string& path, const std::string& text, int64_t instances) {
        return api->handle_deploy(path, text, instances);
      },
      [api](undeploy_atom, const std::string& name) { return api->handle_undeploy(name); },
      [api](status_atom) { return api->handle_status(); },
      [api](join_atom, const std::string& who) { return api->handle_join(who); },
      [api](wake_atom) { api->wake(); },
  };
}

std::string NodeApi::handle_join(const std::string& who) {
  std::lock_guard<std::mutex> lock(mu_);
  auto id = store_.identity();
  if (!id.ok()) return make_reply(3, id.err().message);
  log::info("cluster", "node " + who + " joins");
  wake_(false);
  return make_reply(0, *id);
}

std::string NodeApi::handle_deploy(const std::string& path, const std::string& text,
                                   int64_t instances) {
  auto specs = operators::registry().specs();
  auto loaded = dsl::load_text(path, text, specs);
  std::string report = dsl::format(loaded);
  if (!loaded.ok()) return make_reply(1, report);
  if (loaded.file.pipelines.empty()) return make_reply(1, path + ": no pipeline to deploy\n");
  std::string out = report;
  std::lock_guard<std::mutex> lock(mu_);
  auto owners = store_.assignments();
  auto kafka = kafka_only(loaded.file);
  for (const auto& [name, piece] : split_pipelines(loaded.file, specs)) {
    int64_t n = 1;
    if (instances > 1 && kafka[name]) {
      n = instances;
    } else if (instances > 1) {
      out += name + ": only pipelines whose sources are all Kafka spread over nodes: 1 instance\n";
    }
    auto r = store_.deploy(name, piece, n);
    if (!r.ok()) return make_reply(3, out + name + ": " + r.err().message + "\n");
    out += deployed_line(name, *r, n, owners_of(name, owners.ok() ? &*owners : nullptr));
    (void)store_.log_event(o_.listen, name, "deployed version " + std::to_string(r->version));
  }
  wake_(true);
  return make_reply(0, out);
}

std::string NodeApi::handle_undeploy(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = store_.undeploy(name);
  if (!r.ok()) return make_reply(3, r.err().message + "\n");
  if (!*r) return make_reply(2, "no pipeline '" + name + "' is deployed\n");
  (void)store_.log_event(o_.listen, name, "undeployed");
  wake_(true);
  return make_reply(0, "undeployed " + name + ": its owner drains and stops it\n");
}

std::string NodeApi::handle_status() {
  std::lock_guard<std::mutex> lock(mu_);
  auto nodes = store_.nodes(o_.dead_after);
  auto ps = store_.pipelines();
  auto as = store_.assignments();
  auto ss = store_.statuses();
  if (!nodes.ok()) return make_reply(3, nodes.err().message + "\n");
  if (!ps.ok()) return make_reply(3, ps.err().message + "\n");
  if (!as.ok()) return make_reply(3, as.err().message + "\n");
  if (!ss.ok()) return make_reply(3, ss.err().message + "\n");
  int code = 0;
  std::string out = StatusTable(*nodes, *as, *ss).format(*ps, code);
  return make_reply(code, out);
}

}  // namespace sluice::cluster
