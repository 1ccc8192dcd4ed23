#include "operators/mysql/mysql_spec.h"

#include "operators/common/dead_letter_options.h"

namespace sluice::operators::mysql {
namespace {

// `tls { mode = verify_identity  ca = "ca.pem"  cert = "client-cert.pem"  key = "client-key.pem" }`
// for every connection of the source (docs/mysql.md "TLS").
void add_tls(BoundSpec<MySqlOptions>& k) {
  OptionSpec tls = option("tls", OptType::Block, "",
                          "TLS for every connection to the server (snapshot, metadata, binlog): "
                          "mode, and the PEM files ca, cert, key.");
  OptionSpec mode = enum_option(
      "mode", {"disabled", "preferred", "required", "verify_ca", "verify_identity"}, "preferred",
      "disabled: never TLS. preferred: TLS when the server offers it, else plain. required: TLS "
      "or fail (the certificate is not checked unless `ca` is given). verify_ca: TLS, the "
      "server's certificate signed by `ca`. verify_identity: as verify_ca, and the certificate "
      "names the host (CN or subjectAltName); without `ca` the system's CAs.");
  OptionSpec ca = option("ca", OptType::String, "",
                         "PEM file of the CA that signed the server's certificate; when given, "
                         "the certificate is checked against it in every mode but disabled.");
  OptionSpec cert = option("cert", OptType::String, "",
                           "PEM file of a client certificate (users created REQUIRE X509 or "
                           "REQUIRE SUBJECT); needs `key`.");
  OptionSpec key = option("key", OptType::String, "", "PEM file of the client certificate's key.");
  tls.children = {mode, ca, cert, key};
  using O = MySqlOptions;
  k.add(tls).bind({"tls", "mode"}, &O::tls_mode).bind({"tls", "ca"}, &O::tls_ca);
  k.bind({"tls", "cert"}, &O::tls_cert).bind({"tls", "key"}, &O::tls_key);
}

// host, user, password, server_public_key, tls, server_id, port.
void add_connection(BoundSpec<MySqlOptions>& k) {
  using O = MySqlOptions;
  OptionSpec server_id = option("server_id", OptType::Int, true, "",
                                "Replica id used on the binlog connection; unique among the "
                                "server's replicas and other CDC readers.");
  server_id.min = 1;
  server_id.max = 4294967295LL;
  server_id.unique_with = {"host", "port"};
  server_id.unique_why =
      "the server ends one binlog stream whenever the other source connects with its "
      "server_id, so the two would take the stream from each other; give each its own";
  OptionSpec port = option("port", OptType::Int, false, "3306", "TCP port.");
  port.min = 1;
  port.max = 65535;
  k.add(option("host", OptType::String, true, "",
               "Server host name or address; several as \"primary:3306, replica:3307\" (in "
               "order of preference: on a lost server the source continues on the next one "
               "by GTID). Always reached over TCP at its port, \"localhost\" too (never a Unix "
               "socket)."),
        &O::host);
  k.add(option("user", OptType::String, true, "", "User name."), &O::user);
  k.add(option("password", OptType::Secret, true, "",
               "Password: use secret(\"NAME\") or env(\"NAME\")."),
        &O::password);
  k.add(option("server_public_key", OptType::String, false, "",
               "MySQL 8 caching_sha2_password without TLS: path of the server's RSA public key "
               "(PEM) to encrypt the password with; when empty it is requested from the server."),
        &O::server_public_key);
  add_tls(k);
  k.add(server_id, &O::server_id).add(port, &O::port);
}

// snapshot { mode method parallelism watermark rows_per_second } and start.
void add_snapshot(BoundSpec<MySqlOptions>& k) {
  using O = MySqlOptions;
  const std::vector<std::string> modes = {"initial", "never", "only"};
  OptionSpec snapshot =
      enum_option("snapshot", modes, "initial",
                  "initial: snapshot the tables, then stream. never: stream only (from "
                  "`start`). only: snapshot, then end. As a block, `snapshot { mode = initial  "
                  "method = lock_free  parallelism = 4 }` also says how the tables are read.");
  OptionSpec method = enum_option(
      "method", {"lock_free", "consistent"}, "lock_free",
      "lock_free: the binlog streams from the start while tables are read in key-range chunks, "
      "each in a short consistent view placed among the changes by its binlog position "
      "(MariaDB) or by watermark rows in `signal_table` (MySQL 8; see `watermark`): no lock, "
      "no long transaction. consistent: one REPEATABLE READ view for the whole snapshot, "
      "streaming after it (MySQL: a brief global read lock, RELOAD). `snapshot = only` always "
      "reads one consistent view.");
  OptionSpec parallelism = option("parallelism", OptType::Int, "1",
                                  "lock_free: chunks read at a time (one connection each), "
                                  "across and within tables.");
  parallelism.min = 1;
  parallelism.max = 64;
  OptionSpec rows_per_second = option(
      "rows_per_second", OptType::Int, "0",
      "Most rows the snapshot reads a second, over every table and chunk (0: no limit): spares "
      "a busy server's CPU and disks, at the price of a longer snapshot. Paces whole chunks "
      "(lock_free: the next chunk waits; consistent: the next page), so a chunk itself is read "
      "at full speed.");
  rows_per_second.min = 0;
  OptionSpec watermark = enum_option(
      "watermark", {"auto", "view", "signal_table"}, "auto",
      "lock_free: how each chunk is placed among the changes. view: the binlog position of the "
      "chunk's consistent view (MariaDB reports it). signal_table: watermark rows written into "
      "`signal_table` before and after the chunk's read (any server, MySQL 8 and managed ones; "
      "needs INSERT and DELETE on that table). auto: view where the server reports it, else "
      "signal_table when `signal_table` is set, else method = consistent.");
  snapshot.children = {enum_option("mode", modes, "initial", "As `snapshot = MODE`."), method,
                       parallelism, watermark, rows_per_second};
  OptionSpec start = option("start", OptType::Any, false, "latest",
                            "Where streaming starts when snapshot = never: earliest | latest | "
                            "\"FILE:POS\" | gtid(\"0-1-42\"). Ignored on a restart (the "
                            "checkpoint wins).");
  start.enum_values = {"earliest", "latest"};  // taken bare, besides the quoted forms
  k.add(snapshot, &O::snapshot).add(start);
  k.bind({"snapshot", "method"}, &O::snapshot_method);
  k.bind({"snapshot", "parallelism"}, &O::snapshot_parallelism);
  k.bind({"snapshot", "watermark"}, &O::snapshot_watermark);
  k.bind({"snapshot", "rows_per_second"}, &O::snapshot_rows_per_second);
}

// heartbeat, reconnect_timeout, schema_changes, partition_changes, table_rewrites.
void add_streaming(BoundSpec<MySqlOptions>& k) {
  using O = MySqlOptions;
  OptionSpec heartbeat = option("heartbeat", OptType::Duration, false, "1s",
                                "Server heartbeat period on an idle binlog connection (a dead "
                                "connection is detected after 3 missed heartbeats).");
  heartbeat.min = 1000;
  OptionSpec reconnect = option("reconnect_timeout", OptType::Duration, false, "10m",
                                "How long the binlog connection may stay lost (reconnecting "
                                "with backoff, shown in status and /metrics) before the source "
                                "fails.");
  reconnect.min = 1000;
  OptionSpec schema =
      enum_option("schema_changes", {"follow", "fail", "ignore"}, "follow",
                  "DDL on a captured table (ALTER/RENAME/TRUNCATE/CREATE/DROP): follow "
                  "(rows after it decode with the new columns; TRUNCATE TABLE emits a "
                  "truncate event, @op \"t\"), fail (stop with an error naming the "
                  "statement) or ignore.");
  OptionSpec partitions = enum_option(
      "partition_changes", {"reread", "warn"}, "reread",
      "ALTER TABLE ... TRUNCATE / DROP / EXCHANGE / CONVERT PARTITION adds or removes rows the "
      "binlog does not list. reread: a truncate event for each captured table it changed, then "
      "the table is read again while streaming goes on, so the target ends equal to it "
      "(snapshot { method = lock_free }). warn: a warning naming the statement; the target "
      "keeps the rows it had.");
  OptionSpec rewrites = enum_option(
      "table_rewrites", {"reread", "warn"}, "reread",
      "DDL that changes the values of rows a captured table had, which the binlog does not "
      "list: a column added with a default (or NOT NULL, or generated), renamed, retyped other "
      "than widened, or made NOT NULL; a table swapped in by RENAME TABLE (gh-ost, "
      "pt-online-schema-change, load-then-swap) or replaced by CREATE OR REPLACE. reread: the "
      "table is read again while streaming goes on (a table swapped in or replaced gets a "
      "truncate event first), so the target ends "
      "equal to it (snapshot { method = lock_free }; needs schema_changes = follow). warn: a "
      "warning naming the statement and the columns.");
  k.add(heartbeat, &O::heartbeat_us);
  k.add(reconnect, &O::reconnect_timeout_us).add(schema, &O::schema_changes);
  k.add(partitions, &O::partition_changes).add(rewrites, &O::table_rewrites);
}

BoundSpec<MySqlOptions> make_spec() {
  BoundSpec<MySqlOptions> k(
      dsl::Role::Source, "mysql",
      "Change data capture from MySQL 8 or MariaDB: a consistent snapshot of the chosen tables "
      "(op \"r\") followed by every committed change from the binlog (c/u/d with before "
      "images), exact types, resumable at any point. The server needs log_bin, "
      "binlog_format=ROW and binlog_row_image=FULL; the user needs SELECT, REPLICATION SLAVE "
      "and REPLICATION CLIENT.");
  using O = MySqlOptions;
  add_connection(k);
  k.add(option("database", OptType::String, false, "",
               "Default database for unqualified names in `tables` (all databases when empty)."),
        &O::database);
  k.add(option("tables", OptType::StringList, false, "",
               "Tables to capture: \"name\" (in `database`), \"db.name\", patterns \"bank.*\"; "
               "all tables of `database` when empty."),
        &O::tables);
  add_snapshot(k);
  add_streaming(k);
  k.add(option("key", OptType::ListMap, false, "",
               "Key columns for tables without a primary key: a list for every such table, or "
               "per table `key { \"bank.audit_log\" = [\"ts\", \"user_id\"]  \"bank.*_log\" = "
               "[\"id\"] }` (a name without wildcards wins, then the first pattern that "
               "matches). Tables without one carry a null key."),
        &O::key);
  OptionSpec chunk = option("chunk_rows", OptType::Int, false, "10000",
                            "Rows per snapshot query (keyset pagination on the primary key).");
  chunk.min = 1;
  k.add(chunk, &O::chunk_rows);
  k.add(option("signal_table", OptType::String, false, "",
               "\"db.table\" whose inserted rows are snapshot signals, Debezium's shape (id "
               "VARCHAR(42) PRIMARY KEY, type VARCHAR(32), data VARCHAR(2048)): type "
               "'execute-snapshot' with data '{\"data-collections\": [\"db.t\"]}' re-reads "
               "those tables while streaming goes on (snapshot { method = lock_free }); "
               "'stop-snapshot' stops that. Its rows are never emitted."),
        &O::signal_table);
  k.add(option("include_query", OptType::Bool, "false",
               "Each change carries the statement that made it (Debezium's include.query: "
               "`source.query` of format debezium): MariaDB sends its binlog annotations "
               "(binlog_annotate_row_events, on by default) when asked; MySQL writes them with "
               "binlog_rows_query_log_events = ON. Without them the query stays null."),
        &O::include_query);
  add_dead_letter_options(
      k,
      "the changes that cannot be applied as rows: a captured table's change logged as a "
      "statement (mysql.statement_change), a row lacking columns (binlog_row_image MINIMAL / "
      "NOBLOB in its session, mysql.partial_row) and a row whose JSON value does not parse or "
      "holds a number nothing here keeps exactly (mysql.bad_json); docs/mysql.md",
      "Such a change: dead_letter (default when dead_letter is set) | fail (default otherwise: "
      "the pipeline stops naming it) | skip (counted).");
  return k;
}

}  // namespace

const BoundSpec<MySqlOptions>& bound_source_spec() { return built_once<make_spec>(); }

}  // namespace sluice::operators::mysql
