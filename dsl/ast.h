// The abstract syntax tree of a .pipe file (DSL.md). Built from the ANTLR parse tree by
// ast_builder; checked by checker; compiled by eval/ and the operators.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/value.h"

namespace sluice::ast {

struct Loc {
  int line = 0;  // 1-based
  int col = 0;   // 1-based
};

enum class ExprKind : uint8_t {
  Literal,    // value (+ unit for durations/sizes/rates)
  Field,      // bare path: balance, address.city, `first name`, stage.field (joins)
  Meta,       // @op @before.x @source.db @table @ts @position @key
  Unary,      // op: "not", "-"
  Binary,     // op: * / % + - == != < <= > >= and or ??
  In,         // lhs in [items]
  IsNull,     // lhs is null / is not null (negated)
  If,         // if c then a else b
  Call,       // name(args)
  ListLit,    // [a, b]
  ObjectLit,  // { name: expr, ... }
};

enum class LitUnit : uint8_t { None, Duration, Size, Rate };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct ObjectEntry {
  std::string name;  // "@op" for `@op: ...` (meta = true)
  Loc loc;
  ExprPtr value;
  bool meta = false;  // written `@name:` (only test records may: docs/testing.md)
};

struct Expr {
  ExprKind kind = ExprKind::Literal;
  Loc loc;
  // Literal: the value. Duration: Int micros. Size: Int bytes. Rate: Int count per
  // `rate_period_us`.
  Value literal;
  LitUnit unit = LitUnit::None;
  int64_t rate_period_us = 0;
  // Field: path segments. Meta: name without '@' in path[0], then sub-path (@before.balance =
  // {"before","balance"}, @source.db = {"source","db"}).
  std::vector<std::string> path;
  // Unary/Binary operator text, Call function name (lower-case as written).
  std::string op;
  bool negated = false;  // IsNull: "is not null"
  std::vector<ExprPtr>
      args;  // Unary:1, Binary:2, In: lhs then items, IsNull:1, If:3, Call, ListLit
  std::vector<ObjectEntry> entries;  // ObjectLit (values may themselves be ObjectLit: nesting)
};

// `name = expr` or `name { nested options }`.
struct Option {
  std::string name;
  Loc loc;
  ExprPtr value;              // null for blocks
  std::vector<Option> block;  // nested options for blocks (batch { rows = 2000 delay = 100ms })
  bool is_block = false;
};

enum class StmtKind : uint8_t {
  Where,     // expr
  Set,       // target path, expr
  Drop,      // paths
  Keep,      // paths
  Rename,    // paths[0] to paths[1]
  Select,    // expr (ObjectLit)
  Flatten,   // paths[0], prefix (may be empty)
  Key,       // exprs
  Require,   // expr, message
  GroupBy,   // exprs (aggregate)
  AggField,  // `name = expr` in a processor body, not an option: a field (path[0]) of an
             // aggregating processor; the checker refuses it elsewhere
  Window,    // window tumbling(D) on FIELD: exprs[0] = the call tumbling(D), paths[0] = field
};

struct Path {
  std::vector<std::string> segments;
  Loc loc;
};

struct Statement {
  StmtKind kind = StmtKind::Where;
  Loc loc;
  std::vector<Path> paths;
  std::vector<ExprPtr> exprs;
  std::string prefix;   // Flatten
  std::string message;  // Require
};

// A processor's kind ("transform", "aggregate", "join", ...) is a name registered like a
// source's or a sink's, not a keyword of the grammar.
enum class StageType : uint8_t { Source, Processor, Sink };
const char* stage_type_name(StageType t);  // "source", "processor", "sink"

// The option `name` among `options` (a stage's or a block's); nullptr when absent.
const Option* find_option(const std::vector<Option>& options, const std::string& name);
// The value of a constant integer option (`buffer = 5000`); nullopt when `o` is null, a block
// or anything but an integer literal.
std::optional<int64_t> literal_int(const Option* o);

struct NameRef {
  std::string name;
  Loc loc;
};

struct Stage {
  StageType type = StageType::Processor;
  std::string kind;  // "mysql", "file", "transform", "join", ...
  Loc kind_loc;
  std::string name;
  Loc loc;  // of the stage keyword
  Loc name_loc;
  std::vector<NameRef> from;
  std::vector<ExprPtr> join_on;       // `on KEY, ...` of a processor (join)
  std::vector<Option> options;        // options (incl. shared ones: buffer, retry, dead_letter...)
  std::vector<Statement> statements;  // transform/aggregate/join statements, in order
};

// What messages call a stage: "source", "sink", or a processor's kind ("transform").
std::string stage_label(const Stage& s);
// "source mysql 'orders'", "transform 'clean'", "sink postgres 'ods'".
std::string describe(const Stage& s);

struct Pipeline {
  std::string name;
  Loc loc;
  std::vector<Option> settings;
  Loc settings_loc;
  std::vector<Stage> stages;
};

// One statement of a test block (docs/testing.md).
enum class TestStmtKind : uint8_t {
  Input,             // input STAGE = [records]: replaces what STAGE emits
  Expect,            // expect STAGE = [records]: the records leaving STAGE, in order
  ExpectDeadLetters  // expect_dead_letters STAGE = N
};

struct TestStmt {
  TestStmtKind kind = TestStmtKind::Input;
  Loc loc;
  NameRef stage;
  ExprPtr value;  // a list literal of object literals, or an integer (ExpectDeadLetters)
};

// `test "name" of PIPELINE { ... }`: a pipeline unit test run by `sluice test`.
struct TestBlock {
  std::string name;
  Loc loc;
  NameRef pipeline;
  std::vector<TestStmt> stmts;
};

struct File {
  std::string path;  // as given on the command line
  std::string text;  // the whole source (for error carets)
  std::vector<Pipeline> pipelines;
  std::vector<TestBlock> tests;
};

}  // namespace sluice::ast
