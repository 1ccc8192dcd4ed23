#include "runtime/function_text.h"

#include "dsl/expr_checker.h"

namespace sluice::runtime {
namespace {
std::string type_word(eval::SType t) {
  switch (t) {
    case eval::SType::Unknown:
      return "any";
    case eval::SType::Number:
      return "number";
    default:
      return dsl::stype_name(t);
  }
}
}  // namespace

std::string function_types(const eval::FunctionSpec& f) {
  std::string params;
  int shown = f.max_args < 0 ? static_cast<int>(f.params.size()) : f.max_args;
  for (int i = 0; i < shown && i < static_cast<int>(f.params.size()); ++i) {
    if (i) params += ", ";
    if (i >= f.min_args) params += "[";
    params += type_word(f.params[i]);
    if (i >= f.min_args) params += "]";
  }
  if (f.max_args < 0) params += params.empty() ? "..." : ", ...";
  if (params.empty()) params = "()";
  std::string result = f.result == eval::SType::Unknown ? std::string("depends on the arguments")
                                                        : type_word(f.result);
  return params + " → " + result;
}

std::string function_signature(const eval::FunctionSpec& f) {
  std::string doc = f.doc;
  auto end = doc.find("): ");
  return end == std::string::npos ? std::string(f.name) + "()" : doc.substr(0, end + 1);
}

std::string function_description(const eval::FunctionSpec& f) {
  std::string doc = f.doc;
  auto end = doc.find("): ");
  std::string desc = end == std::string::npos ? doc : doc.substr(end + 3);
  if (f.option_only) desc += " Only in option values.";
  if (f.generate_only) desc += " Only in the `fields` of a generate source.";
  if (!f.null_propagates && !f.option_only && f.max_args != 0) {
    desc += " A null argument does not make the result null.";
  }
  return desc;
}

}  // namespace sluice::runtime
