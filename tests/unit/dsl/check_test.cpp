// Table-driven checker tests: for each kind of error, a small pipeline, the expected position,
// severity and a message substring; plus multi-error reporting and the clang-style format.
#include <boost/test/unit_test.hpp>
#include <set>

#include "dsl/parser.h"
#include "test_registry.h"

using namespace sluice;
using namespace sluice::dsl;

namespace {

struct Case {
  const char* name;
  const char* text;
  int line;
  int col;
  Severity severity;
  const char* message;  // substring of the diagnostic
  // false: follow-on errors are expected (an unterminated string swallows the closing brace)
  bool exact = true;
};

// Generated positions: each expected line:col is where the offending token starts.
const Case kCases[] = {
    {"unknown_source_kind",
     R"PIPE(pipeline p {
  source mysqll m { host = "h" }
  sink null n from m {}
}
)PIPE",
     2, 10, Severity::Error,
     "unknown source kind 'mysqll'; did you mean 'mysql'? (known source kinds: file, generate, "
     "mysql)"},
    {"unknown_sink_kind",
     R"PIPE(pipeline p {
  source file s { path = "a" }
  sink postgress o from s { url = "u" }
}
)PIPE",
     3, 8, Severity::Error, "did you mean 'postgres'?"},
    {"unknown_option",
     R"PIPE(pipeline p {
  source file s { path = "a"  fromat = csv }
  sink null n from s {}
}
)PIPE",
     2, 31, Severity::Error, "unknown option 'fromat' for source file 's'; did you mean 'format'?"},
    {"unknown_option_lists_each_option_once",
     R"PIPE(pipeline p {
  source generate g { count = 3  parallelism = 2  fields { id = seq() } }
  sink null n from g {}
}
)PIPE",
     2, 34, Severity::Error,
     "unknown option 'parallelism' for source generate 'g' (options: count, rate, fields); a "
     "source runs several instances only where they can share its input (source kafka: "
     "consumers of one group); give `parallelism` to the stages after it"},
    {"unknown_stage_option",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    bufer = 10
  }
  sink null out from t {}
}
)PIPE",
     5, 5, Severity::Error, "unknown option 'bufer' for transform 't'; did you mean 'buffer'?"},
    {"missing_required",
     R"PIPE(pipeline p {
  source file s { format = csv }
  sink null n from s {}
}
)PIPE",
     2, 15, Severity::Error, "source file 's' is missing the required option 'path'"},
    {"missing_required_sink",
     R"PIPE(pipeline p {
  source file s { path = "a" }
  sink postgres o from s { url = "u" }
}
)PIPE",
     3, 17, Severity::Error, "missing the required option 'table'"},
    {"string_for_int",
     R"PIPE(pipeline p {
  source generate g { count = "ten" }
  sink null n from g {}
}
)PIPE",
     2, 31, Severity::Error, "option 'count' expects an integer"},
    {"decimal_for_int",
     R"PIPE(pipeline p {
  source mysql m { host = "h" user = "u" password = secret("P") server_id = 54.5 }
  sink null n from m {}
}
)PIPE",
     2, 77, Severity::Error, "option 'server_id' expects an integer, got decimal 54.5"},
    {"duration_expected",
     R"PIPE(pipeline p {
  source file s { path = "a" }
  sink postgres o from s { url = "u" table = "t" batch { rows = 10 delay = 100 } }
}
)PIPE",
     3, 76, Severity::Error, "option 'delay' expects a duration like 100ms or 5s"},
    {"bool_expected",
     R"PIPE(pipeline p {
  source file s { path = "a" follow = "yes" }
  sink null n from s {}
}
)PIPE",
     2, 39, Severity::Error, "option 'follow' expects true or false"},
    {"rate_expected",
     R"PIPE(pipeline p {
  source generate g { rate = 5000 }
  sink null n from g {}
}
)PIPE",
     2, 30, Severity::Error, "expects a rate like 5000/s"},
    {"string_list_expected",
     R"PIPE(pipeline p {
  source mysql m { host = "h" user = "u" password = secret("P") server_id = 1 tables = "a" }
  sink null n from m {}
}
)PIPE",
     2, 88, Severity::Error, "expects a list of strings"},
    {"port_out_of_range",
     R"PIPE(pipeline p {
  source mysql m { host = "h" user = "u" password = secret("P") server_id = 1 port = 70000 }
  sink null n from m {}
}
)PIPE",
     2, 86, Severity::Error, "option 'port' must be between 1 and 65535, got 70000"},
    {"negative_count",
     R"PIPE(pipeline p {
  source generate g { count = -1 }
  sink null n from g {}
}
)PIPE",
     2, 31, Severity::Error, "option 'count' must be at least 0, got -1"},
    {"parallelism_range",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    parallelism = 300
  }
  sink null out from t {}
}
)PIPE",
     5, 19, Severity::Error, "option 'parallelism' must be between 1 and 256"},
    {"enum_not_allowed",
     R"PIPE(pipeline p {
  source file s { path = "a" format = xml }
  sink null n from s {}
}
)PIPE",
     2, 39, Severity::Error, "invalid value 'xml' for option 'format' (allowed: jsonl, json, csv)"},
    {"enum_did_you_mean",
     R"PIPE(pipeline p {
  source file s { path = "a" }
  sink postgres o from s { url = "u" table = "t" mode = upsrt }
}
)PIPE",
     3, 57, Severity::Error, "invalid value 'upsrt' for option 'mode'; did you mean 'upsert'?"},
    {"on_error_enum",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    on_error = retry
  }
  sink null out from t {}
}
)PIPE",
     5, 16, Severity::Error, "allowed: dead_letter, skip, fail"},
    {"on_error_needs_dead_letter",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    on_error = dead_letter
  }
  sink null out from t {}
}
)PIPE",
     5, 16, Severity::Error, "on_error = dead_letter needs a dead-letter sink"},
    {"block_expected",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    retry = 3
  }
  sink null out from t {}
}
)PIPE",
     5, 5, Severity::Error, "option 'retry' is a block: write retry { ... }"},
    {"backoff_expected",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    retry { attempts = 2 backoff = linear(1s) }
  }
  sink null out from t {}
}
)PIPE",
     5, 36, Severity::Error, "option 'backoff' expects exponential(MIN, MAX) or fixed(D)"},
    {"retry_attempts_range",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    retry { attempts = -1 }
  }
  sink null out from t {}
}
)PIPE",
     5, 24, Severity::Error, "option 'attempts' must be at least 0"},
    {"duplicate_option",
     R"PIPE(pipeline p {
  source file s { path = "a" path = "b" }
  sink null n from s {}
}
)PIPE",
     2, 30, Severity::Error, "option 'path' is given twice (first at line 2)"},
    {"settings_unknown",
     R"PIPE(pipeline p {
  settings { state_dri = "x" }
  source file s { path = "a" }
  sink null n from s {}
}
)PIPE",
     2, 14, Severity::Error, "did you mean 'state_dir'?"},
    {"settings_batch_size",
     R"PIPE(pipeline p {
  settings { batch_size = 0 }
  source file s { path = "a" }
  sink null n from s {}
}
)PIPE",
     2, 27, Severity::Error, "option 'batch_size' must be between 1 and 1000000"},
    {"settings_duration",
     R"PIPE(pipeline p {
  settings { checkpoint_interval = "1s" }
  source file s { path = "a" }
  sink null n from s {}
}
)PIPE",
     2, 36, Severity::Error, "expects a duration"},
    {"option_not_constant",
     R"PIPE(pipeline p {
  source file s { path = name }
  sink null n from s {}
}
)PIPE",
     2, 26, Severity::Error, "option 'path' must be a constant, but 'name' reads a field"},
    {"secret_in_file",
     R"PIPE(pipeline p {
  source mysql m { host = "h" user = "u" password = "hunter2" server_id = 1 }
  sink null n from m {}
}
)PIPE",
     2, 53, Severity::Warning, "is a secret written in the file"},
    {"undefined_from",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  transform t from srcc { where a }
  sink null n from t {}
}
)PIPE",
     3, 20, Severity::Error,
     "'srcc' in from of transform 't' is not a stage of pipeline 'p'; did you mean 'src'?"},
    {"from_a_sink",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  sink null n from src {}
  transform t from n { where a }
  sink null m from t {}
}
)PIPE",
     4, 20, Severity::Error, "'n' is a sink: it has no output to read from"},
    {"cyclic_from",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  transform a from b { where x }
  transform b from a { where x }
  sink null n from b {}
}
)PIPE",
     4, 20, Severity::Error, "cycle in from: a -> b -> a"},
    {"self_cycle",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  transform a from src, a { where x }
  sink null n from a {}
}
)PIPE",
     3, 25, Severity::Error, "cycle in from: a -> a"},
    {"duplicate_stage",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  sink null n from src {}
  sink null n from src {}
}
)PIPE",
     4, 13, Severity::Error, "duplicate stage name 'n' (first defined at line 3)"},
    {"duplicate_pipeline",
     R"PIPE(pipeline p { source file s { path = "a" } sink null n from s {} }
pipeline p { source file s { path = "a" } sink null n from s {} }
)PIPE",
     2, 10, Severity::Error, "duplicate pipeline name 'p' (first defined at line 1)"},
    {"join_one_input",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  join j from src on id { select { id: id } }
  sink null n from j {}
}
)PIPE",
     3, 8, Severity::Error, "join 'j' needs at least two inputs"},
    {"join_without_key",
     R"PIPE(pipeline p {
  source file a { path = "a" }
  source file b { path = "b" }
  join j from a, b { select { id: a.id } }
  sink null n from j {}
}
)PIPE",
     4, 8, Severity::Error, "join 'j' needs its key: on KEY"},
    {"transform_with_on_keys",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  transform t from src on id { set x = 1 }
  sink null n from t {}
}
)PIPE",
     3, 27, Severity::Error, "transform 't' takes no `on` keys"},
    {"unknown_processor_kind",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  transfrom t from src { set x = 1 }
  sink null n from t {}
}
)PIPE",
     3, 3, Severity::Error, "unknown processor kind 'transfrom'; did you mean 'transform'?"},
    {"field_in_a_transform",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  transform t from src { total = amount * 2 }
  sink null n from t {}
}
)PIPE",
     3, 26, Severity::Error, "unknown option 'total' for transform 't'"},
    {"dead_letter_undefined",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  sink null n from src { dead_letter = dlqq }
  sink file dlq { path = "d" }
}
)PIPE",
     3, 40, Severity::Error,
     "dead_letter 'dlqq' is not a stage of pipeline 'p'; did you mean 'dlq'?"},
    {"dead_letter_not_sink",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a
    dead_letter = src
  }
  sink null out from t {}
}
)PIPE",
     5, 19, Severity::Error, "dead_letter 'src' is a source; dead letters go to a sink"},
    {"orphan_sink",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  sink null n from src {}
  sink null orphan {}
}
)PIPE",
     4, 13, Severity::Warning, "sink 'orphan' has no from and no stage names it as dead_letter"},
    {"buffer_below_two_batches",
     R"PIPE(pipeline p {
  source file src { path = "a" }
  sink postgres n from src { url = "u" table = "t" batch { rows = 20000 } buffer = 10000 }
}
)PIPE",
     3, 75, Severity::Warning,
     "buffer = 10000 holds less than two of this stage's batches (batch.rows = 20000)"},
    {"unknown_function",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = uper(name)
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "unknown function 'uper'; did you mean 'upper'?"},
    {"wrong_arity",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = substr(name)
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "substr() takes 2 to 3 arguments, got 1"},
    {"wrong_arity_many",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = lower(a, b)
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "lower() takes 1 argument, got 2"},
    {"upper_of_int",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = upper(3)
  }
  sink null out from t {}
}
)PIPE",
     4, 19, Severity::Error, "upper() expects a string as argument 1, got int"},
    {"int_plus_string",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where 1 + "a" == "1a"
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "cannot apply '+' to int and string"},
    {"compare_string_int",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where upper(a) == 1
  }
  sink null out from t {}
}
)PIPE",
     4, 20, Severity::Error, "cannot apply '==' to string and int"},
    {"and_of_int",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where true and 1
  }
  sink null out from t {}
}
)PIPE",
     4, 16, Severity::Error, "'and' needs bool operands"},
    {"not_of_string",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where not "x"
  }
  sink null out from t {}
}
)PIPE",
     4, 11, Severity::Error, "'not' needs a bool, got string"},
    {"where_not_bool",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where 1
  }
  sink null out from t {}
}
)PIPE",
     4, 11, Severity::Error, "where needs a bool condition, got int"},
    {"if_condition",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = if 1 then 2 else 3
  }
  sink null out from t {}
}
)PIPE",
     4, 16, Severity::Error, "'if' needs a bool condition, got int"},
    {"unknown_meta",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = @opp
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "unknown '@opp'; did you mean '@op'?"},
    {"meta_no_fields",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = @op.x
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "@op has no fields"},
    {"generate_fn_outside",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = seq()
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "seq() can only be used in the fields of a generate source"},
    {"env_per_record",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = env("A")
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "env() can only be used in options"},
    {"aggregate_outside",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = sum(amount)
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error,
     "aggregate function sum() can only be the whole value of an aggregate field"},
    {"aggregate_nested",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  aggregate t from src {
    group by k
    x = count() + sum(a)
  }
  sink null out from t {}
}
)PIPE",
     5, 17, Severity::Error, "aggregate field 'x' must be an aggregate function call"},
    {"non_aggregate_field",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  aggregate t from src {
    group by k
    total = upper(name)
  }
  sink null out from t {}
}
)PIPE",
     5, 13, Severity::Error, "aggregate field 'total' must be an aggregate function call"},
    {"aggregate_arity",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  aggregate t from src {
    group by k
    n = count(a, b)
  }
  sink null out from t {}
}
)PIPE",
     5, 9, Severity::Error, "count() takes 0 to 1 arguments, got 2"},
    {"aggregate_field_twice",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  aggregate t from src {
    group by k
    n = count()
    n = sum(a)
  }
  sink null out from t {}
}
)PIPE",
     6, 5, Severity::Error, "aggregate field 'n' is defined twice"},
    {"group_by_in_transform",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    group by x
  }
  sink null out from t {}
}
)PIPE",
     4, 5, Severity::Error, "group by is only allowed in an aggregate stage"},
    {"window_in_transform",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    window tumbling(1h) on ts
  }
  sink null out from t {}
}
)PIPE",
     4, 5, Severity::Error, "window is only allowed in an aggregate stage"},
    {"window_duration",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  aggregate t from src {
    group by k
    window tumbling(5) on ts
    n = count()
  }
  sink null out from t {}
}
)PIPE",
     5, 21, Severity::Error, "tumbling() needs a duration like 1h"},
    {"duplicate_object_field",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    select { a: 1, a: 2 }
  }
  sink null out from t {}
}
)PIPE",
     4, 20, Severity::Error, "field 'a' appears twice in this object"},
    {"generate_unknown_fn",
     R"PIPE(pipeline p {
  source generate g { fields { id = sequence() } }
  sink null n from g {}
}
)PIPE",
     2, 37, Severity::Error, "unknown function 'sequence'"},
    {"free_block_needs_block",
     R"PIPE(pipeline p {
  source generate g { fields = 3 }
  sink null n from g {}
}
)PIPE",
     2, 23, Severity::Error, "'fields' is a block"},
    {"decimal_too_long",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = 12345678901234567890123456789012345678901234567890123456789012345678901234567.5
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "has more than 76 digits"},
    {"int_too_large",
     R"PIPE(pipeline p {
  source generate g { count = 99999999999999999999 }
  sink null n from g {}
}
)PIPE",
     2, 31, Severity::Error, "is too large"},
    {"syntax_unterminated_string",
     R"PIPE(pipeline p {
  source file s { path = "abc }
  sink null n from s {}
}
)PIPE",
     2, 26, Severity::Error, "unterminated string", false},
    {"syntax_bad_char",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    where a ~ b
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "unexpected character '~'"},
    {"syntax_missing_value",
     R"PIPE(pipeline p {
  source file s { path = }
  sink null n from s {}
}
)PIPE",
     2, 26, Severity::Error, "unexpected '}', expected an expression"},
    {"syntax_stage_keyword",
     R"PIPE(pipeline p {
  stage file s { path = "a" }
}
)PIPE",
     2, 14, Severity::Error, "expected 'from' before 's' (read 'stage' as a processor kind"},
    {"syntax_bad_escape",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = "ab\q"
  }
  sink null out from t {}
}
)PIPE",
     4, 16, Severity::Error, "invalid escape '\\q' in string"},
    {"syntax_unterminated_name",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = `first name
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "unterminated `quoted name`"},
    {"syntax_bad_number",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = 5min
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "invalid number '5min': durations are written"},
    {"select_with_equals",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    select { a = 1 }
  }
  sink null out from t {}
}
)PIPE",
     4, 5, Severity::Error, "select takes an object with `name: expr` entries"},
    {"compile_division_by_zero",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = 1 / 0
  }
  sink null out from t {}
}
)PIPE",
     4, 15, Severity::Error, "division by zero"},
    {"compile_bad_regex",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = regex_match(a, "(")
  }
  sink null out from t {}
}
)PIPE",
     4, 28, Severity::Error, "invalid pattern"},
    {"unknown_source_field",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = @source.dbb
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "@source has no field 'dbb'; did you mean 'db'?"},
    {"unknown_meta_name",
     R"PIPE(pipeline p {
  source file src { path = "in.jsonl" }
  transform t from src {
    set x = @dbs + "." + @table
  }
  sink null out from t {}
}
)PIPE",
     4, 13, Severity::Error, "unknown '@dbs'; did you mean '@db'?"},
    {"key_map_entry_takes_a_list",
     R"PIPE(pipeline p {
  source mysql m { host = "h" user = "u" password = secret("P") server_id = 1
                   key { "bank.audit_log" = ["ts", "user_id"]  "bank.*_log" = "id" } }
  sink null n from m {}
}
)PIPE",
     3, 79, Severity::Error, "option 'bank.*_log' expects a list of strings"},
    {"syntax_missing_from",
     R"PIPE(pipeline p {
  source file s { path = "a" }
  transform t { where a }
}
)PIPE",
     3, 15, Severity::Error, "expected 'from'"},
    // Test blocks (issue 22): `sluice check` validates them too.
    {"test_of_unknown_pipeline",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shopp { expect s = [] }
)PIPE",
     5, 13, Severity::Error, "which this file does not define; did you mean 'shop'?"},
    {"test_unknown_stage",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { expect ss = [] }
)PIPE",
     5, 27, Severity::Error, "pipeline 'shop' has no stage 'ss'; did you mean 's'?"},
    {"test_input_to_a_sink",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input n = [ { a: 1 } ] expect n = [] }
)PIPE",
     5, 26, Severity::Error, "'n' is a sink and emits nothing"},
    {"test_record_not_an_object",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input s = [ { a: 1 }, 2 ] expect n = [] }
)PIPE",
     5, 42, Severity::Error, "each record is an object"},
    {"test_unknown_metadata",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input s = [ { @opp: "d", a: 1 } ] expect n = [] }
)PIPE",
     5, 32, Severity::Error, "unknown record metadata '@opp'; did you mean '@op'?"},
    {"test_bad_op",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input s = [ { @op: "x" } ] expect n = [] }
)PIPE",
     5, 32, Severity::Error, "@op is one of \"c\" \"u\" \"d\" \"r\" \"t\""},
    {"test_record_reads_a_field",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input s = [ { a: b } ] expect n = [] }
)PIPE",
     5, 37, Severity::Error, "must be a constant, but 'b'"},
    {"test_record_evaluation_error_at_its_column",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input s = [ { a: to_int("x") } ] expect n = [] }
)PIPE",
     5, 37, Severity::Error, "to_int(): string \"x\" is not an integer"},
    {"test_expects_nothing",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { input s = [ { a: 1 } ] }
)PIPE",
     5, 1, Severity::Error, "expects nothing"},
    {"test_dead_letter_count",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { expect_dead_letters n = -1 }
)PIPE",
     5, 44, Severity::Error, "expect_dead_letters takes a count"},
    {"test_duplicate_name",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  sink null n from s {}
}
test "t" of shop { expect n = [] }
test "t" of shop { expect n = [] }
)PIPE",
     6, 1, Severity::Error, "duplicate test name \"t\""},
    {"meta_key_outside_a_test",
     R"PIPE(pipeline shop {
  source file s { path = "a" }
  transform t from s { select { @op: "d", a: 1 } }
  sink null n from t {}
}
)PIPE",
     3, 33, Severity::Error, "only the records of a test block may"},
};

std::string dump(const Loaded& l) { return format(l); }

}  // namespace

BOOST_AUTO_TEST_SUITE(dsl_check)

BOOST_AUTO_TEST_CASE(error_table) {
  for (const auto& c : kCases) {
    BOOST_TEST_CONTEXT("case " << c.name) {
      Loaded l = testing::load(c.text);
      BOOST_TEST_INFO("report:\n" << dump(l));
      const Diagnostic* hit = nullptr;
      for (const auto& d : l.diags.items()) {
        if (d.line == c.line && d.col == c.col && d.severity == c.severity &&
            d.message.find(c.message) != std::string::npos) {
          hit = &d;
        }
      }
      BOOST_TEST(hit != nullptr, "expected " << severity_name(c.severity) << " at " << c.line << ":"
                                             << c.col << " containing \"" << c.message << "\"");
      // Exactly one problem per case: the checker does not pile up follow-on errors.
      size_t expected_errors = c.severity == Severity::Error ? 1 : 0;
      if (c.exact) BOOST_TEST(l.diags.error_count() == expected_errors);
      BOOST_TEST(l.ok() == (c.severity != Severity::Error));
      // The formatted report shows FILE:LINE:COL, the source line and a caret under the column.
      if (hit != nullptr) {
        std::string report = format(l);
        std::string head = "test.pipe:" + std::to_string(c.line) + ":" + std::to_string(c.col) +
                           ": " + severity_name(c.severity) + ": ";
        size_t at = report.find(head);
        BOOST_REQUIRE(at != std::string::npos);
        size_t eol = report.find('\n', at);
        size_t eol2 = report.find('\n', eol + 1);
        size_t eol3 = report.find('\n', eol2 + 1);
        std::string src_line = report.substr(eol + 1, eol2 - eol - 1);
        std::string caret = report.substr(eol2 + 1, eol3 - eol2 - 1);
        // the source line is the text's line c.line
        std::string text = c.text;
        size_t pos = 0;
        for (int i = 1; i < c.line; ++i) pos = text.find('\n', pos) + 1;
        BOOST_TEST(src_line == text.substr(pos, text.find('\n', pos) - pos));
        BOOST_TEST(caret == std::string(static_cast<size_t>(c.col - 1), ' ') + "^");
      }
    }
  }
}

// issue 15: `key` per table, and the list form for every table.
BOOST_AUTO_TEST_CASE(mysql_key_per_table_and_as_a_list) {
  for (const char* key : {R"(key { "bank.audit_log" = ["ts", "user_id"]  "bank.*_log" = ["id"] })",
                          R"(key = ["id"])"}) {
    std::string text = std::string(R"(pipeline p {
  source mysql m { host = "h" user = "u" password = secret("P") server_id = 1 )") +
                       key + R"( }
  sink null n from m {}
}
)";
    Loaded l = testing::load(text);
    BOOST_TEST(l.ok(), format(l));
  }
}

BOOST_AUTO_TEST_CASE(all_errors_in_one_run_sorted) {
  const char* text = R"(pipeline p {
  source file src { path = 3 }
  transform t from srcc {
    set x = uper(a)
    where 1
  }
  sink postgres o from t { url = "u" mode = upsrt }
}
)";
  Loaded l = testing::load(text);
  BOOST_TEST_INFO(format(l));
  const auto& d = l.diags.items();
  BOOST_REQUIRE_EQUAL(l.diags.error_count(), 6u);
  // sorted by position
  for (size_t i = 1; i < d.size(); ++i) {
    BOOST_TEST(
        (d[i - 1].line < d[i].line || (d[i - 1].line == d[i].line && d[i - 1].col <= d[i].col)));
  }
  BOOST_TEST(d[0].line == 2);
  BOOST_TEST(d[0].col == 28);  // path = 3
  BOOST_TEST(d[1].line == 3);  // srcc
  BOOST_TEST(d[1].col == 20);
  BOOST_TEST(d[2].line == 4);  // uper
  BOOST_TEST(d[3].line == 5);  // where 1
  BOOST_TEST(d[4].line == 7);  // missing table (at the stage name)
  BOOST_TEST(d[4].col == 17);
  BOOST_TEST(d[5].line == 7);  // upsrt
  std::string report = format(l);
  BOOST_TEST(report.find("6 errors generated.") != std::string::npos);
  BOOST_TEST(report.find("test.pipe:4:13: error: unknown function 'uper'; did you mean 'upper'?\n"
                         "    set x = uper(a)\n"
                         "            ^\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(all_syntax_errors_in_one_run) {
  const char* text =
      "pipeline p {\n"
      "  source file s { path = }\n"
      "  transform t from s { where a ~ b }\n"
      "  sink null n from t { x = \"unterminated }\n"
      "}\n";
  Loaded l = testing::load(text);
  BOOST_TEST_INFO(format(l));
  BOOST_TEST(l.diags.error_count() >= 3u);
  std::set<int> lines;
  for (const auto& d : l.diags.items()) lines.insert(d.line);
  BOOST_TEST(lines.count(2) == 1u);
  BOOST_TEST(lines.count(3) == 1u);
  BOOST_TEST(lines.count(4) == 1u);
}

BOOST_AUTO_TEST_CASE(caret_under_tabs_and_unicode) {
  Diagnostics d;
  d.error({1, 6}, "here");
  // tab kept in the caret line; "é" counts as one column
  std::string out = d.format("f.pipe",
                             "\t\xC3\xA9"
                             "abc x\n");
  BOOST_TEST(out ==
             "f.pipe:1:6: error: here\n\t\xC3\xA9"
             "abc x\n\t    ^\n");
}

BOOST_AUTO_TEST_CASE(unreadable_file) {
  Loaded l = load_file("/nonexistent/dir/x.pipe", testing::test_registry());
  BOOST_TEST(!l.ok());
  std::string report = format(l);
  BOOST_TEST(report.find("/nonexistent/dir/x.pipe: error: cannot read file") == 0u);
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_an_error_not_a_crash) {
  std::string text =
      "pipeline p {\n  source file s { path = \"(\" }\n  transform t from s { set x = " +
      std::string(5000, '(') + "1" + std::string(5000, ')') + " }\n}\n";
  Loaded l = testing::load(text);
  BOOST_TEST(!l.ok());
  BOOST_REQUIRE_EQUAL(l.diags.size(), 1u);
  BOOST_TEST(l.diags.items()[0].line == 3);
  BOOST_TEST(l.diags.items()[0].col == 31 + 99);  // the 99th "(": 101 brackets deep
  BOOST_TEST(l.diags.items()[0].message.find("nested") != std::string::npos);
  // 50 levels are fine
  std::string ok =
      "pipeline p {\n  source file s { path = \"a\" }\n  transform t from s { set x = " +
      std::string(50, '(') + "1" + std::string(50, ')') + " }\n  sink null n from t {}\n}\n";
  Loaded l2 = testing::load(ok);
  BOOST_TEST_INFO(format(l2));
  BOOST_TEST(l2.ok());
}

BOOST_AUTO_TEST_CASE(stage_type_without_operator) {
  SpecRegistry reg;
  reg.add(KindSpec{Role::Source, "file", "", {}, {}, {}});
  reg.add(KindSpec{Role::Sink, "null", "", {}, {}, {}});
  Loaded l = load_text("x.pipe",
                       "pipeline p {\n  source file s {}\n  aggregate a from s { n = count() }\n"
                       "  sink null n from a {}\n}\n",
                       reg);
  BOOST_TEST_INFO(format(l));
  BOOST_REQUIRE_EQUAL(l.diags.error_count(), 1u);
  BOOST_TEST(l.diags.items()[0].line == 3);
  BOOST_TEST(l.diags.items()[0].col == 3);
  BOOST_TEST(l.diags.items()[0].message.find("unknown processor kind 'aggregate'") == 0u);
}

// A processor is a registered kind with the shape of its body: a new one needs no grammar.
BOOST_AUTO_TEST_CASE(new_processor_kind_needs_no_grammar) {
  SpecRegistry reg;
  reg.add(KindSpec{Role::Source, "file", "", {}, {}, {}});
  reg.add(KindSpec{Role::Sink, "null", "", {}, {}, {}});
  KindSpec merge{Role::Processor, "merge_latest", "", {}, {}, {}};
  merge.shape.min_inputs = 2;
  merge.shape.keyed_on = true;
  merge.shape.input_names = true;
  reg.add(merge);
  Loaded ok = load_text("x.pipe",
                        "pipeline p {\n  source file a {}\n  source file b {}\n"
                        "  merge_latest m from a, b on id { set total = a.n + b.n }\n"
                        "  sink null n from m {}\n}\n",
                        reg);
  BOOST_TEST_INFO(format(ok));
  BOOST_TEST(ok.ok());
  const ast::Stage& m = ok.file.pipelines.at(0).stages.at(2);
  BOOST_TEST((m.type == ast::StageType::Processor));
  BOOST_TEST(m.kind == "merge_latest");
  BOOST_TEST(m.join_on.size() == 1u);
  Loaded one = load_text("x.pipe",
                         "pipeline p {\n  source file a {}\n"
                         "  merge_latest m from a on id { }\n  sink null n from m {}\n}\n",
                         reg);
  BOOST_REQUIRE_EQUAL(one.diags.error_count(), 1u);
  BOOST_TEST(one.diags.items()[0].message.find("merge_latest 'm' needs at least two inputs") == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_kind_keeps_dead_letter_reference) {
  Loaded l = testing::load(
      "pipeline p {\n  source file s { path = \"a\" }\n"
      "  sink kafka k from s { dead_letter = dlq }\n  sink file dlq { path = \"d\" }\n}\n");
  BOOST_REQUIRE_EQUAL(l.diags.size(), 1u);  // the unknown kind; no "dlq unused" warning
  BOOST_TEST(l.diags.items()[0].message.find("unknown sink kind 'kafka'") == 0u);
}

BOOST_AUTO_TEST_CASE(invalid_utf8) {
  Loaded l = testing::load("pipeline p {\n  source file s { path = \"a\xFF\" }\n}\n");
  BOOST_TEST(!l.ok());
  BOOST_REQUIRE(!l.diags.items().empty());
  BOOST_TEST(l.diags.items()[0].line == 2);
  BOOST_TEST(l.diags.items()[0].col == 28);
  BOOST_TEST(l.diags.items()[0].message.find("UTF-8") != std::string::npos);
}

// Two `source mysql` with one server_id on one server (OptionSpec::unique_with): the server
// would end one's binlog stream whenever the other connected. Another port or id, or a host
// the file does not spell out (env()), is not refused.
BOOST_AUTO_TEST_CASE(two_mysql_sources_with_one_server_id) {
  auto pipe = [](const std::string& b) {
    return R"(pipeline p {
  source mysql a { host = "db" user = "u" password = secret("P") server_id = 7 }
  )" + b + R"(
  sink null n from a, b {}
}
)";
  };
  const std::string rest = R"(user = "u" password = secret("P") )";
  Loaded same = testing::load(pipe(R"(source mysql b { host = "db" )" + rest + "server_id = 7 }"));
  BOOST_REQUIRE(!same.ok());
  BOOST_TEST(format(same).find("3:66: error: source mysql 'b': server_id 7 is already the one "
                               "of source mysql 'a' (line 2), with the same host db, port "
                               "3306: the server ends one binlog stream") != std::string::npos,
             format(same));
  for (const std::string& b :
       {R"(source mysql b { host = "db" port = 3307 )" + rest + "server_id = 7 }",
        R"(source mysql b { host = "db" )" + rest + "server_id = 8 }",
        R"(source mysql b { host = env("H") )" + rest + "server_id = 7 }"}) {
    Loaded l = testing::load(pipe(b));
    BOOST_TEST(l.ok(), format(l));
  }
}

BOOST_AUTO_TEST_CASE(valid_programs_are_not_rejected) {
  // Expressions whose types are only known at run time, env() in typed options, etc.
  const char* text = R"(pipeline p {
  settings { batch_size = env("BATCH", "1024") }
  source mysql m {
    host = env("H") user = "u" password = secret("P") server_id = env("SID")
    port = 3306 tables = ["a", env("T")] snapshot = "only"
  }
  transform t from m {
    where a + 1 > b and (c ?? false)
    where @op == "d" or @before.x is null
    set s = "ods." + @table
    set n = length(name) + 1
    set d = to_decimal(amount, 2) * 1.5
    set y = year(@ts)
    set c = concat("a", 1, null)
    set z = if x then 1 else null
    set m = round(1.234, 2)
    key @key
    require amount >= 0 else "negative"
    dead_letter = "dlq"
    on_error = dead_letter
  }
  sink postgres o from t { url = env("URL") table = "s." + @table metadata_columns = true }
  sink file dlq { path = "d" }
}
)";
  Loaded l = testing::load(text);
  BOOST_TEST_INFO(format(l));
  BOOST_TEST(l.diags.empty());
}

BOOST_AUTO_TEST_SUITE_END()

// An append sink behind an aggregate cannot be exactly once across crashes (its replay is not
// the same events): `sluice check` says so and names the fix.
BOOST_AUTO_TEST_SUITE(check_append_behind_derived)

BOOST_AUTO_TEST_CASE(append_behind_aggregate_warns) {
  const std::string head =
      "pipeline p {\n  source generate g { count = 10  fields { k = seq() } }\n"
      "  aggregate a from g {\n    group by k\n    n = count()\n  }\n"
      "  transform t from a { where n > 0 }\n";
  Loaded l = testing::load(head +
                           "  sink postgres out from t { url = \"postgresql://u@h/d\"  table = "
                           "\"x\"  mode = append }\n}\n");
  BOOST_TEST_INFO(format(l));
  BOOST_TEST(l.ok());
  BOOST_REQUIRE_EQUAL(l.diags.size(), 1u);
  BOOST_TEST(l.diags.items()[0].line == 8);
  BOOST_TEST(l.diags.items()[0].message.find("appends the output of aggregate 'a'") !=
             std::string::npos);
  BOOST_TEST(l.diags.items()[0].message.find("mode = upsert") != std::string::npos);
  Loaded up = testing::load(head +
                            "  sink postgres out from t { url = \"postgresql://u@h/d\"  table = "
                            "\"x\"  mode = upsert }\n}\n");
  BOOST_TEST_INFO(format(up));
  BOOST_TEST(up.diags.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
