// The tests' reference reader: runs one SQL statement in an in-memory DuckDB and prints the
// result rows as one JSON array of objects (getRowObjectsJson: BIGINT, DECIMAL, DATE and
// TIMESTAMP values as text) on stdout. Exit 1 with DuckDB's message on stderr on an error.
// Usage: node tests/duckdb/query.mjs "SELECT * FROM read_parquet('f.parquet')"
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  process.stderr.write('usage: node query.mjs "<SQL>"\n');
  process.exit(2);
}
try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(sql);
  process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + '\n');
  connection.closeSync();
  instance.closeSync();
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
