#include "dsl/test_checker.h"

#include <map>
#include <set>
#include <vector>

#include "dsl/eval/expr.h"
#include "dsl/expr_checker.h"
#include "dsl/suggest.h"

namespace sluice::dsl {
namespace {

const std::vector<std::string> kMetaKeys = {"@op", "@before", "@key", "@table", "@db", "@ts"};

std::string where(ast::Loc loc) { return "line " + std::to_string(loc.line); }

class TestChecker {
 public:
  explicit TestChecker(Diagnostics& diags) : diags_(diags), exprs_(diags) {}

  void file(const ast::File& f) {
    std::map<std::string, ast::Loc> names;
    for (const auto& t : f.tests) {
      auto [it, fresh] = names.emplace(t.name, t.loc);
      if (t.name.empty()) diags_.error(t.loc, "a test needs a name: test \"what it shows\" of P");
      if (!fresh && !t.name.empty()) {
        diags_.error(t.loc, "duplicate test name \"" + t.name + "\" (first at " +
                                where(it->second) + "); test names must be unique in a file");
      }
      test(f, t);
    }
  }

 private:
  void test(const ast::File& f, const ast::TestBlock& t) {
    const ast::Pipeline* p = nullptr;
    std::vector<std::string> pipelines;
    for (const auto& cand : f.pipelines) {
      pipelines.push_back(cand.name);
      if (cand.name == t.pipeline.name) p = &cand;
    }
    if (p == nullptr) {
      diags_.error(t.pipeline.loc, "test \"" + t.name + "\" is of pipeline '" + t.pipeline.name +
                                       "', which this file does not define" +
                                       did_you_mean(t.pipeline.name, pipelines));
      return;
    }
    bool expects = false;
    std::set<std::pair<int, std::string>> seen;
    for (const auto& s : t.stmts) {
      expects = expects || s.kind != ast::TestStmtKind::Input;
      const ast::Stage* st = stage_of(*p, s.stage);
      if (st == nullptr) continue;
      if (!seen.insert({static_cast<int>(s.kind), s.stage.name}).second) {
        diags_.error(s.loc, std::string(keyword(s.kind)) + " " + s.stage.name +
                                " appears twice in this test");
      }
      statement(s, *st);
    }
    if (!expects) {
      diags_.error(t.loc, "test \"" + t.name +
                              "\" expects nothing: add `expect STAGE = [...]` or "
                              "`expect_dead_letters STAGE = N`");
    }
  }

  static const char* keyword(ast::TestStmtKind k) {
    switch (k) {
      case ast::TestStmtKind::Input:
        return "input";
      case ast::TestStmtKind::Expect:
        return "expect";
      case ast::TestStmtKind::ExpectDeadLetters:
        return "expect_dead_letters";
    }
    return "?";
  }

  const ast::Stage* stage_of(const ast::Pipeline& p, const ast::NameRef& ref) {
    std::vector<std::string> names;
    for (const auto& st : p.stages) {
      if (st.name == ref.name) return &st;
      names.push_back(st.name);
    }
    diags_.error(ref.loc, "pipeline '" + p.name + "' has no stage '" + ref.name + "'" +
                              did_you_mean(ref.name, names) + " (stages: " + join_names(names) +
                              ")");
    return nullptr;
  }

  void statement(const ast::TestStmt& s, const ast::Stage& st) {
    if (s.kind == ast::TestStmtKind::Input && st.type == ast::StageType::Sink) {
      diags_.error(s.stage.loc, "'" + st.name +
                                    "' is a sink and emits nothing: give the records to a stage "
                                    "it reads from, and use `expect " +
                                    st.name + " = [...]` for what it receives");
      return;
    }
    if (s.kind == ast::TestStmtKind::ExpectDeadLetters) {
      const auto& v = *s.value;
      if (v.kind != ast::ExprKind::Literal || v.unit != ast::LitUnit::None ||
          v.literal.type() != Type::Int || v.literal.as_int() < 0) {
        diags_.error(v.loc, "expect_dead_letters takes a count: a whole number like 0 or 2");
      }
      return;
    }
    records(*s.value);
  }

  void records(const ast::Expr& e) {
    if (e.kind != ast::ExprKind::ListLit) {
      diags_.error(e.loc, "records are written as a list of objects: [ { id: 1 }, { id: 2 } ]");
      return;
    }
    ExprScope scope;
    scope.per_record = false;
    scope.meta_keys = true;
    scope.what = "a test record";
    for (const auto& item : e.args) {
      if (item->kind != ast::ExprKind::ObjectLit) {
        diags_.error(item->loc, "each record is an object: { field: value, ... }");
        continue;
      }
      size_t before = diags_.error_count();
      exprs_.check(*item, scope);
      if (diags_.error_count() != before) continue;
      auto v = eval::eval_constant(*item);
      if (!v) {
        exprs_.report_compile_error(item->loc, v.err().message);
      } else if (std::string err = test_record_error(v->as_object()); !err.empty()) {
        diags_.error(item->loc, err);
      }
    }
  }

  Diagnostics& diags_;
  ExprChecker exprs_;
};

}  // namespace

std::string test_record_error(const Object& record) {
  for (const auto& field : record.fields()) {
    const std::string& name = sym_name(field.name);
    const Value& value = field.value;
    if (name.empty() || name[0] != '@') continue;
    bool known = false;
    for (const auto& k : kMetaKeys) known = known || k == name;
    if (!known) {
      return "unknown record metadata '" + name + "'" + did_you_mean(name, kMetaKeys) +
             " (test records may set " + join_names(kMetaKeys) + ")";
    }
    if (name == "@op") {
      bool ok = value.type() == Type::String && value.as_string().size() == 1 &&
                std::string("curdt").find(value.as_string()[0]) != std::string::npos;
      if (!ok) return "@op is one of \"c\" \"u\" \"d\" \"r\" \"t\"";
    } else if (name == "@before" && value.type() != Type::Object) {
      return "@before is the row before an update: an object { field: value, ... }";
    } else if ((name == "@table" || name == "@db") && value.type() != Type::String) {
      return name + " is a string";
    } else if (name == "@ts" && value.type() != Type::Timestamp) {
      return "@ts is a timestamp: to_timestamp(\"2024-02-29T13:45:59Z\")";
    }
  }
  return {};
}

void check_tests(const ast::File& file, Diagnostics& diags) {
  TestChecker c(diags);
  c.file(file);
}

}  // namespace sluice::dsl
