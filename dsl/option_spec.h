// Option specs: each operator declares its options as data. The checker validates against
// them, `sluice check` words its messages from them and docs/operators/ is generated from them.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dsl/ast.h"

namespace sluice::dsl {

enum class OptType : uint8_t {
  String,  // constant string expression (env()/secret()/concatenation allowed)
  Int,     // integer (min/max checked)
  Bool,
  Duration,    // 250ms, 5s
  Size,        // 64KB
  Rate,        // 5000/s
  Enum,        // bare identifier or string, one of enum_values
  StringList,  // ["a", "b"]
  Expr,        // evaluated per record (may use fields and @meta)
  Block,       // nested options: children
  Backoff,     // exponential(MIN, MAX) | fixed(D)
  Any,         // any constant expression
  Secret,      // must be secret(...) or env(...) (never a literal in the file? warn only)
  ListMap,     // a list of strings, or a block of "pattern" = ["a", "b"] entries
};

const char* opt_type_name(OptType t);

struct OptionSpec {
  std::string name;
  OptType type = OptType::String;
  bool required = false;
  std::string default_text;              // shown in docs ("3306", "initial")
  std::vector<std::string> enum_values;  // Enum
  int64_t min = INT64_MIN;               // Int/Duration(us)/Size/Rate(per second)
  int64_t max = INT64_MAX;
  std::string doc;
  // Block; on another type: the option may also be written as a block whose first child is
  // its value (`snapshot = initial` or `snapshot { mode = initial  parallelism = 4 }`).
  std::vector<OptionSpec> children;
  // Required only when the sibling option first is the word second ({"format", "avro"}).
  std::pair<std::string, std::string> required_when;
  // Not empty: two stages of the kind in one file may not give this option the same value
  // while these sibling options are equal too (a mysql source's server_id on one host and
  // port); unique_why says what would happen (dsl/unique_options.h).
  std::vector<std::string> unique_with;
  std::string unique_why;
};

// Builds one option spec: the common case of the tables in each operator's *_spec.cpp.
inline OptionSpec option(std::string name, OptType type, bool required, std::string default_text,
                         std::string doc) {
  OptionSpec o;
  o.name = std::move(name);
  o.type = type;
  o.required = required;
  o.default_text = std::move(default_text);
  o.doc = std::move(doc);
  return o;
}
// An optional option with a default.
inline OptionSpec option(std::string name, OptType type, std::string default_text,
                         std::string doc) {
  return option(std::move(name), type, false, std::move(default_text), std::move(doc));
}
// An optional Enum option: one of `words` (in the order of the enum class it binds to).
inline OptionSpec enum_option(std::string name, std::vector<std::string> words,
                              std::string default_text, std::string doc) {
  OptionSpec o = option(std::move(name), OptType::Enum, std::move(default_text), std::move(doc));
  o.enum_values = std::move(words);
  return o;
}

// The role a kind is registered under: the type of the stages that use it.
using Role = ast::StageType;
inline const char* role_name(Role r) { return ast::stage_type_name(r); }  // "source", ...

// What the body of a processor stage (`KIND NAME from A[, B] [on KEYS] { statements }`) may
// hold: the checker reads it, so a new processor needs its folder and its registry line only.
struct ProcessorShape {
  size_t min_inputs = 1;
  bool keyed_on = false;     // needs `on KEY[, KEY]` (join); without it `on` is an error
  bool input_names = false;  // statements may name an input: `orders.amount` (join)
  bool fields = false;       // `name = agg(...)` fields, `group by`, `window` (aggregate)
  bool changelog = false;    // emits upserts and deletes keyed by its own key (not per record)
};

struct KindSpec {
  Role role = Role::Source;
  std::string kind;  // "file", "generate", "transform", ...
  std::string summary;
  std::vector<OptionSpec> options;
  // Source only: for `fields { name = EXPR }` style blocks whose children are free-form.
  std::vector<std::string> free_blocks;
  ProcessorShape shape;  // Processor only
  // Source only: it emits creates and snapshot reads only, never an update, delete or
  // truncate (the planner lets an aggregate downstream keep only the extreme of min/max).
  bool inserts_only = false;
  // Source only: the same where its option `first` has the value `second` (kafka, format =
  // raw); empty when it depends on no option.
  std::pair<std::string, std::string> inserts_only_when{};
  // Processor or sink: it receives schema-change events (Op::Schema); the engine drops them
  // before any stage whose kind does not.
  bool schema_changes = false;
};

// How a kind is named in lists and docs: "source mysql", "sink file", "transform".
std::string kind_label(const KindSpec& k);

// Options every non-source stage accepts (DSL.md §3).
const std::vector<OptionSpec>& common_stage_options();
// Options of `settings { }`.
const std::vector<OptionSpec>& settings_options();

// The set of known kinds, filled from operators/registry.cpp.
class SpecRegistry {
 public:
  void add(KindSpec spec) { specs_.push_back(std::move(spec)); }
  const KindSpec* find(Role role, const std::string& kind) const {
    for (const auto& s : specs_) {
      if (s.role == role && s.kind == kind) return &s;
    }
    return nullptr;
  }
  const std::vector<KindSpec>& all() const { return specs_; }

 private:
  std::vector<KindSpec> specs_;
};

}  // namespace sluice::dsl
