#include "operators/postgres/sink_options.h"

#include "base/secrets.h"
#include "operators/postgres/conninfo.h"
#include "operators/postgres/errc.h"
#include "operators/postgres/postgres_spec.h"
#include "operators/postgres/target_table.h"

namespace sluice::operators::postgres {

result<SinkOptions> SinkOptions::from_config(const StageConfig& cfg) {
  auto read = bound_sink_spec().read(cfg);
  if (!read.ok()) return read.err();
  SinkOptions o = std::move(read).value();
  o.pipeline = cfg.pipeline;
  o.stage = cfg.parallelism > 1 ? cfg.name + "#" + std::to_string(cfg.instance) : cfg.name;
  o.epoch = cfg.epoch;
  o.dead_letters_fail = cfg.on_error() == OnError::Fail;
  secrets::add_connection_string(o.url);
  o.url = with_connection_defaults(o.url);
  auto it = cfg.expr_options.find("table");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    scope.allow_env = true;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok())
      return error::fatal(errc::config,
                          "sink postgres " + cfg.name + ": table: " + c.err().message);
    o.table = std::move(c.value());
    o.table_per_source = eval::per_source_table(*it->second);
    auto parts = compile_table_parts(*it->second, scope);
    if (!parts.ok())
      return error::fatal(errc::config,
                          "sink postgres " + cfg.name + ": table: " + parts.err().message);
    o.table_parts = std::move(parts).value();
    for (const TablePart& p : o.table_parts) o.table_fixed_marks += name_marks(p.fixed);
  } else {
    o.table_constant = cfg.option_string("table");
  }
  return o;
}

}  // namespace sluice::operators::postgres
