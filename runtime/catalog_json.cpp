#include "runtime/catalog_json.h"

#include "base/json.h"
#include "dsl/eval/functions.h"
#include "runtime/function_text.h"
#include "runtime/json_builder.h"

namespace sluice::runtime {
namespace {

Value option_json(const dsl::OptionSpec& o);

Value options_json(const std::vector<dsl::OptionSpec>& options) {
  List l;
  for (const auto& o : options) l.push_back(option_json(o));
  return Value::list(std::move(l));
}

Value option_json(const dsl::OptionSpec& o) {
  JsonObject j;
  j.add("name", o.name).add("type", dsl::opt_type_name(o.type));
  j.add("required", Value::boolean(o.required)).add("default", o.default_text);
  if (!o.enum_values.empty()) j.add("values", string_list(o.enum_values));
  if (o.min != INT64_MIN) j.add("min", Value::int64(o.min));
  if (o.max != INT64_MAX) j.add("max", Value::int64(o.max));
  j.add("doc", o.doc);
  if (!o.children.empty()) j.add("children", options_json(o.children));
  return j.done();
}

Value shape_json(const dsl::ProcessorShape& sh) {
  JsonObject j;
  j.add("min_inputs", Value::int64(static_cast<int64_t>(sh.min_inputs)));
  j.add("keyed_on", Value::boolean(sh.keyed_on)).add("input_names", Value::boolean(sh.input_names));
  j.add("fields", Value::boolean(sh.fields)).add("changelog", Value::boolean(sh.changelog));
  return j.done();
}

Value operators_json(const OperatorRegistry& reg) {
  List l;
  for (const auto& k : reg.all()) {
    JsonObject j;
    j.add("role", dsl::role_name(k.spec.role))
        .add("kind", k.spec.kind)
        .add("summary", k.spec.summary);
    j.add("options", options_json(k.spec.options));
    j.add("free_blocks", string_list(k.spec.free_blocks));
    if (k.spec.role == dsl::Role::Source) {
      j.add("inserts_only", Value::boolean(k.spec.inserts_only));
      const auto& [name, value] = k.spec.inserts_only_when;
      if (!name.empty()) j.add("inserts_only_when", string_list({name, value}));
    }
    if (k.spec.role == dsl::Role::Processor) j.add("shape", shape_json(k.spec.shape));
    if (k.spec.role != dsl::Role::Source) {
      j.add("schema_changes", Value::boolean(k.spec.schema_changes));
    }
    l.push_back(j.done());
  }
  return Value::list(std::move(l));
}

Value functions_json() {
  List l;
  for (const auto& f : eval::functions()) {
    JsonObject j;
    j.add("name", f.name).add("signature", function_signature(f)).add("types", function_types(f));
    j.add("description", function_description(f)).add("example", f.example);
    l.push_back(j.done());
  }
  return Value::list(std::move(l));
}

Value aggregates_json() {
  List l;
  for (const auto& a : eval::aggregate_functions()) {
    std::string doc = a.doc;
    auto colon = doc.find(": ");
    JsonObject j;
    j.add("name", a.name);
    j.add("signature", colon == std::string::npos ? std::string(a.name) : doc.substr(0, colon));
    j.add("description", colon == std::string::npos ? doc : doc.substr(colon + 2));
    j.add("example", a.example);
    l.push_back(j.done());
  }
  return Value::list(std::move(l));
}
}  // namespace

std::string render_catalog_json(const OperatorRegistry& reg) {
  JsonObject j;
  j.add("operators", operators_json(reg));
  j.add("common_options", options_json(dsl::common_stage_options()));
  j.add("settings", options_json(dsl::settings_options()));
  j.add("functions", functions_json());
  j.add("aggregate_functions", aggregates_json());
  return json::encode(j.done()) + "\n";
}

}  // namespace sluice::runtime
