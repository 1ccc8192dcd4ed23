// Helpers for end-to-end runs: read a JSONL file sink's output into values.
#pragma once
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "base/json.h"
#include "support/process.h"

namespace sluice::test {

inline std::vector<Value> read_jsonl(const std::string& path) {
  std::vector<Value> out;
  for (const auto& line : read_lines(path)) {
    if (line.empty()) continue;
    auto v = json::parse(line);
    BOOST_REQUIRE_MESSAGE(v.ok(), "bad JSON line in " << path << ": " << line);
    out.push_back(std::move(v.value()));
  }
  return out;
}

inline const Value* get(const Value& v, const std::string& a, const std::string& b = "") {
  if (v.type() != Type::Object) return nullptr;
  const Value* x = v.as_object().find(intern(a));
  if (!x || b.empty()) return x;
  if (x->type() != Type::Object) return nullptr;
  return x->as_object().find(intern(b));
}

// The after.FIELD integers of every line, in file order.
inline std::vector<int64_t> after_ints(const std::string& path, const std::string& field) {
  std::vector<int64_t> out;
  for (const auto& v : read_jsonl(path)) {
    const Value* n = get(v, "after", field);
    BOOST_REQUIRE(n && n->type() == Type::Int);
    out.push_back(n->as_int());
  }
  return out;
}

}  // namespace sluice::test
