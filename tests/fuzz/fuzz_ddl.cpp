// DDL statements of binlog QUERY events (operators/mysql/ddl_apply.cpp apply_ddl, with the
// statement classifier ddl_statement.cpp parse_ddl) applied to a table model holding a few
// tables, and the model's checkpoint text (table_model_codec.cpp SchemaModel::decode): the
// input is both a statement and a model text. Every table of the changed model is described
// (describe_model) and its text must decode back to an equal model. An error result or a
// statement left "not understood" is fine; a crash, sanitizer report, exception or broken round
// trip is not.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "operators/mysql/ddl_apply.h"
#include "operators/mysql/ddl_statement.h"

namespace {

using sluice::operators::mysql::SchemaModel;

SchemaModel seeded() {
  SchemaModel m;
  m.put_database("db", "utf8mb4");
  (void)sluice::operators::mysql::apply_ddl(
      m,
      "CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, s VARCHAR(20) CHARACTER SET "
      "latin1 DEFAULT 'x', d DECIMAL(65,30), e ENUM('a','b') NOT NULL, PRIMARY KEY (id, e))",
      "db");
  (void)sluice::operators::mysql::apply_ddl(m, "CREATE TABLE u LIKE t", "db");
  return m;
}

void check_round_trip(const SchemaModel& m) {
  const std::string text = m.encode();
  auto back = SchemaModel::decode(text);
  if (!back.ok() || back->encode() != text) {
    std::fprintf(stderr, "model text does not decode to itself: %s\n", text.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  (void)sluice::operators::mysql::parse_ddl(input, "db");
  SchemaModel m = seeded();
  (void)sluice::operators::mysql::apply_ddl(m, input, "db");
  for (const auto& [db, charset] : m.databases()) {
    for (const auto& table : m.tables_of(db)) {
      (void)sluice::operators::mysql::describe_model(*m.find(db, table));
    }
  }
  check_round_trip(m);
  auto decoded = SchemaModel::decode(input);
  if (decoded.ok()) check_round_trip(*decoded);
  return 0;
}
