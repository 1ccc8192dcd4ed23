#include "operators/delta/delta_schema.h"

#include "base/json.h"
#include "operators/delta/delta_type_map.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"

namespace sluice::operators::delta {
std::string schema_string(const std::vector<ColumnSchema>& columns) {
  std::string out = "{\"type\":\"struct\",\"fields\":[";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":";
    json::encode_string(columns[i].name, out);
    out += ",\"type\":";
    json::encode_string(delta_type_name(columns[i]), out);
    out += columns[i].nullable ? ",\"nullable\":true" : ",\"nullable\":false";
    out += ",\"metadata\":{}}";
  }
  out += "]}";
  return out;
}

result<std::vector<ColumnSchema>> parse_schema_string(const std::string& text) {
  auto parsed = json::parse(text);
  if (!parsed.ok()) return error::fatal(errc::log, "schemaString: " + parsed.err().message);
  const Value* fields = json_member(parsed.value(), "fields");
  if (fields == nullptr || fields->type() != Type::List) {
    return error::fatal(errc::log, "schemaString has no field list");
  }
  std::vector<ColumnSchema> out;
  for (const Value& f : fields->as_list()) {
    const std::string name = json_string(f, "name");
    const Value* type = json_member(f, "type");
    if (type == nullptr || type->type() != Type::String) {
      return error::fatal(errc::log, "column " + name +
                                         " has a nested type: this sink writes "
                                         "flat tables only");
    }
    auto c = column_for_delta_type(name, type->as_string());
    if (!c) {
      return error::fatal(errc::log, "column " + name + " has type " + type->as_string() +
                                         ", which this sink does not write");
    }
    const Value* nullable = json_member(f, "nullable");
    c->nullable = nullable == nullptr || nullable->type() != Type::Bool || nullable->as_bool();
    out.push_back(std::move(*c));
  }
  return out;
}

bool same_schema(const std::vector<ColumnSchema>& a, const std::vector<ColumnSchema>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].nullable != b[i].nullable ||
        delta_type_name(a[i]) != delta_type_name(b[i])) {
      return false;
    }
  }
  return true;
}

bool spark_refuses_column_name(std::string_view name) {
  return name.find_first_of(" ,;{}()\n\t=") != std::string_view::npos;
}

}  // namespace sluice::operators::delta
