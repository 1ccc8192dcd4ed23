#include "runtime/json_builder.h"

#include "base/json.h"

namespace sluice::runtime {
namespace {
void write(const Value& v, int depth, std::string& out) {
  const std::string pad(static_cast<size_t>(depth + 1) * 2, ' ');
  const std::string close(static_cast<size_t>(depth) * 2, ' ');
  if (v.type() == Type::Object && !v.as_object().empty()) {
    out += "{\n";
    const auto& fields = v.as_object().fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      out += pad;
      json::encode_string(sym_name(fields[i].name), out);
      out += ": ";
      write(fields[i].value, depth + 1, out);
      out += i + 1 < fields.size() ? ",\n" : "\n";
    }
    out += close + "}";
  } else if (v.type() == Type::List && !v.as_list().empty()) {
    out += "[\n";
    const auto& items = v.as_list();
    for (size_t i = 0; i < items.size(); ++i) {
      out += pad;
      write(items[i], depth + 1, out);
      out += i + 1 < items.size() ? ",\n" : "\n";
    }
    out += close + "]";
  } else {
    json::encode(v, out);
  }
}
}  // namespace

Value string_list(const std::vector<std::string>& items) {
  List l;
  for (const auto& s : items) l.push_back(Value::string(s));
  return Value::list(std::move(l));
}

Value value_list(std::vector<Value> items) { return Value::list(std::move(items)); }

std::string pretty_json(const Value& v) {
  std::string out;
  write(v, 0, out);
  return out + "\n";
}

}  // namespace sluice::runtime
