#include "engine/core/option_value.h"

namespace sluice::option_value {
const Value* at(const Object& options, const std::vector<std::string>& path) {
  const Object* level = &options;
  const Value* v = nullptr;
  for (const auto& name : path) {
    if (level == nullptr) return nullptr;
    v = level->find(intern(name));
    if (v == nullptr) return nullptr;
    level = v->type() == Type::Object ? &v->as_object() : nullptr;
  }
  return v;
}

void assign(std::string& f, const Value& v, const Words& /*words*/) { f = text_of(v); }

void assign(bool& f, const Value& v, const Words& /*words*/) {
  if (auto b = bool_of(v)) f = *b;
}

void assign(double& f, const Value& v, const Words& /*words*/) {
  if (v.type() == Type::Float) {
    f = v.as_float();
  } else if (auto i = int_of(v)) {
    f = static_cast<double>(*i);
  }
}

void assign(std::vector<std::string>& f, const Value& v, const Words& /*words*/) {
  f.clear();
  if (v.type() == Type::List) {
    for (const auto& x : v.as_list()) f.push_back(text_of(x));
  } else {
    f.push_back(text_of(v));
  }
}

void assign(Value& f, const Value& v, const Words& /*words*/) { f = v; }

bool missing(const Value* v) {
  return v == nullptr || v->is_null() || (v->type() == Type::String && v->as_string().empty());
}

std::string problem(const dsl::OptionSpec& spec, const Value& v) {
  using dsl::OptType;
  const bool ranged = spec.type == OptType::Int || spec.type == OptType::Duration ||
                      spec.type == OptType::Size || spec.type == OptType::Rate;
  if (ranged && (spec.min != INT64_MIN || spec.max != INT64_MAX)) {
    auto n = int_of(v);
    if (n && (*n < spec.min || *n > spec.max)) {
      std::string range = spec.max == INT64_MAX   ? "at least " + std::to_string(spec.min)
                          : spec.min == INT64_MIN ? "at most " + std::to_string(spec.max)
                                                  : "between " + std::to_string(spec.min) +
                                                        " and " + std::to_string(spec.max);
      return " must be " + range + ", not " + std::to_string(*n);
    }
  }
  if (spec.type == OptType::Enum && !spec.enum_values.empty() &&
      word_index(v, spec.enum_values) < 0) {
    std::string words;
    for (const auto& w : spec.enum_values) words += (words.empty() ? "" : ", ") + w;
    return " must be one of " + words + ", not '" + text_of(v) + "'";
  }
  return {};
}

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

std::string text_of(const Value& v) {
  if (v.type() == Type::String || v.type() == Type::Bytes) return v.as_string();
  return v.to_display();
}

std::optional<int64_t> int_of(const Value& v) {
  switch (v.type()) {
    case Type::Int:
      return v.as_int();
    case Type::UInt:
      return static_cast<int64_t>(v.as_uint());
    case Type::Decimal:
      return v.as_decimal().to_int64();
    case Type::Bool:
      return v.as_bool() ? 1 : 0;
    default:
      return std::nullopt;
  }
}

std::optional<bool> bool_of(const Value& v) {
  if (v.type() == Type::Bool) return v.as_bool();
  if (v.type() == Type::Int) return v.as_int() != 0;
  if (v.type() == Type::String && v.as_string() == "true") return true;
  if (v.type() == Type::String && v.as_string() == "false") return false;
  return std::nullopt;
}

int word_index(const Value& v, const Words& words) {
  const std::string t = text_of(v);
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == t) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sluice::option_value
