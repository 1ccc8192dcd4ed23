#include "dsl/ast.h"

#include "base/enum_names.h"

namespace sluice::ast {

const char* stage_type_name(StageType t) {
  static constexpr const char* kNames[] = {"source", "processor", "sink"};
  static_assert(std::size(kNames) == enum_count(StageType::Sink));
  return enum_name(t, kNames, "stage");
}

std::string stage_label(const Stage& s) {
  return s.type == StageType::Processor ? s.kind : stage_type_name(s.type);
}

std::string describe(const Stage& s) {
  std::string out = stage_label(s);
  if (s.type != StageType::Processor) out += " " + s.kind;
  return out + " '" + s.name + "'";
}

const Option* find_option(const std::vector<Option>& options, const std::string& name) {
  for (const auto& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::optional<int64_t> literal_int(const Option* o) {
  if (o == nullptr || !o->value || o->value->kind != ExprKind::Literal ||
      o->value->literal.type() != Type::Int) {
    return std::nullopt;
  }
  return o->value->literal.as_int();
}

}  // namespace sluice::ast
