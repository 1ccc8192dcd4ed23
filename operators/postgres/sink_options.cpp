#include "operators/postgres/sink_options.h"

#include "base/secrets.h"
#include "operators/common/stage_options.h"
#include "operators/postgres/conninfo.h"
#include "operators/postgres/errc.h"

namespace sluice::operators::postgres {
namespace {

const Value* find_child(const Value* block, const char* name) {
  if (block == nullptr || block->type() != Type::Object) return nullptr;
  return block->as_object().find(intern(name));
}

}  // namespace

result<SinkOptions> SinkOptions::from_config(const StageConfig& cfg) {
  SinkOptions o;
  std::string where = "sink postgres " + cfg.name + ": ";
  o.pipeline = cfg.pipeline;
  o.stage = cfg.parallelism > 1 ? cfg.name + "#" + std::to_string(cfg.instance) : cfg.name;
  o.epoch = cfg.epoch;
  const Value* url = cfg.option("url");
  if (url == nullptr || url->type() != Type::String || url->as_string().empty()) {
    return error::fatal(errc::config, where + "option url is required");
  }
  o.url = url->as_string();
  secrets::add_connection_string(o.url);
  o.url = with_connection_defaults(o.url);

  auto it = cfg.expr_options.find("table");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    scope.allow_env = true;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok()) return error::fatal(errc::config, where + "table: " + c.err().message);
    o.table = std::move(c.value());
    o.table_per_source = eval::per_source_table(*it->second);
  } else if (const Value* t = cfg.option("table"); t != nullptr && t->type() == Type::String) {
    o.table_constant = t->as_string();
  } else {
    return error::fatal(errc::config, where + "option table is required");
  }

  if (const Value* m = cfg.option("mode"); m != nullptr && !m->is_null()) {
    std::string s = m->type() == Type::String ? m->as_string() : m->to_display();
    if (s == "upsert") {
      o.mode = Mode::Upsert;
    } else if (s == "append") {
      o.mode = Mode::Append;
    } else if (s == "soft_delete") {
      o.mode = Mode::SoftDelete;
    } else {
      return error::fatal(errc::config,
                          where + "mode must be upsert, append or soft_delete, not '" + s + "'");
    }
  }
  if (auto r = opt_names(cfg, "key", where, "column", o.key); !r) return r.err();

  if (const Value* b = cfg.option("create_tables"); b != nullptr && b->type() == Type::Bool) {
    o.create_tables = b->as_bool();
  }
  if (const Value* b = cfg.option("metadata_columns"); b != nullptr && b->type() == Type::Bool) {
    o.metadata_columns = b->as_bool();
  }
  const Value* batch = cfg.option("batch");
  if (const Value* r = find_child(batch, "rows"); r != nullptr && r->type() == Type::Int) {
    if (r->as_int() < 1) return error::fatal(errc::config, where + "batch.rows must be at least 1");
    o.batch_rows = r->as_int();
  }
  if (const Value* d = find_child(batch, "delay"); d != nullptr && d->type() == Type::Int) {
    o.batch_delay_us = d->as_int() < 0 ? 0 : d->as_int();
  }
  if (const Value* a = find_child(batch, "adaptive"); a != nullptr && a->type() == Type::Bool) {
    o.batch_adaptive = a->as_bool();
  }
  if (const Value* c = cfg.option("copy"); c != nullptr && !c->is_null()) {
    std::string s = c->type() == Type::String ? c->as_string() : c->to_display();
    if (s != "binary" && s != "text") {
      return error::fatal(errc::config, where + "copy must be binary or text, not '" + s + "'");
    }
    o.binary_copy = s == "binary";
  }
  if (const Value* n = cfg.option("connections"); n != nullptr && n->type() == Type::Int) {
    if (n->as_int() < 1 || n->as_int() > 16) {
      return error::fatal(errc::config, where + "connections must be between 1 and 16");
    }
    o.connections = static_cast<int>(n->as_int());
  }
  return o;
}

}  // namespace sluice::operators::postgres
