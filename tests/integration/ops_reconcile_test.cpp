// sluice reconcile: a MySQL (MariaDB) -> PostgreSQL pipeline is run, the ODS is damaged on
// purpose (a row deleted, one changed, one added), reconcile finds exactly those rows and
// --repair restores them through the pipeline's sink.
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "support/mariadb_server.h"
#include "support/postgres_server.h"
#include "support/process.h"

using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

PostgresServer& recon_pg() {
  static PostgresServer s(false);
  return s;
}

struct Fixture {
  TempDir dir;
  std::string db;
  std::vector<std::string> env{"RECON_PW=sluice-pw"};

  // `name`: the pipeline's, and with the process id the database's and the target schema's.
  explicit Fixture(const std::string& name = "recon")
      : db(name + "_" + std::to_string(::getpid())) {
    auto& my = MariaDbServer::shared();
    my.exec("DROP DATABASE IF EXISTS " + db);
    my.exec("CREATE DATABASE " + db);
    my.exec("CREATE TABLE " + db +
            ".accounts (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(15,2) "
            "NOT NULL, "
            "opened DATE NOT NULL, updated DATETIME(6) NOT NULL, seen TIMESTAMP(6) NULL, "
            "status ENUM('open','closed') NOT NULL, vip TINYINT(1) NOT NULL, note TEXT NULL)");
    my.exec("INSERT INTO " + db +
            ".accounts SELECT seq, CONCAT('name-', seq), seq * 1.25, DATE_ADD('2020-01-01', "
            "INTERVAL seq DAY), "
            "TIMESTAMPADD(MICROSECOND, seq * 1000, '2024-02-29 10:00:00'), "
            "IF(seq % 3 = 0, NULL, TIMESTAMPADD(SECOND, seq, '2024-03-01 00:00:00.5')), "
            "IF(seq % 2 = 0, 'open', 'closed'), seq % 2, IF(seq % 5 = 0, NULL, 'x') FROM " +
            db + ".seq_1_to_250");
    my.exec("CREATE TABLE " + db +
            ".pairs (a INT, b VARCHAR(10), v INT NOT NULL, PRIMARY KEY (a, b))");
    my.exec("INSERT INTO " + db + ".pairs SELECT seq % 7, CONCAT('k', seq), seq FROM " + db +
            ".seq_1_to_40");
    recon_pg().psql("CREATE SCHEMA IF NOT EXISTS " + db);
    write_file(dir.file("p.pipe"), "pipeline " + name +
                                       " {\n"
                                       "  settings { state_dir = \"" +
                                       dir.file("state") +
                                       "\" }\n"
                                       "  source mysql src {\n"
                                       "    host = \"127.0.0.1\"\n"
                                       "    port = " +
                                       std::to_string(my.port()) +
                                       "\n"
                                       "    user = \"sluice\"\n"
                                       "    password = secret(\"RECON_PW\")\n"
                                       "    server_id = 7301\n"
                                       "    database = \"" +
                                       db +
                                       "\"\n"
                                       "    tables = [\"accounts\", \"pairs\"]\n"
                                       "    snapshot = initial\n"
                                       "  }\n"
                                       "  sink postgres ods from src {\n"
                                       "    url = \"" +
                                       recon_pg().url() +
                                       "\"\n"
                                       "    table = \"" +
                                       db +
                                       ".\" + @table\n"
                                       "    mode = upsert\n"
                                       "    create_tables = true\n"
                                       "  }\n"
                                       "}\n");
  }
  ProcResult reconcile(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"reconcile", dir.file("p.pipe")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_sluice(args, env, "", 120s);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_reconcile)

BOOST_AUTO_TEST_CASE(finds_and_repairs_damage) {
  Fixture f;
  auto run = run_sluice({"run", f.dir.file("p.pipe"), "--exit-when-idle", "2s", "--quiet"}, f.env,
                        "", 120s);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  BOOST_REQUIRE_EQUAL(recon_pg().psql("SELECT count(*) FROM " + f.db + ".accounts"), "250");

  auto clean = f.reconcile({"--chunk", "50"});
  BOOST_TEST(clean.exit_code == 0, clean.out << clean.err);
  BOOST_TEST(clean.out.find(".accounts -> " + f.db +
                            ".accounts (sink ods): 250 source rows, 250 target rows, "
                            "0/6 chunks differ: in sync") != std::string::npos,
             clean.out);
  BOOST_TEST(clean.out.find(".pairs -> " + f.db +
                            ".pairs (sink ods): 40 source rows, 40 target rows, 0/1 chunks "
                            "differ: in sync") != std::string::npos,
             clean.out);

  const std::string before42 =
      recon_pg().psql("SELECT balance FROM " + f.db + ".accounts WHERE id = 42");
  recon_pg().psql("DELETE FROM " + f.db + ".accounts WHERE id = 7");
  recon_pg().psql("UPDATE " + f.db + ".accounts SET balance = balance + 0.01 WHERE id = 42");
  recon_pg().psql("UPDATE " + f.db +
                  ".accounts SET seen = seen + interval '1 microsecond' WHERE id = 131");
  recon_pg().psql("INSERT INTO " + f.db +
                  ".accounts SELECT 100000, name, balance, opened, updated, seen, status, vip, "
                  "note FROM " +
                  f.db + ".accounts WHERE id = 1");
  recon_pg().psql("UPDATE " + f.db + ".pairs SET v = -1 WHERE a = 3 AND b = 'k10'");

  auto damaged = f.reconcile({"--chunk", "50"});
  BOOST_TEST(damaged.exit_code == 4, damaged.out << damaged.err);
  BOOST_TEST(
      damaged.out.find(
          "250 source rows, 250 target rows, 3/6 chunks differ: 1 missing, 1 extra, 2 different") !=
          std::string::npos,
      damaged.out);
  BOOST_TEST(damaged.out.find("missing   1: (7)") != std::string::npos, damaged.out);
  BOOST_TEST(damaged.out.find("extra     1: (100000)") != std::string::npos, damaged.out);
  BOOST_TEST(damaged.out.find("different 2: (42: balance) (131: seen)") != std::string::npos,
             damaged.out);
  BOOST_TEST(damaged.out.find("different 1: (3, k10: v)") != std::string::npos, damaged.out);

  auto repaired = f.reconcile({"--repair"});
  BOOST_TEST(repaired.exit_code == 0, repaired.out << repaired.err);
  BOOST_TEST(repaired.out.find("after repair: " + f.db + ".accounts -> " + f.db +
                               ".accounts in sync") != std::string::npos,
             repaired.out);
  BOOST_TEST(recon_pg().psql("SELECT balance FROM " + f.db + ".accounts WHERE id = 42") ==
             before42);
  BOOST_TEST(
      recon_pg().psql("SELECT count(*) FROM " + f.db + ".accounts WHERE id IN (7, 100000)") == "1");
  BOOST_TEST(recon_pg().psql("SELECT v FROM " + f.db + ".pairs WHERE a = 3 AND b = 'k10'") == "10");

  // A second damage + repair (the repair pipeline's exactly-once row is carried over).
  recon_pg().psql("DELETE FROM " + f.db + ".accounts WHERE id = 8");
  auto again = f.reconcile({"--repair"});
  BOOST_TEST(again.exit_code == 0, again.out << again.err);
  BOOST_TEST(f.reconcile().exit_code == 0);
  BOOST_TEST(recon_pg().psql("SELECT count(*) FROM " + f.db + ".accounts") == "250");
}

// A target table whose column is GENERATED ALWAYS AS (...) STORED: the sink does not write it
// (PostgreSQL computes it), so reconcile does not compare it either; otherwise every row would
// differ and --repair could never bring the table in sync.
BOOST_AUTO_TEST_CASE(a_generated_column_of_the_target_is_not_compared) {
  Fixture f("recon_gen");
  recon_pg().psql("CREATE TABLE " + f.db +
                  ".pairs (a int, b text, v int GENERATED ALWAYS AS (a * 1000) STORED, "
                  "PRIMARY KEY (a, b))");
  auto run = run_sluice({"run", f.dir.file("p.pipe"), "--exit-when-idle", "2s", "--quiet"}, f.env,
                        "", 120s);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  BOOST_TEST(recon_pg().psql("SELECT v FROM " + f.db + ".pairs WHERE a = 3 AND b = 'k10'") ==
             "3000");
  auto r = f.reconcile();
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.out.find(".pairs (sink ods): 40 source rows, 40 target rows, 0/1 chunks differ: "
                        "in sync") != std::string::npos,
             r.out);
  recon_pg().psql("DELETE FROM " + f.db + ".pairs WHERE a = 3 AND b = 'k10'");
  BOOST_TEST(f.reconcile().out.find("missing   1: (3, k10)") != std::string::npos);
}

// Values whose two text forms differ although the sink wrote them exactly, each of which made
// reconcile call every row holding one different (and --repair could never end that): JSON
// (MariaDB keeps the text's key order, jsonb sorts the keys), JSON kept in a TEXT column a DBA
// gave a jsonb column, BIT (bytes in MySQL, the number in PostgreSQL), SET ("x,z" and
// {x,z}, labels with spaces and quotes), spatial values (SRID + WKB in MySQL, WKB or EWKB
// written), dates the calendar lacks (written as NULL) and the year 0 (PostgreSQL's 1 BC).
// A row that does differ names its columns.
BOOST_AUTO_TEST_CASE(every_type_compares_by_value_and_a_difference_names_its_columns) {
  Fixture f("recon_types");
  auto& my = MariaDbServer::shared();
  my.exec("SET SESSION sql_mode = 'ALLOW_INVALID_DATES'; CREATE TABLE " + f.db +
          ".docs (id INT PRIMARY KEY, j JSON, t LONGTEXT, b BIT(12), s SET('b c', 'd\"e', 'x'), "
          "g GEOMETRY, d DATE, dt DATETIME(3)); INSERT INTO " +
          f.db +
          ".docs VALUES (1, '{\"bb\": 1, \"a\": [2, {\"z\": 1, \"y\": 2}]}', "
          "'{\"b\":1,\"a\":2}', b'100000000101', 'b c,d\"e', "
          "ST_GeomFromText('POINT(1 2)', 4326), '2024-02-30', '0000-00-00 00:00:00'), "
          "(2, '[1, 2.50]', '[1,2.50]', NULL, '', ST_GeomFromText('LINESTRING(0 0, 1 1)'), "
          "'0000-01-01', '2024-02-29 23:59:59.999')");
  recon_pg().psql("CREATE TABLE " + f.db + ".docs (id int PRIMARY KEY, j jsonb, t jsonb)");
  std::string pipe = read_file(f.dir.file("p.pipe"));
  pipe.replace(pipe.find("[\"accounts\", \"pairs\"]"), 21, "[\"docs\"]");
  write_file(f.dir.file("p.pipe"), pipe);
  auto run = run_sluice({"run", f.dir.file("p.pipe"), "--exit-when-idle", "2s", "--quiet"}, f.env,
                        "", 120s);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  BOOST_TEST(recon_pg().psql("SELECT t ->> 'a' FROM " + f.db + ".docs WHERE id = 1") == "2");
  auto r = f.reconcile();
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.out.find(".docs (sink ods): 2 source rows, 2 target rows, 0/1 chunks differ: "
                        "in sync") != std::string::npos,
             r.out);
  recon_pg().psql("UPDATE " + f.db + ".docs SET t = '{\"a\": 3, \"b\": 1}', b = 2 WHERE id = 1");
  auto differs = f.reconcile();
  BOOST_TEST(differs.exit_code == 4);
  BOOST_TEST(differs.out.find("different 1: (1: t, b)") != std::string::npos, differs.out);
}

BOOST_AUTO_TEST_CASE(usage) {
  BOOST_TEST(run_sluice({"reconcile"}).exit_code == 2);
  BOOST_TEST(run_sluice({"reconcile", "--help"}).exit_code == 0);
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n  source generate gen { count = 1  fields { n = seq() } }\n"
             "  sink null out from gen { }\n}\n");
  auto r = run_sluice({"reconcile", dir.file("p.pipe")});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("no `source mysql`") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
