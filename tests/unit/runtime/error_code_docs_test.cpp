// Every module's error codes: named, unique, with a kind and a message; the generated table of
// docs/language.md lists them all.
#include "runtime/error_code_docs.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "engine/core/errc.h"
#include "operators/postgres/errc.h"
#include "support/process.h"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(error_code_docs)

BOOST_AUTO_TEST_CASE(every_module_names_its_codes) {
  const auto& cats = runtime::error_categories();
  std::set<std::string> modules;
  for (const error_category* c : cats) {
    BOOST_REQUIRE(c != nullptr);
    BOOST_TEST(modules.insert(c->module).second, "module listed twice: " << c->module);
    BOOST_TEST(c->size > 0u);
    std::set<std::string> names;
    for (size_t i = 0; i < c->size; ++i) {
      const error_entry& e = c->entries[i];
      BOOST_TEST(names.insert(e.name).second, c->module << "." << e.name << " twice");
      BOOST_TEST(std::string(e.kind).size() > 0u, c->module << "." << e.name);
      BOOST_TEST(std::string(e.message).size() > 0u, c->module << "." << e.name);
    }
  }
  // Every module with an errc.h is in the table (delta's was missing until stop 48): the module
  // name is the one its errc.cpp gives SLUICE_ERRC_CATEGORY.
  size_t headers = 0;
  for (const char* layer :
       {"base", "cluster", "dsl", "engine", "operators", "reconcile", "runtime"}) {
    const std::filesystem::path dir = std::filesystem::path(test::source_dir()) / layer;
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
      if (f.path().filename() != "errc.h") continue;
      ++headers;
      std::ifstream in(f.path().parent_path() / "errc.cpp");
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      const size_t at = text.find('"', text.find("SLUICE_ERRC_CATEGORY("));
      BOOST_REQUIRE_MESSAGE(at != std::string::npos, f.path() << ": no SLUICE_ERRC_CATEGORY");
      const std::string module = text.substr(at + 1, text.find('"', at + 1) - at - 1);
      BOOST_TEST(modules.count(module) == 1u, f.path() << ": module " << module << " not listed");
    }
  }
  BOOST_TEST(headers == cats.size());
}

BOOST_AUTO_TEST_CASE(dead_letter_kinds_of_the_engine_codes) {
  BOOST_TEST(std::string(error_code(engine::errc::require_failed).kind()) == "require");
  BOOST_TEST(std::string(error_code(engine::errc::truncate_unsupported).kind()) == "truncate");
  BOOST_TEST(std::string(error_code(engine::errc::retries_exhausted).kind()) ==
             "retries_exhausted");
  BOOST_TEST(std::string(error_code(engine::errc::write_failed).kind()) == "write");
  BOOST_TEST(std::string(error_code(engine::errc::decode_failed).kind()) == "decode");
  BOOST_TEST(std::string(error_code(operators::postgres::errc::null_key).kind()) == "write");
}

BOOST_AUTO_TEST_CASE(the_reference_table_lists_every_code) {
  const std::string t = runtime::render_error_codes();
  BOOST_TEST(t.find("| `postgres.null_key` | `write` | a key column of the record is null |") !=
             std::string::npos);
  BOOST_TEST(t.find("| `eval.division_by_zero` | `eval` |") != std::string::npos);
  BOOST_TEST(t.find("| `engine.require_failed` | `require` |") != std::string::npos);
  size_t rows = 0;
  for (const error_category* c : runtime::error_categories()) rows += c->size;
  size_t lines = 0;
  for (char ch : t) lines += ch == '\n';
  BOOST_TEST(lines == rows + 2);  // header and separator
}

BOOST_AUTO_TEST_SUITE_END()
