// A kind's spec with typed bindings: each option is declared once, as data (name, type,
// default, range, doc) together with the field of the operator's options struct it fills.
// The checker validates a file against the declarations (types, ranges, enum values,
// required options), `sluice docs` renders them, and read() fills the struct from the
// evaluated options: nothing reads or re-validates an option by its name a second time.
//
//   static const BoundSpec<SinkOptions> s = BoundSpec<SinkOptions>(Role::Sink, "postgres", ..)
//       .add(option("url", OptType::Secret, true, "", "..."), &SinkOptions::url)
//       .add(block, "batch").bind({"batch", "rows"}, &SinkOptions::batch_rows);
//
// Field types: std::string (strings, secrets, enum words, anything as displayed), integers
// (ints, durations in micros, sizes in bytes, rates per second), bool, double,
// std::vector<std::string> ("a" or ["a", "b"]), an enum class (an Enum option: the value's
// position in enum_values), Value (as evaluated).
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "dsl/option_spec.h"
#include "engine/core/errc.h"
#include "engine/core/operator.h"
#include "engine/core/option_value.h"

namespace sluice {

template <class O>
class BoundSpec {
 public:
  BoundSpec(dsl::Role role, std::string kind, std::string summary) {
    spec_.role = role;
    spec_.kind = std::move(kind);
    spec_.summary = std::move(summary);
  }

  // An option and the field it fills.
  template <class F>
  BoundSpec& add(dsl::OptionSpec o, F O::*field) {
    bind_path({o.name}, o, field);
    spec_.options.push_back(std::move(o));
    return *this;
  }
  // An option the operator reads itself: a per-record expression (StageConfig::expr_options)
  // or a block whose children are bound with bind().
  BoundSpec& add(dsl::OptionSpec o) {
    spec_.options.push_back(std::move(o));
    return *this;
  }
  // A child of a block declared before: path = {"batch", "rows"}.
  template <class F>
  BoundSpec& bind(std::vector<std::string> path, F O::*field) {
    const dsl::OptionSpec* o = find(path);
    if (o == nullptr) throw std::logic_error("BoundSpec::bind: no option " + path.back());
    bind_path(std::move(path), *o, field);
    return *this;
  }

  dsl::KindSpec& spec() { return spec_; }
  const dsl::KindSpec& spec() const { return spec_; }

  // Fills a fresh O from the stage's evaluated options (defaults included); a field whose
  // option is absent or null keeps its initialiser. The checker has validated a parsed file;
  // a configuration built another way (a test, an older checkpoint) is held to the same
  // declarations here: a required option missing, a number out of range or an unknown enum
  // word is a fatal error naming the option.
  result<O> read(const StageConfig& c) const {
    O out{};
    for (const auto& o : spec_.options) {
      if (o.required && o.type != dsl::OptType::Expr &&
          option_value::missing(option_value::at(c.options, {o.name}))) {
        return error::fatal(engine::errc::invalid_pipeline,
                            where(c) + "option " + o.name + " is required");
      }
    }
    for (const auto& b : bindings_) {
      const Value* v = option_value::at(c.options, b.path);
      if (v != nullptr && v->type() == Type::Object && !b.value_child.empty()) {
        v = v->as_object().find(intern(b.value_child));  // written as a block
      }
      if (v == nullptr || v->is_null()) continue;
      std::string bad = option_value::problem(b.spec, *v);
      if (!bad.empty()) {
        return error::fatal(engine::errc::invalid_pipeline,
                            where(c) + option_value::dotted(b.path) + bad);
      }
      b.set(*v, out);
    }
    return out;
  }

 private:
  struct Binding {
    std::vector<std::string> path;
    dsl::OptionSpec spec;  // its type, range and words (children dropped)
    std::function<void(const Value&, O&)> set;
    std::string value_child;  // a value that may be written as a block: its first child
  };

  template <class F>
  void bind_path(std::vector<std::string> path, const dsl::OptionSpec& o, F O::*field) {
    dsl::OptionSpec spec = o;
    spec.children.clear();
    std::vector<std::string> words = o.enum_values;
    std::string value_child =
        o.type != dsl::OptType::Block && !o.children.empty() ? o.children.front().name : "";
    bindings_.push_back(
        {std::move(path), std::move(spec),
         [field, words](const Value& v, O& out) { option_value::assign(out.*field, v, words); },
         std::move(value_child)});
  }

  std::string where(const StageConfig& c) const {
    return dsl::kind_label(spec_) + " " + c.name + ": ";
  }

  const dsl::OptionSpec* find(const std::vector<std::string>& path) const {
    const std::vector<dsl::OptionSpec>* level = &spec_.options;
    const dsl::OptionSpec* found = nullptr;
    for (const auto& name : path) {
      found = nullptr;
      for (const auto& o : *level) {
        if (o.name == name) found = &o;
      }
      if (found == nullptr) return nullptr;
      level = &found->children;
    }
    return found;
  }

  dsl::KindSpec spec_;
  std::vector<Binding> bindings_;
};

// The spec make() builds, built on first use and then kept: what a kind's bound_X_spec()
// returns (`return built_once<make_spec>();`).
template <auto make>
const auto& built_once() {
  static const auto spec = make();
  return spec;
}

}  // namespace sluice
