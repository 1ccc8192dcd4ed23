// Building JSON documents as Values (field order kept) and printing them indented, for the
// generated files (`sluice list --json`, editors/vscode/*.json).
#pragma once
#include <string>
#include <vector>

#include "base/value.h"

namespace sluice::runtime {

// A JSON object built field by field, in order.
class JsonObject {
 public:
  JsonObject& add(const char* name, Value v) {
    o_.append(intern(name), std::move(v));
    return *this;
  }
  JsonObject& add(const char* name, const std::string& s) { return add(name, Value::string(s)); }
  JsonObject& add(const char* name, const char* s) { return add(name, Value::string(s)); }
  Value done() { return Value::object(std::move(o_)); }

 private:
  Object o_;
};

Value string_list(const std::vector<std::string>& items);
Value value_list(std::vector<Value> items);

// Two-space indented JSON with a final newline.
std::string pretty_json(const Value& v);

}  // namespace sluice::runtime
