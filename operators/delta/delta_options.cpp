#include "operators/delta/delta_options.h"

#include "operators/delta/delta_spec.h"
#include "operators/delta/table_location.h"

namespace sluice::operators::delta {

result<DeltaOptions> DeltaOptions::from_config(const StageConfig& cfg) {
  auto read = bound_sink_spec().read(cfg);
  if (!read.ok()) return read.err();
  DeltaOptions o = std::move(read).value();
  o.pipeline = cfg.pipeline;
  o.stage = cfg.parallelism > 1 ? cfg.name + "#" + std::to_string(cfg.instance) : cfg.name;
  o.app_id = "sluice/" + cfg.pipeline + "/" + o.stage;
  o.staging_dir = (cfg.state_dir.empty() ? std::string("var/") + cfg.pipeline : cfg.state_dir) +
                  "/delta-staging/" + o.stage;
  auto it = cfg.expr_options.find("path");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    scope.allow_env = true;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok()) return error::fatal("sink delta " + cfg.name + ": path: " + c.err().message);
    o.path = std::move(c.value());
    o.path_fixed = fixed_path_prefix(*it->second);
  } else {
    o.path_constant = cfg.option_string("path");
  }
  return o;
}

}  // namespace sluice::operators::delta
