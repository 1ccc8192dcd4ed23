// The function table: every built-in function and the generate functions, as data. The checker
// validates calls against it, the compiler binds implementations from it, and `sluice docs`
// renders it into docs/language.md ("Functions"; examples checked by function_docs_test).
#include "dsl/eval/functions.h"

#include "dsl/eval/builtins.h"

namespace sluice::eval {
namespace {

using S = SType;
namespace b = builtins;

// Each entry: name, min, max, params, result, null_propagates, generate_only, option_only, doc,
// example, example_value (its JSON result; "" when it depends on time, randomness or the
// environment), impl. make_functions() puts the families one after the other in the table (and
// so in the docs) in the order below.

// Text: case, whitespace, length, parts, replacement, concatenation.
std::vector<FunctionSpec> text_functions() {
  return {
      {"lower",
       1,
       1,
       {S::String},
       S::String,
       true,
       false,
       false,
       "lower(s): s in lower case (ASCII letters; other characters unchanged).",
       "lower(\"Ada LOVELACE\")",
       "\"ada lovelace\"",
       b::lower},
      {"upper",
       1,
       1,
       {S::String},
       S::String,
       true,
       false,
       false,
       "upper(s): s in upper case (ASCII letters; other characters unchanged).",
       "upper(\"eur\")",
       "\"EUR\"",
       b::upper},
      {"trim",
       1,
       1,
       {S::String},
       S::String,
       true,
       false,
       false,
       "trim(s): s without leading and trailing whitespace.",
       "trim(\"  gold card  \")",
       "\"gold card\"",
       b::trim},
      {"length",
       1,
       1,
       {S::Unknown},
       S::Int,
       true,
       false,
       false,
       "length(x): number of characters (UTF-8 code points) of a string, bytes of bytes, "
       "elements of a list, fields of an object.",
       "length(\"naïve\")",
       "5",
       b::length},
      {"substr",
       2,
       3,
       {S::String, S::Int, S::Int},
       S::String,
       true,
       false,
       false,
       "substr(s, start[, len]): the characters of s from 1-based code point `start`, at most "
       "`len` of them (all when omitted). A start past the end gives \"\".",
       "substr(\"2024-02-29\", 6, 2)",
       "\"02\"",
       b::substr},
      {"replace",
       3,
       3,
       {S::String, S::String, S::String},
       S::String,
       true,
       false,
       false,
       "replace(s, from, to): every occurrence of `from` in s replaced by `to`.",
       "replace(\"a-b-c\", \"-\", \"/\")",
       "\"a/b/c\"",
       b::replace},
      {"concat",
       0,
       -1,
       {S::Unknown},
       S::String,
       false,
       false,
       false,
       "concat(a, b, ...): the text of every non-null argument joined; nulls are skipped.",
       "concat(\"id-\", 7, null, \"-x\")",
       "\"id-7-x\"",
       b::concat},
  };
}

// Null handling and the clock.
std::vector<FunctionSpec> value_functions() {
  return {
      {"coalesce",
       1,
       -1,
       {S::Unknown},
       S::Unknown,
       false,
       false,
       false,
       "coalesce(a, b, ...): the first non-null argument, or null.",
       "coalesce(null, \"n/a\")",
       "\"n/a\"",
       b::coalesce},
      {"now",
       0,
       0,
       {},
       S::Timestamp,
       false,
       false,
       false,
       "now(): the current time as a timestamp (UTC).",
       "now()",
       "",
       b::now},
  };
}

// Conversions between types, and rounding.
std::vector<FunctionSpec> conversion_functions() {
  return {
      {"to_string",
       1,
       1,
       {S::Unknown},
       S::String,
       true,
       false,
       false,
       "to_string(x): the exact text of x (decimals keep their scale, dates as 2024-02-29, "
       "objects and lists as JSON).",
       "to_string(1.50)",
       "\"1.50\"",
       b::to_string},
      {"to_int",
       1,
       1,
       {S::Unknown},
       S::Int,
       true,
       false,
       false,
       "to_int(x): an int from an int, uint (error above the int range), bool (0/1), decimal or "
       "float (truncated toward zero), or a string holding an integer (else an error).",
       "to_int(\"-42\")",
       "-42",
       b::to_int},
      {"to_float",
       1,
       1,
       {S::Unknown},
       S::Float,
       true,
       false,
       false,
       "to_float(x): a float from a number, or from a string holding a number.",
       "to_float(\"2.5\")",
       "2.5",
       b::to_float},
      {"to_decimal",
       2,
       2,
       {S::Unknown, S::Int},
       S::Decimal,
       true,
       false,
       false,
       "to_decimal(x, scale): an exact decimal with `scale` digits after the point, from an "
       "int, decimal, numeric string or float (through its shortest text); rounds half away "
       "from zero.",
       "to_decimal(2.345, 2)",
       "2.35",
       b::to_decimal},
      {"round",
       1,
       2,
       {S::Number, S::Int},
       S::Unknown,
       true,
       false,
       false,
       "round(x, n = 0): x rounded half away from zero to n digits after the point (n may be "
       "negative). Decimals stay decimals with scale max(n, 0); floats stay floats; ints stay "
       "ints.",
       "round(1250, -2)",
       "1300",
       b::round},
      {"abs",
       1,
       1,
       {S::Number},
       S::Unknown,
       true,
       false,
       false,
       "abs(x): the absolute value, same type as x.",
       "abs(-3.50)",
       "3.50",
       b::abs},
  };
}

// Dates and times: conversions and truncation.
std::vector<FunctionSpec> date_functions() {
  return {
      {"to_date",
       1,
       1,
       {S::Unknown},
       S::Date,
       true,
       false,
       false,
       "to_date(x): a date from \"YYYY-MM-DD\" text (or a datetime text), a datetime or a "
       "timestamp (UTC day).",
       "to_date(\"2024-02-29T13:45:00\")",
       "\"2024-02-29\"",
       b::to_date},
      {"to_timestamp",
       1,
       1,
       {S::Unknown},
       S::Timestamp,
       true,
       false,
       false,
       "to_timestamp(x): a timestamp from ISO-8601 text (zone Z or +HH:MM, none = UTC), a "
       "date, a datetime (taken as UTC) or an int of epoch milliseconds.",
       "to_timestamp(\"2024-02-29T13:45:59+01:00\")",
       "\"2024-02-29T12:45:59.000Z\"",
       b::to_timestamp},
      {"to_datetime",
       1,
       1,
       {S::Unknown},
       S::DateTime,
       true,
       false,
       false,
       "to_datetime(x): a datetime (no zone, like MySQL DATETIME) from \"YYYY-MM-DD HH:MM:SS"
       "[.ffffff]\" text (or with a T), a date (midnight) or a timestamp (its UTC wall time).",
       "to_datetime(\"2024-02-29 13:45:59.5\")",
       "\"2024-02-29T13:45:59.500000\"",
       b::to_datetime},
      {"to_time",
       1,
       1,
       {S::Unknown},
       S::Time,
       true,
       false,
       false,
       "to_time(x): a time of day (like MySQL TIME, may be negative or above 24h) from "
       "\"[-]HH:MM:SS[.ffffff]\" text, or the UTC time of day of a datetime or timestamp.",
       "to_time(\"13:45:59\")",
       "\"13:45:59\"",
       b::to_time},
      {"date_trunc",
       2,
       2,
       {S::String, S::Unknown},
       S::Unknown,
       true,
       false,
       false,
       "date_trunc(unit, t): t truncated to the start of its year|month|day|hour|minute|second; "
       "same type as t (date, datetime or timestamp).",
       "date_trunc(\"month\", to_date(\"2024-02-29\"))",
       "\"2024-02-01\"",
       b::date_trunc},
  };
}

// Parts of dates and times.
std::vector<FunctionSpec> date_part_functions() {
  return {
      {"year",
       1,
       1,
       {S::Unknown},
       S::Int,
       true,
       false,
       false,
       "year(t): the year of a date, datetime or timestamp.",
       "year(to_date(\"2024-02-29\"))",
       "2024",
       b::year},
      {"month",
       1,
       1,
       {S::Unknown},
       S::Int,
       true,
       false,
       false,
       "month(t): the month (1-12) of a date, datetime or timestamp.",
       "month(to_date(\"2024-02-29\"))",
       "2",
       b::month},
      {"day",
       1,
       1,
       {S::Unknown},
       S::Int,
       true,
       false,
       false,
       "day(t): the day of the month (1-31) of a date, datetime or timestamp.",
       "day(to_date(\"2024-02-29\"))",
       "29",
       b::day},
  };
}

// Hashing, masking and pattern matching.
std::vector<FunctionSpec> privacy_functions() {
  return {
      {"hash",
       1,
       1,
       {S::Unknown},
       S::Int,
       true,
       false,
       false,
       "hash(x): a stable 64-bit hash (FNV-1a of the JSON encoding of x) as an int.",
       "hash(\"abc\")",
       "5997925917780721341",
       b::hash},
      {"sha256",
       1,
       1,
       {S::Unknown},
       S::String,
       true,
       false,
       false,
       "sha256(x): the SHA-256 of a string or bytes (other values: of their text), lowercase "
       "hex.",
       "sha256(\"abc\")",
       "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"",
       b::sha256},
      {"mask",
       1,
       2,
       {S::String, S::Int},
       S::String,
       true,
       false,
       false,
       "mask(s, keep_last = 4): s with every character but the last keep_last replaced by '*'.",
       "mask(\"4111111111111111\")",
       "\"************1111\"",
       b::mask},
      {"regex_match",
       2,
       2,
       {S::String, S::String},
       S::Bool,
       true,
       false,
       false,
       "regex_match(s, pattern): true when the ECMAScript regular expression matches anywhere "
       "in s.",
       "regex_match(\"INV-2024-001\", \"^INV-[0-9]+\")",
       "true",
       b::regex_match},
  };
}

// Option values only (option_only): the environment and secrets.
std::vector<FunctionSpec> option_functions() {
  return {
      {"env",
       1,
       2,
       {S::String, S::String},
       S::String,
       false,
       false,
       true,
       "env(NAME[, DEFAULT]): the environment variable NAME; DEFAULT when unset; an error when "
       "unset without a default.",
       "env(\"MYSQL_HOST\", \"127.0.0.1\")",
       "",
       b::env},
      {"secret",
       1,
       1,
       {S::String},
       S::String,
       false,
       false,
       true,
       "secret(NAME): the environment variable NAME as a secret: never printed, logged or "
       "written to a dead letter. An error when unset.",
       "secret(\"MYSQL_PASSWORD\")",
       "",
       b::secret},
      {"secret_file",
       1,
       1,
       {S::String},
       S::String,
       false,
       false,
       true,
       "secret_file(PATH): the content of the file PATH (Docker and Kubernetes secrets, e.g. "
       "\"/run/secrets/mysql_password\"; one trailing newline dropped) as a secret: never "
       "printed, logged or written to a dead letter. An error when unreadable or empty.",
       "secret_file(\"/run/secrets/mysql_password\")",
       "",
       b::secret_file},
      // generate source fields (§9)
  };
}

// The generate source's field functions (generate_only).
std::vector<FunctionSpec> generate_functions() {
  return {
      {"seq",
       0,
       0,
       {},
       S::Int,
       false,
       true,
       false,
       "seq(): the record's number in a generate source: 1, 2, 3, ... (the same within one "
       "record).",
       "seq()",
       "",
       b::seq},
      {"random_int",
       2,
       2,
       {S::Int, S::Int},
       S::Int,
       true,
       true,
       false,
       "random_int(a, b): a random int in [a, b].",
       "random_int(1, 6)",
       "",
       b::random_int},
      {"random_decimal",
       3,
       3,
       {S::Number, S::Number, S::Int},
       S::Decimal,
       true,
       true,
       false,
       "random_decimal(a, b, scale): a random decimal in [a, b] with `scale` digits after the "
       "point.",
       "random_decimal(0, 1000, 2)",
       "",
       b::random_decimal},
      {"pick",
       1,
       1,
       {S::List},
       S::Unknown,
       true,
       true,
       false,
       "pick([..]): one element of the list, chosen at random.",
       "pick([\"EUR\", \"USD\", \"CHF\"])",
       "",
       b::pick},
      {"random_string",
       1,
       1,
       {S::Int},
       S::String,
       true,
       true,
       false,
       "random_string(n): n random letters and digits.",
       "random_string(8)",
       "",
       b::random_string},
  };
}

std::vector<FunctionSpec> make_functions() {
  std::vector<FunctionSpec> all;
  for (auto family :
       {text_functions, value_functions, conversion_functions, date_functions, date_part_functions,
        privacy_functions, option_functions, generate_functions}) {
    for (auto& f : family()) all.push_back(std::move(f));
  }
  return all;
}

std::vector<AggregateSpec> make_aggregates() {
  return {
      {"count", 0, 1, "count([x]): the rows in the group; with x, the rows where x is not null.",
       "count()"},
      {"count_distinct", 1, 1, "count_distinct(x): distinct non-null values of x.",
       "count_distinct(customer_id)"},
      {"sum", 1, 1, "sum(x): exact sum of the non-null values (null when there are none).",
       "sum(amount)"},
      {"avg", 1, 1,
       "avg(x): average of the non-null values (decimal for exact inputs, float for floats).",
       "avg(amount)"},
      {"min", 1, 1, "min(x): the smallest non-null value (exact under retraction).",
       "min(opened_date)"},
      {"max", 1, 1, "max(x): the largest non-null value (exact under retraction).",
       "max(opened_date)"},
      {"first", 1, 1, "first(x): the value of x in the oldest row still in the group.",
       "first(status)"},
      {"last", 1, 1, "last(x): the value of x in the newest row still in the group.",
       "last(status)"},
      {"collect_set", 1, 1, "collect_set(x): the distinct non-null values, as a sorted list.",
       "collect_set(account_type)"},
      {"collect_list", 1, 1, "collect_list(x): the non-null values in arrival order, as a list.",
       "collect_list(amount)"},
      {"tumbling", 1, 1,
       "tumbling(D): in `window tumbling(D) on FIELD`: windows of duration D; the window start "
       "joins the group key.",
       "window tumbling(1h) on created_at"},
      {"hopping", 2, 2,
       "hopping(SIZE, ADVANCE): in `window hopping(SIZE, ADVANCE) on FIELD`: windows of duration "
       "SIZE starting every ADVANCE (each event belongs to SIZE / ADVANCE windows); the window "
       "start joins the group key.",
       "window hopping(1h, 15m) on created_at"},
      {"session", 1, 1,
       "session(GAP): in `window session(GAP) on FIELD`: per group key, events less than GAP "
       "apart share a session; the session start joins the group key, window_end is output.",
       "window session(30m) on created_at"},
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
