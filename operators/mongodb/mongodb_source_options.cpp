#include "operators/mongodb/mongodb_source_options.h"

#include <algorithm>

#include "operators/mongodb/errc.h"
#include "operators/mongodb/mongodb_source_spec.h"
#include "operators/mongodb/uri_secrets.h"

namespace sluice::operators::mongodb {

result<MongoSourceOptions> MongoSourceOptions::from_config(const StageConfig& cfg) {
  // The URI's secrets first: no error below may show them.
  if (const Value* u = cfg.option("uri"); u != nullptr && u->type() == Type::String) {
    register_uri_secrets(u->as_string());
  }
  auto read = bound_source_spec().read(cfg);
  if (!read.ok()) return read.err();
  MongoSourceOptions o = std::move(read).value();
  o.pipeline = cfg.pipeline;
  o.stage = cfg.name;
  const std::string where = "source mongodb " + cfg.name + ": ";
  if (o.database.empty() && !o.collections.empty()) {
    return error::fatal(errc::read_failed,
                        where + "`collections` needs `database` (the database they are in)");
  }
  for (const auto& c : o.collections) {
    if (c.empty() || c.find('$') != std::string::npos) {
      return error::fatal(errc::read_failed, where + "collection name '" + c + "' is not usable");
    }
  }
  std::vector<std::string> unique = o.collections;
  std::sort(unique.begin(), unique.end());
  if (std::adjacent_find(unique.begin(), unique.end()) != unique.end()) {
    return error::fatal(errc::read_failed, where + "`collections` names a collection twice");
  }
  return o;
}

}  // namespace sluice::operators::mongodb
