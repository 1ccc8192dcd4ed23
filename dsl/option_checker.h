// Checks a stage's, a block's or the settings' options against their OptionSpecs: names
// (unknown, given twice, required), free blocks, and each value by its type (enum words,
// strings and secrets, integers and amounts within their ranges, bools, lists, backoff,
// expressions). The `dead_letter = NAME` references it sees are collected for check_graph.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/expr_checker.h"
#include "dsl/graph_checker.h"
#include "dsl/option_spec.h"

namespace sluice::dsl {

class OptionChecker {
 public:
  OptionChecker(Diagnostics& diags, std::vector<DeadLetterRef>& dead_letters)
      : diags_(diags), exprs_(diags), dead_letters_(dead_letters) {}

  static std::vector<const OptionSpec*> to_ptrs(const std::vector<OptionSpec>& v);

  // The options `given` to `owner` (a stage, a block or "settings"); `free_blocks` names
  // blocks of `name = EXPR` entries; `stage` is null outside a stage.
  void check(const std::vector<ast::Option>& given, const std::vector<const OptionSpec*>& specs,
             const std::string& owner, ast::Loc owner_loc,
             const std::vector<std::string>* free_blocks, const ast::Stage* stage);

 private:
  // A value's static type, whether it comes from env()/secret() (or is not known before
  // running) and whether it is a literal.
  struct Checked {
    eval::SType type = eval::SType::Unknown;
    bool env = false;
    bool lit = false;
  };

  void unknown(const ast::Option& o, const std::string& owner,
               const std::vector<std::string>& names, const ast::Stage* stage);
  void missing(const std::vector<const OptionSpec*>& specs,
               const std::map<std::string, ast::Loc>& seen, const std::string& owner,
               ast::Loc owner_loc);
  void dead_letter_needed(const std::vector<ast::Option>& given,
                          const std::map<std::string, ast::Loc>& seen);
  // Options required by the value of another (OptionSpec::required_when).
  void needed_by_value(const std::vector<ast::Option>& given,
                       const std::vector<const OptionSpec*>& specs,
                       const std::map<std::string, ast::Loc>& seen, const std::string& owner);
  void free_block(const ast::Option& o);
  void option(const ast::Option& o, const OptionSpec& spec, const ast::Stage* stage);
  // key { "bank.audit_log" = ["ts", "user_id"]  "bank.*_log" = ["id"] }: each entry a list.
  void list_map(const ast::Option& o, const OptionSpec& spec, const ast::Stage* stage);

  // ---- values ----
  static ExprScope constant_scope(const ast::Option& o);
  void value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec,
             const ast::Stage* stage);
  void enum_value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec);
  void dead_letter(const ast::Expr& e, const ast::Stage* stage);
  // A constant of the option's type (string, secret, int, bool, amount, list).
  void constant_value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec);
  // Duration, size or rate: a literal with that unit, within the option's range.
  void amount_value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec,
                    const Checked& c);
  void list_value(const ast::Option& o, const ast::Expr& e, const Checked& c,
                  const ExprScope& constant);
  void backoff(const ast::Option& o, const ast::Expr& e);
  void range(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec, int64_t v);
  void type_error(const ast::Option& o, const ast::Expr& e, const std::string& want,
                  eval::SType got);
  // env(), secret(), secret_file(): the functions allowed only in options.
  static bool is_env_call(const ast::Expr& e);
  static eval::SType literal_or(const ast::Expr& e);

  Diagnostics& diags_;
  ExprChecker exprs_;
  std::vector<DeadLetterRef>& dead_letters_;
};

}  // namespace sluice::dsl
