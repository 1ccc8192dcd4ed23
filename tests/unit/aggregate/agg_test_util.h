// Helpers for the aggregate/join tests: build a processor from pipeline text (parsed and
// checked by dsl::load_text), make change events, read outputs as JSON text.
#pragma once
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "dsl/loader.h"
#include "engine/actors/config_builder.h"
#include "engine/core/operator.h"
#include "operators/aggregate/aggregate_kind.h"
#include "operators/aggregate/aggregate_spec.h"
#include "operators/join/join_kind.h"
#include "operators/join/join_spec.h"

namespace aggtest {

using namespace sluice;

// Independent of operators/registry.cpp: a "test" source and sink kind plus our two stages.
inline dsl::SpecRegistry specs() {
  dsl::SpecRegistry r;
  dsl::KindSpec src;
  src.role = dsl::Role::Source;
  src.kind = "test";
  r.add(src);
  dsl::KindSpec sink;
  sink.role = dsl::Role::Sink;
  sink.kind = "test";
  r.add(sink);
  r.add(operators::aggregate::processor_spec());
  r.add(operators::join::processor_spec());
  return r;
}

// A processor together with the AST it points into.
struct Stage {
  std::shared_ptr<dsl::Loaded> loaded;
  StageConfig cfg;
  std::unique_ptr<Processor> proc;

  // A fresh processor of the same stage (e.g. to restore a checkpoint into).
  std::unique_ptr<Processor> another() const {
    auto r = (cfg.ast->kind == "join" ? operators::join::processor_kind()
                                      : operators::aggregate::processor_kind())
                 .processor(cfg);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
    return std::move(r.value());
  }
};

inline Stage stage_from(const std::string& text, const std::string& name) {
  Stage s;
  s.loaded = std::make_shared<dsl::Loaded>(dsl::load_text("test.pipe", text, specs()));
  BOOST_REQUIRE_MESSAGE(s.loaded->ok(), dsl::format(*s.loaded));
  const ast::Stage* st = nullptr;
  for (const auto& p : s.loaded->file.pipelines) {
    for (const auto& x : p.stages) {
      if (x.name == name) st = &x;
    }
  }
  BOOST_REQUIRE(st != nullptr);
  // Options evaluated as the engine does (defaults filled in).
  const dsl::SpecRegistry reg = specs();
  auto cfg = engine::ConfigBuilder::stage("p", *st, reg.find(dsl::Role::Processor, st->kind), "");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.err().message));
  s.cfg = std::move(cfg).value();
  s.proc = s.another();
  return s;
}

// `aggregate agg from core { BODY }`.
inline Stage make_agg(const std::string& body) {
  return stage_from(
      "pipeline p {\n  source test core { }\n"
      "  aggregate agg from core {\n" +
          body + "\n  }\n  sink test out from agg { }\n}\n",
      "agg");
}

inline Object obj(const std::string& json_text) {
  auto v = json::parse(json_text);
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message) + ": " + json_text);
  BOOST_REQUIRE(v->type() == Type::Object);
  return std::move(v->as_object());
}

inline std::shared_ptr<const SourceMeta> accounts_meta() {
  static auto m = [] {
    auto x = std::make_shared<SourceMeta>();
    x->connector = "test";
    x->table = "accounts";
    x->primary_key = {"id"};
    return x;
  }();
  return m;
}

inline Event ins(const std::string& row) {
  Event e;
  e.op = Op::Create;
  e.row = obj(row);
  e.source = accounts_meta();
  return e;
}
inline Event del(const std::string& row) {
  Event e = ins(row);
  e.op = Op::Delete;
  return e;
}
inline Event upd(const std::string& before, const std::string& after) {
  Event e = ins(after);
  e.op = Op::Update;
  e.before = obj(before);
  e.has_before = true;
  return e;
}

inline std::string js(const Object& o) { return json::encode(Value::object(o)); }
inline std::string js(const Value& v) { return json::encode(v); }

struct Out {
  std::vector<Event> out, dead;
  // "c {...}" / "u {...} <- {...}" / "d {...}" per output event.
  std::vector<std::string> lines() const {
    std::vector<std::string> r;
    for (const auto& e : out) {
      std::string s = std::string(op_code(e.op)) + " " + js(e.row);
      if (e.has_before) s += " <- " + js(e.before);
      r.push_back(s);
    }
    return r;
  }
};

inline Out run(Processor& p, std::vector<Event> in, size_t input = 0) {
  Out o;
  p.process(input, in, o.out, o.dead);
  BOOST_CHECK(in.empty());
  return o;
}

}  // namespace aggtest
