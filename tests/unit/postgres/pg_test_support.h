// Shared helpers for the postgres sink tests: one private server for the whole executable,
// sink construction from options, event builders.
#pragma once
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/postgres/postgres_sink.h"
#include "support/postgres_server.h"

namespace sluice::pgtest {

test::PostgresServer& server();

struct ServerFixture {
  ServerFixture();
  ~ServerFixture();
};

// A URL with a password (trust auth ignores it): tests check it never leaks.
std::string url_with_password();
constexpr const char* kPassword = "s3cr3t-Pa55";

struct SinkOpts {
  std::string table;
  std::string mode = "upsert";
  std::vector<std::string> key;
  bool metadata = false;
  bool create_tables = true;
  int64_t rows = 1;  // flush every write by default
  int64_t delay_us = 0;
  bool adaptive = true;  // batch.adaptive: Sink::idle() flushes
  std::string stage = "ods";
  std::string url;  // default: url_with_password()
  const ast::Expr* table_expr = nullptr;
  int connections = 1;
  std::string copy = "binary";
  int64_t epoch = 0;  // cluster assignment epoch (0: `sluice run`, no fencing)
  // batch.pipelined: off here so that a test sees a full batch in the table when write()
  // returns; pg_sink_pipelined_test.cpp turns it on.
  bool pipelined = false;
  // The stage's dead_letter option: records the target refuses are dead-lettered and the rest
  // commits; "" (on_error = fail): the flush fails and nothing of it commits.
  std::string dead_letter = "dead";
};

StageConfig make_config(const SinkOpts& o);
// A sink opened with `state` ("" = a first start, else an engine checkpoint's state).
std::unique_ptr<operators::postgres::PostgresSink> open_sink(const SinkOpts& o,
                                                             const std::string& state = "");
// Writes the events; requires success and no dead letter.
void write_ok(operators::postgres::PostgresSink& s, std::vector<Event> evs);

Event ev(Op op, Object row, int64_t pos = 0, int64_t ts = 0);
Object row(std::initializer_list<std::pair<const char*, Value>> fields);
std::shared_ptr<const SourceMeta> meta(const std::string& table, std::vector<std::string> pk);

// psql -At output.
std::string q(const std::string& sql);

}  // namespace sluice::pgtest
