// The function table is the source of the function reference in docs/language.md (`sluice
// docs`): every function and aggregate function has a doc and an example, every example
// parses and type-checks where such a call may stand, and every example whose result is shown
// evaluates to exactly that result.
#include <boost/test/unit_test.hpp>
#include <string>

#include "base/json.h"
#include "dsl/eval/expr.h"
#include "dsl/eval/functions.h"
#include "dsl/loader.h"
#include "operators/registry.h"

using namespace sluice;

namespace {

const dsl::SpecRegistry& specs() {
  static const dsl::SpecRegistry reg = operators::registry().specs();
  return reg;
}

// A pipeline in which `example` stands where a call of `f` may stand: option functions in a
// secret option, generate functions in a generate field, the others in a transform's `set`.
std::string pipeline_for(const eval::FunctionSpec& f) {
  std::string ex = f.example;
  if (f.option_only) {
    return "pipeline p {\n  source mysql m { host = \"h\"  user = \"u\"  server_id = 1  password "
           "= " +
           ex + " }\n  sink null n from m {}\n}\n";
  }
  if (f.generate_only) {
    return "pipeline p {\n  source generate g { count = 1  fields { x = " + ex +
           " } }\n  sink null n from g {}\n}\n";
  }
  return "pipeline p {\n  source generate g { count = 1 }\n  transform t from g {\n    set x = " +
         ex + "\n  }\n  sink null n from t {}\n}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(function_docs)

BOOST_AUTO_TEST_CASE(every_function_has_a_doc_and_an_example_that_checks) {
  BOOST_TEST(eval::functions().size() >= 30u);
  for (const auto& f : eval::functions()) {
    BOOST_TEST_CONTEXT(f.name) {
      const std::string doc = f.doc == nullptr ? "" : f.doc;
      const std::string example = f.example == nullptr ? "" : f.example;
      // The doc starts with the signature: "name(params): description".
      BOOST_TEST(doc.rfind(std::string(f.name) + "(", 0) == 0u, doc);
      BOOST_TEST(doc.find("): ") != std::string::npos, doc);
      BOOST_TEST(example.find(std::string(f.name) + "(") != std::string::npos, example);
      BOOST_REQUIRE(f.example_value != nullptr);
      dsl::Loaded l = dsl::load_text("example.pipe", pipeline_for(f), specs());
      BOOST_TEST(l.ok(), dsl::format(l));
      BOOST_TEST(l.diags.empty(), dsl::format(l));  // no warnings either
    }
  }
}

BOOST_AUTO_TEST_CASE(every_shown_result_is_what_the_example_evaluates_to) {
  int shown = 0;
  for (const auto& f : eval::functions()) {
    if (*f.example_value == '\0') {
      // Only the functions of time, randomness and the environment go without a result.
      BOOST_TEST((f.generate_only || f.option_only || std::string(f.name) == "now"), f.name);
      continue;
    }
    ++shown;
    BOOST_TEST_CONTEXT(f.name) {
      dsl::Loaded l = dsl::load_text("example.pipe", pipeline_for(f), specs());
      BOOST_REQUIRE(l.ok());
      const auto& st = l.file.pipelines.at(0).stages.at(1).statements.at(0);
      BOOST_REQUIRE(!st.exprs.empty());
      auto v = eval::eval_constant(*st.exprs[0]);
      BOOST_REQUIRE_MESSAGE(v.ok(), f.example << ": " << (v.ok() ? "" : v.err().message));
      BOOST_TEST(json::encode(v.value()) == std::string(f.example_value), f.example);
    }
  }
  BOOST_TEST(shown >= 20);
}

BOOST_AUTO_TEST_CASE(every_aggregate_function_has_a_doc_and_an_example_that_checks) {
  for (const auto& a : eval::aggregate_functions()) {
    BOOST_TEST_CONTEXT(a.name) {
      const std::string doc = a.doc == nullptr ? "" : a.doc;
      const std::string example = a.example == nullptr ? "" : a.example;
      BOOST_TEST(doc.rfind(std::string(a.name) + "(", 0) == 0u, doc);
      BOOST_TEST(example.find(std::string(a.name) + "(") != std::string::npos, example);
      // The windows' examples are a whole `window` statement; the others are a field's value.
      std::string line = example.rfind("window ", 0) == 0 ? example : "x = " + example;
      std::string text =
          "pipeline p {\n  source generate g { count = 1 }\n  aggregate a from g {\n"
          "    group by customer_id\n    " +
          line + "\n  }\n  sink null n from a {}\n}\n";
      dsl::Loaded l = dsl::load_text("example.pipe", text, specs());
      BOOST_TEST(l.ok(), dsl::format(l));
      BOOST_TEST(l.diags.empty(), dsl::format(l));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
