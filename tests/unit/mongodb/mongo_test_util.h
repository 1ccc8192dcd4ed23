// Helpers for the mongodb sink tests: a sink config parsed from pipeline text (through the
// engine's ConfigBuilder, as `sluice run` builds it), events, and a scripted BulkExecutor.
#pragma once
#include <boost/test/unit_test.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "dsl/parser.h"
#include "engine/actors/config_builder.h"
#include "operators/mongodb/bulk_executor.h"
#include "operators/mongodb/bulk_planner.h"
#include "operators/mongodb/mongodb_options.h"
#include "operators/mongodb/mongodb_spec.h"

namespace mongotest {

using namespace sluice;
using namespace sluice::operators::mongodb;

// Parses `sink mongodb s from x { OPTIONS }` and returns the sink's options. The AST is kept
// alive by `keep` (per-record options point into it).
struct Parsed {
  ast::File file;
  dsl::Diagnostics diags;
};

inline MongoOptions options(const std::string& opts, std::shared_ptr<Parsed>& keep) {
  keep = std::make_shared<Parsed>();
  std::string text = "pipeline p {\n source generate x { count = 1 }\n sink mongodb s from x {\n" +
                     opts + "\n }\n}\n";
  keep->file = dsl::parse("t.pipe", text, keep->diags);
  BOOST_REQUIRE_MESSAGE(!keep->diags.has_errors(), keep->diags.format("t.pipe", text));
  const ast::Stage& st = keep->file.pipelines.at(0).stages.at(1);
  dsl::KindSpec spec = bound_sink_spec().spec();
  auto cfg = engine::ConfigBuilder::stage("p", st, &spec, "");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.err().message));
  auto o = MongoOptions::from_config(cfg.value());
  BOOST_REQUIRE_MESSAGE(o.ok(), (o.ok() ? std::string() : o.err().message));
  return std::move(o.value());
}

inline const char* kBase = "uri = \"mongodb://127.0.0.1:1\"\n database = \"bank\"\n";

inline Object obj(const std::string& json_text) {
  auto v = json::parse(json_text);
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message));
  BOOST_REQUIRE(v->type() == Type::Object);
  return std::move(v->as_object());
}

inline std::shared_ptr<const SourceMeta> meta(const std::string& table,
                                              std::vector<std::string> pk) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->db = "bank";
  m->table = table;
  m->primary_key = std::move(pk);
  return m;
}

inline Event ev(Op op, Object row, std::shared_ptr<const SourceMeta> m, int64_t pos = 1) {
  Event e;
  e.op = op;
  e.row = std::move(row);
  e.source = std::move(m);
  e.ts = 1709214359123456;  // 2024-02-29T13:45:59.123456Z
  e.position = Value::int64(pos);
  return e;
}

// All ops of a plan as canonical JSON lines, "collection: op".
inline std::vector<std::string> plan_json(const BulkPlanner& p, const std::vector<Event>& evs,
                                          std::vector<Event>& dead) {
  std::vector<const Event*> ptrs;
  for (const auto& e : evs) ptrs.push_back(&e);
  std::vector<std::string> out;
  for (const auto& b : p.plan(ptrs, dead)) {
    for (const auto& op : b.ops) out.push_back(b.collection + ": " + op.to_json());
  }
  return out;
}

// A BulkExecutor that records the ops it gets and answers from a script.
class ScriptedExecutor : public BulkExecutor {
 public:
  struct Call {
    std::string collection;
    std::vector<std::string> ops;  // canonical JSON
    bool ordered = false;
  };
  using Answer = std::function<BulkOutcome(const std::vector<const WriteOp*>&)>;
  std::vector<Call>* calls = nullptr;
  std::deque<Answer>* answers = nullptr;
  Answer fallback;  // when `answers` is empty (default: success)

  BulkOutcome execute(const std::string& collection, const std::vector<const WriteOp*>& ops,
                      bool ordered) override {
    Call c{collection, {}, ordered};
    for (const auto* op : ops) c.ops.push_back(op->to_json());
    calls->push_back(std::move(c));
    if (answers->empty()) return fallback ? fallback(ops) : ok(ops);
    Answer a = std::move(answers->front());
    answers->pop_front();
    return a(ops);
  }
  static BulkOutcome ok(const std::vector<const WriteOp*>& ops) {
    BulkOutcome o;
    for (size_t i = 0; i < ops.size(); ++i) o.sent.push_back(i);
    return o;
  }
  // A failed bulk write with a hand-made reply and error.
  static BulkOutcome failed(const std::vector<const WriteOp*>& ops, uint32_t domain, uint32_t code,
                            const std::string& message, const std::string& reply_json) {
    BulkOutcome o = ok(ops);
    o.ok = false;
    o.error.domain = domain;
    o.error.code = code;
    bson_strncpy(o.error.message, message.c_str(), sizeof o.error.message);
    o.reply = BsonDoc::from_json(reply_json);
    return o;
  }
};

}  // namespace mongotest
