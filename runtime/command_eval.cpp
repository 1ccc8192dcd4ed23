// sluice eval EXPR [--row JSON] [--op c|u|d|r|t] [--before JSON] [--json]
#include <chrono>
#include <cstdio>
#include <optional>

#include "base/json.h"
#include "dsl/diagnostics.h"
#include "dsl/eval/expr.h"
#include "dsl/expr_checker.h"
#include "dsl/parser.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
// clang-format off
const char* kEvalHelp =
    "usage: sluice eval EXPR [--row JSON] [--op c|u|d|r|t] [--before JSON] [--json]\n\n"
    "Evaluates the expression EXPR on a row, as a transform would (`set x = EXPR`), and prints\n"
    "the value as JSON followed by its type: `3.305 (decimal)`, `\"ADA\" (string)`, `null (null)`.\n"
    "Numbers in the row JSON with a fraction are decimals (exact), as sources read them.\n"
    "  --row JSON     the row: a JSON object (default {}); bare names in EXPR are its fields\n"
    "  --op OP        the event's @op: c (default), u, d, r or t\n"
    "  --before JSON  the event's @before image (a JSON object; default none: @before is null)\n"
    "  --json         print only the value as JSON (no type)\n"
    "An invalid expression is reported like `sluice check` does (expr:LINE:COL: error: message,\n"
    "the expression and a caret).\n"
    "Exit codes: 0 ok, 1 invalid expression, 2 usage (or bad --row JSON), 3 the evaluation\n"
    "failed (e.g. to_int(\"x\")).\n";
// clang-format on

// The value of a JSON-object option (--row, --before); nullopt after printing why.
std::optional<Object> object_option(const cli::Args& args, const char* flag) {
  auto text = args.get(flag);
  if (!text) return Object{};
  auto parsed = json::parse(*text);
  if (!parsed.ok() || parsed.value().type() != Type::Object) {
    std::fprintf(stderr, "sluice eval: %s takes a JSON object: %s\n", flag,
                 parsed.ok() ? "not an object" : parsed.err().message.c_str());
    return std::nullopt;
  }
  return parsed.value().as_object();
}

std::optional<Op> op_option(const cli::Args& args) {
  const std::string code = args.get("--op").value_or("c");
  for (Op op : {Op::Create, Op::Update, Op::Delete, Op::Read, Op::Truncate}) {
    if (code == op_code(op)) return op;
  }
  std::fprintf(stderr, "sluice eval: --op takes c, u, d, r or t, not '%s'\n", code.c_str());
  return std::nullopt;
}

// Parses, checks and compiles EXPR as a per-record expression (generate functions allowed);
// prints the diagnostics; null when it is invalid.
eval::ExprPtr compile_expr(const std::string& text) {
  dsl::Diagnostics diags;
  auto ast = dsl::parse_expr(text, diags);
  if (!diags.has_errors() && ast) {
    dsl::ExprScope scope;
    scope.allow_generate = true;
    scope.what = "expression";
    dsl::ExprChecker(diags).check(*ast, scope);
  }
  if (!diags.empty()) std::fputs(diags.format("expr", text).c_str(), stderr);
  if (diags.has_errors() || !ast) return nullptr;
  eval::Scope scope;
  scope.allow_generate = true;
  auto compiled = eval::compile(*ast, scope);
  if (!compiled.ok()) {
    std::fprintf(stderr, "expr: error: %s\n", compiled.err().message.c_str());
    return nullptr;
  }
  return std::move(compiled.value());
}

void print_value(const Value& v, bool json_only) {
  std::string out = json::encode(v);
  if (!json_only) out += std::string(" (") + type_name(v.type()) + ")";
  std::puts(out.c_str());
}
}  // namespace

int command_eval(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("eval", argv, {"--row", "--op", "--before"}, {"--json"}, kEvalHelp,
                                 exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice eval: expected exactly one EXPR (quote it)\n\n%s", kEvalHelp);
    return kExitUsage;
  }
  Event event;
  auto row = object_option(*args, "--row");
  auto before = object_option(*args, "--before");
  auto op = op_option(*args);
  if (!row || !before || !op) return kExitUsage;
  event.op = *op;
  event.row = std::move(*row);
  event.has_before = args->has("--before");
  event.before = std::move(*before);
  event.ts = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto expr = compile_expr(args->positional[0]);
  if (!expr) return kExitInvalid;
  eval::GenState gen;
  eval::Context ctx;
  ctx.event = &event;
  ctx.row = &event.row;
  ctx.gen = &gen;
  try {
    print_value(expr->eval(ctx), args->has("--json"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice eval: evaluation failed: %s\n", e.what());
    return kExitRuntime;
  }
  return kExitOk;
}

}  // namespace sluice::runtime
