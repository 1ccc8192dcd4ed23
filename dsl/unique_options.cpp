#include "dsl/unique_options.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace sluice::dsl {
namespace {

// The option's value as text: its literal, or the spec's default when it is not given;
// nullopt when it is an expression (env("HOST")), which the check cannot compare.
std::optional<std::string> literal_text(const ast::Stage& s, const OptionSpec& spec) {
  const ast::Option* o = ast::find_option(s.options, spec.name);
  if (o == nullptr) return spec.default_text;
  if (o->is_block || !o->value || o->value->kind != ast::ExprKind::Literal) return std::nullopt;
  return o->value->literal.to_display();
}

// What makes the stage's unique option a clash with another's: its kind, name, value and the
// unique_with values (`key`), and those values for the message (`where`); false when one of
// them is not a literal.
bool unique_key(const ast::Stage& s, const KindSpec& k, const OptionSpec& spec, std::string& key,
                std::string& where) {
  auto value = literal_text(s, spec);
  if (!value) return false;
  key = s.kind + '\n' + spec.name + '\n' + *value;
  for (const auto& w : spec.unique_with) {
    std::optional<std::string> wv;
    for (const auto& o : k.options) {
      if (o.name == w) wv = literal_text(s, o);
    }
    if (!wv) return false;
    key += '\n' + *wv;
    where += (where.empty() ? "" : ", ") + w + " " + *wv;
  }
  return true;
}

}  // namespace

void check_unique_options(const ast::File& f, const SpecRegistry& registry, Diagnostics& diags) {
  // The key (unique_key) -> the first stage that gave it, and its pipeline.
  std::map<std::string, std::pair<const ast::Stage*, const ast::Pipeline*>> seen;
  for (const auto& p : f.pipelines) {
    for (const auto& s : p.stages) {
      const KindSpec* k = registry.find(s.type, s.kind);
      if (k == nullptr) continue;
      for (const OptionSpec& spec : k->options) {
        const ast::Option* o = ast::find_option(s.options, spec.name);
        std::string key, where;
        if (spec.unique_with.empty() || o == nullptr || !unique_key(s, *k, spec, key, where))
          continue;
        auto [it, fresh] = seen.emplace(key, std::make_pair(&s, &p));
        if (fresh) continue;
        const auto& [first, in] = it->second;
        diags.error(o->loc, describe(s) + ": " + spec.name + " " + o->value->literal.to_display() +
                                " is already the one of " + describe(*first) + " (" +
                                (in == &p ? "" : "pipeline " + in->name + ", ") + "line " +
                                std::to_string(first->loc.line) + "), with the same " + where +
                                ": " + spec.unique_why);
      }
    }
  }
}

}  // namespace sluice::dsl
