#include "operators/mongodb/mongodb_options.h"

#include "operators/mongodb/mongodb_spec.h"

namespace sluice::operators::mongodb {
namespace {

// write_concern.w (an Any option): "majority" or a number of members.
result<void> read_w(MongoOptions& o, const std::string& where) {
  const Value& w = o.w_value;
  if (w.is_null()) return {};
  const bool digits = w.type() == Type::String && !w.as_string().empty() &&
                      w.as_string().size() < 6 &&
                      w.as_string().find_first_not_of("0123456789") == std::string::npos;
  if (w.type() == Type::String && w.as_string() == "majority") {
    o.w_majority = true;
  } else if (w.type() == Type::Int && w.as_int() >= 0) {
    o.w = w.as_int();
  } else if (digits) {
    o.w = std::stoll(w.as_string());
  } else {
    return error::fatal(where + "write_concern.w must be \"majority\" or a number >= 0, not " +
                        w.to_display());
  }
  return {};
}

}  // namespace

result<MongoOptions> MongoOptions::from_config(const StageConfig& cfg) {
  auto read = bound_sink_spec().read(cfg);
  if (!read.ok()) return read.err();
  MongoOptions o = std::move(read).value();
  std::string where = "sink mongodb " + cfg.name + ": ";
  o.pipeline = cfg.pipeline;
  o.stage = cfg.parallelism > 1 ? cfg.name + "#" + std::to_string(cfg.instance) : cfg.name;
  register_uri_secrets(o.uri);
  auto it = cfg.expr_options.find("collection");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    scope.allow_env = true;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok()) return error::fatal(where + "collection: " + c.err().message);
    o.collection = std::move(c.value());
  } else {
    o.collection_constant = cfg.option_string("collection");
  }
  if (auto r = read_w(o, where); !r) return r.err();
  return o;
}

}  // namespace sluice::operators::mongodb
