#include "dsl/ast.h"

namespace sluice::ast {

const char* stage_type_name(StageType t) {
  switch (t) {
    case StageType::Source:
      return "source";
    case StageType::Transform:
      return "transform";
    case StageType::Aggregate:
      return "aggregate";
    case StageType::Join:
      return "join";
    case StageType::Sink:
      return "sink";
  }
  return "stage";
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
