// The function table: every built-in function of DSL.md §6 and the generate functions of §9,
// as data. The checker validates calls against it, the compiler binds implementations from it.
#include "dsl/eval/functions.h"

#include "dsl/eval/builtins.h"

namespace sluice::eval {
namespace {

using S = SType;
namespace b = builtins;

std::vector<FunctionSpec> make_functions() {
  // name, min, max, params, result, null_propagates, generate_only, option_only, doc, impl
  return {
      {"lower", 1, 1, {S::String}, S::String, true, false, false,
       "lower(s): s in lower case (ASCII letters; other characters unchanged).", b::lower},
      {"upper", 1, 1, {S::String}, S::String, true, false, false,
       "upper(s): s in upper case (ASCII letters; other characters unchanged).", b::upper},
      {"trim", 1, 1, {S::String}, S::String, true, false, false,
       "trim(s): s without leading and trailing whitespace.", b::trim},
      {"length", 1, 1, {S::Unknown}, S::Int, true, false, false,
       "length(x): number of characters (UTF-8 code points) of a string, bytes of bytes, "
       "elements of a list, fields of an object.",
       b::length},
      {"substr", 2, 3, {S::String, S::Int, S::Int}, S::String, true, false, false,
       "substr(s, start[, len]): the characters of s from 1-based code point `start`, at most "
       "`len` of them (all when omitted). A start past the end gives \"\".",
       b::substr},
      {"replace", 3, 3, {S::String, S::String, S::String}, S::String, true, false, false,
       "replace(s, from, to): every occurrence of `from` in s replaced by `to`.", b::replace},
      {"concat", 0, -1, {S::Unknown}, S::String, false, false, false,
       "concat(a, b, ...): the text of every non-null argument joined; nulls are skipped.",
       b::concat},
      {"coalesce", 1, -1, {S::Unknown}, S::Unknown, false, false, false,
       "coalesce(a, b, ...): the first non-null argument, or null.", b::coalesce},
      {"now", 0, 0, {}, S::Timestamp, false, false, false,
       "now(): the current time as a timestamp (UTC).", b::now},
      {"to_string", 1, 1, {S::Unknown}, S::String, true, false, false,
       "to_string(x): the exact text of x (decimals keep their scale, dates as 2024-02-29, "
       "objects and lists as JSON).",
       b::to_string},
      {"to_int", 1, 1, {S::Unknown}, S::Int, true, false, false,
       "to_int(x): an int from an int, uint (error above the int range), bool (0/1), decimal or "
       "float (truncated toward zero), or a string holding an integer (else an error).",
       b::to_int},
      {"to_float", 1, 1, {S::Unknown}, S::Float, true, false, false,
       "to_float(x): a float from a number, or from a string holding a number.", b::to_float},
      {"to_decimal", 2, 2, {S::Unknown, S::Int}, S::Decimal, true, false, false,
       "to_decimal(x, scale): an exact decimal with `scale` digits after the point, from an "
       "int, decimal, numeric string or float (through its shortest text); rounds half away "
       "from zero.",
       b::to_decimal},
      {"round", 1, 2, {S::Number, S::Int}, S::Unknown, true, false, false,
       "round(x, n = 0): x rounded half away from zero to n digits after the point (n may be "
       "negative). Decimals stay decimals with scale max(n, 0); floats stay floats; ints stay "
       "ints.",
       b::round},
      {"abs", 1, 1, {S::Number}, S::Unknown, true, false, false,
       "abs(x): the absolute value, same type as x.", b::abs},
      {"to_date", 1, 1, {S::Unknown}, S::Date, true, false, false,
       "to_date(x): a date from \"YYYY-MM-DD\" text (or a datetime text), a datetime or a "
       "timestamp (UTC day).",
       b::to_date},
      {"to_timestamp", 1, 1, {S::Unknown}, S::Timestamp, true, false, false,
       "to_timestamp(x): a timestamp from ISO-8601 text (zone Z or +HH:MM, none = UTC), a "
       "date, a datetime (taken as UTC) or an int of epoch milliseconds.",
       b::to_timestamp},
      {"date_trunc", 2, 2, {S::String, S::Unknown}, S::Unknown, true, false, false,
       "date_trunc(unit, t): t truncated to the start of its year|month|day|hour|minute|second; "
       "same type as t (date, datetime or timestamp).",
       b::date_trunc},
      {"year", 1, 1, {S::Unknown}, S::Int, true, false, false,
       "year(t): the year of a date, datetime or timestamp.", b::year},
      {"month", 1, 1, {S::Unknown}, S::Int, true, false, false,
       "month(t): the month (1-12) of a date, datetime or timestamp.", b::month},
      {"day", 1, 1, {S::Unknown}, S::Int, true, false, false,
       "day(t): the day of the month (1-31) of a date, datetime or timestamp.", b::day},
      {"hash", 1, 1, {S::Unknown}, S::Int, true, false, false,
       "hash(x): a stable 64-bit hash (FNV-1a of the JSON encoding of x) as an int.", b::hash},
      {"sha256", 1, 1, {S::Unknown}, S::String, true, false, false,
       "sha256(x): the SHA-256 of a string or bytes (other values: of their text), lowercase "
       "hex.",
       b::sha256},
      {"mask", 1, 2, {S::String, S::Int}, S::String, true, false, false,
       "mask(s, keep_last = 4): s with every character but the last keep_last replaced by '*'.",
       b::mask},
      {"regex_match", 2, 2, {S::String, S::String}, S::Bool, true, false, false,
       "regex_match(s, pattern): true when the ECMAScript regular expression matches anywhere "
       "in s.",
       b::regex_match},
      {"env", 1, 2, {S::String, S::String}, S::String, false, false, true,
       "env(NAME[, DEFAULT]): the environment variable NAME; DEFAULT when unset; an error when "
       "unset without a default.",
       b::env},
      {"secret", 1, 1, {S::String}, S::String, false, false, true,
       "secret(NAME): the environment variable NAME as a secret: never printed, logged or "
       "written to a dead letter. An error when unset.",
       b::secret},
      // generate source fields (§9)
      {"seq", 0, 0, {}, S::Int, false, true, false,
       "seq(): the record's number in a generate source: 1, 2, 3, ... (the same within one "
       "record).",
       b::seq},
      {"random_int", 2, 2, {S::Int, S::Int}, S::Int, true, true, false,
       "random_int(a, b): a random int in [a, b].", b::random_int},
      {"random_decimal", 3, 3, {S::Number, S::Number, S::Int}, S::Decimal, true, true, false,
       "random_decimal(a, b, scale): a random decimal in [a, b] with `scale` digits after the "
       "point.",
       b::random_decimal},
      {"pick", 1, 1, {S::List}, S::Unknown, true, true, false,
       "pick([..]): one element of the list, chosen at random.", b::pick},
      {"random_string", 1, 1, {S::Int}, S::String, true, true, false,
       "random_string(n): n random letters and digits.", b::random_string},
  };
}

std::vector<AggregateSpec> make_aggregates() {
  return {
      {"count", 0, 1, "count(): rows in the group; count(x): rows where x is not null."},
      {"count_distinct", 1, 1, "count_distinct(x): distinct non-null values of x."},
      {"sum", 1, 1, "sum(x): exact sum of the non-null values (null when there are none)."},
      {"avg", 1, 1,
       "avg(x): average of the non-null values (decimal for exact inputs, float for floats)."},
      {"min", 1, 1, "min(x): the smallest non-null value (exact under retraction)."},
      {"max", 1, 1, "max(x): the largest non-null value (exact under retraction)."},
      {"first", 1, 1, "first(x): the value of x in the oldest row still in the group."},
      {"last", 1, 1, "last(x): the value of x in the newest row still in the group."},
      {"collect_set", 1, 1, "collect_set(x): the distinct non-null values, as a sorted list."},
      {"collect_list", 1, 1, "collect_list(x): the non-null values in arrival order, as a list."},
      {"tumbling", 1, 1,
       "tumbling(D): in `window tumbling(D) on FIELD`: windows of duration D; the window start "
       "joins the group key."},
  };
}

}  // namespace

const std::vector<FunctionSpec>& functions() {
  static const std::vector<FunctionSpec> table = make_functions();
  return table;
}

const FunctionSpec* find_function(const std::string& name) {
  for (const auto& f : functions()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const std::vector<AggregateSpec>& aggregate_functions() {
  static const std::vector<AggregateSpec> table = make_aggregates();
  return table;
}

const AggregateSpec* find_aggregate(const std::string& name) {
  for (const auto& f : aggregate_functions()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace sluice::eval
