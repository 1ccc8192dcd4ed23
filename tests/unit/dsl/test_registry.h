// A SpecRegistry with fake kinds mirroring the real operators, so the dsl tests do not depend
// on operators/ (which is written concurrently).
#pragma once
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "dsl/option_spec.h"

namespace sluice::dsl::testing {

inline OptionSpec opt(std::string name, OptType type, bool required = false) {
  OptionSpec s;
  s.name = std::move(name);
  s.type = type;
  s.required = required;
  return s;
}

inline OptionSpec enum_opt(std::string name, std::vector<std::string> values) {
  OptionSpec s = opt(std::move(name), OptType::Enum);
  s.enum_values = std::move(values);
  return s;
}

inline const SpecRegistry& test_registry() {
  static const SpecRegistry reg = [] {
    SpecRegistry r;
    {
      KindSpec k{Role::Source, "file", "reads a file", {}, {}, {}};
      k.options = {opt("path", OptType::String, true), enum_opt("format", {"jsonl", "json", "csv"}),
                   opt("follow", OptType::Bool)};
      r.add(k);
    }
    {
      KindSpec k{Role::Source, "generate", "synthetic data", {}, {"fields"}, {}};
      auto count = opt("count", OptType::Int);
      count.min = 0;
      k.options = {count, opt("rate", OptType::Rate)};
      r.add(k);
    }
    {
      KindSpec k{Role::Source, "mysql", "binlog CDC", {}, {}, {}};
      auto port = opt("port", OptType::Int);
      port.min = 1;
      port.max = 65535;
      port.default_text = "3306";
      auto server_id = opt("server_id", OptType::Int, true);
      server_id.unique_with = {"host", "port"};
      server_id.unique_why = "the server ends one binlog stream whenever the other connects";
      k.options = {opt("host", OptType::String, true),
                   opt("user", OptType::String, true),
                   opt("password", OptType::Secret, true),
                   server_id,
                   port,
                   opt("database", OptType::String),
                   opt("tables", OptType::StringList),
                   enum_opt("snapshot", {"initial", "never", "only"}),
                   opt("key", OptType::ListMap)};
      r.add(k);
    }
    {
      KindSpec k{Role::Sink, "file", "writes JSON lines", {}, {}, {}};
      k.options = {opt("path", OptType::String, true), enum_opt("format", {"jsonl"})};
      r.add(k);
    }
    {
      KindSpec k{Role::Sink, "stdout", "prints", {}, {}, {}};
      k.options = {enum_opt("format", {"jsonl", "table"})};
      r.add(k);
    }
    r.add(KindSpec{Role::Sink, "null", "discards", {}, {}, {}});
    // Processors register by kind, with the shape of their body (as operators/ does).
    r.add(KindSpec{Role::Processor, "transform", "transform", {}, {}, {}});
    {
      KindSpec k{Role::Processor, "aggregate", "aggregate", {}, {}, {}};
      k.shape.fields = true;
      k.shape.changelog = true;
      r.add(k);
    }
    {
      KindSpec k{Role::Processor, "join", "join", {}, {}, {}};
      k.shape.min_inputs = 2;
      k.shape.keyed_on = true;
      k.shape.input_names = true;
      k.shape.changelog = true;
      r.add(k);
    }
    {
      KindSpec k{Role::Sink, "postgres", "writes PostgreSQL", {}, {}, {}};
      auto batch = opt("batch", OptType::Block);
      auto rows = opt("rows", OptType::Int);
      rows.min = 1;
      batch.children = {rows, opt("delay", OptType::Duration)};
      k.options = {opt("url", OptType::String, true),
                   opt("table", OptType::Expr, true),
                   enum_opt("mode", {"upsert", "append", "soft_delete"}),
                   batch,
                   opt("create_tables", OptType::Bool),
                   opt("metadata_columns", OptType::Bool)};
      r.add(k);
    }
    return r;
  }();
  return reg;
}

inline Loaded load(const std::string& text, const std::string& path = "test.pipe") {
  return load_text(path, text, test_registry());
}

}  // namespace sluice::dsl::testing
