// Test helper: DuckDB as a reference reader (of the Parquet files of sink delta). Runs
// `node tests/duckdb/query.mjs "<SQL>"` from the source tree and returns its rows, a JSON array
// of objects (DuckDB's getRowObjectsJson: BIGINT, DECIMAL, DATE and TIMESTAMP values as text),
// parsed into a Value with base/json.h. The reader is installed by
// `npm ci --prefix tests/duckdb` (scripts/test.sh does it).
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "base/json.h"
#include "base/value.h"
#include "support/process.h"

namespace sluice::test {

// True when tests/duckdb/node_modules holds DuckDB's Node.js client.
inline bool duckdb_installed() {
  return std::filesystem::exists(source_dir() +
                                 "/tests/duckdb/node_modules/@duckdb/node-api/package.json");
}

// s as one word for /bin/sh: in single quotes, each ' as '\''.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// The rows of sql (a List of Objects). Throws std::runtime_error with DuckDB's message when the
// reader is missing or the query fails.
inline Value duckdb_query(const std::string& sql) {
  if (!duckdb_installed()) {
    throw std::runtime_error(
        "the DuckDB reader is not installed: run npm ci --prefix tests/duckdb");
  }
  TempDir dir;
  std::string err_path = dir.file("stderr");
  std::string cmd = "cd " + shell_quote(source_dir()) + " && node tests/duckdb/query.mjs " +
                    shell_quote(sql) + " 2>" + shell_quote(err_path);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("duckdb: " + read_file(err_path) + "(query: " + sql + ")");
  }
  auto rows = json::parse(out);
  if (!rows.ok() || rows->type() != Type::List) {
    throw std::runtime_error("duckdb: not a JSON array of rows: " + out.substr(0, 200));
  }
  return std::move(rows.value());
}

}  // namespace sluice::test
