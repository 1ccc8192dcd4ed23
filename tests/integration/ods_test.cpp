// End to end: pipelines/mysql_to_ods.pipe and pipelines/mks_finance_ods.pipe run by the sluice
// binary against a private MariaDB (binlog ROW, FULL) and a private PostgreSQL. After the
// snapshot, after streaming changes, after ADD COLUMN, after a PostgreSQL restart and after
// kill -9 + restart, every table must equal its source column by column (ods_support.h); the
// append-mode history holds each change exactly once; a row violating a PostgreSQL constraint
// is dead-lettered with its SQLSTATE while the rest commits.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "integration/ods_support.h"

using namespace sluice::test;
using namespace sluice::test::ods;

namespace {

const std::vector<std::string> kBank = {"customers", "accounts", "transactions", "agreements"};

// A deterministic stream of small banking transactions; returns the number of accounts rows
// changed (each is one event of ods.account_history).
struct Writer {
  std::mt19937 rng{42};
  int64_t next_txn = 5000000;
  MariaDbServer::Conn conn = mysql().connect();
  uint64_t account_changes = 0;

  Writer() { MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'"); }
  void step(int n_accounts) {
    MYSQL* m = conn.get();
    int64_t acc = 1 + static_cast<int64_t>(rng() % static_cast<unsigned>(n_accounts));
    int cents = static_cast<int>(rng() % 2000000) - 1000000;
    char amount_buf[32];
    std::snprintf(amount_buf, sizeof amount_buf, "%s%d.%02d", cents < 0 ? "-" : "",
                  std::abs(cents) / 100, std::abs(cents) % 100);
    std::string amount = amount_buf;
    int64_t id = next_txn++;
    MariaDbServer::exec(m, "START TRANSACTION");
    my_change(m,
              "INSERT INTO bank.transactions (id, account_id, amount, currency, kind, status, "
              "booked_at, value_date, description, created_at) VALUES (" +
                  std::to_string(id) + ", " + std::to_string(acc) + ", " + amount +
                  ", 'EUR', 'transfer', 'pending', '2024-07-01 12:00:00.123456' + INTERVAL " +
                  std::to_string(id % 100000) + " SECOND, '2024-07-01', " +
                  (id % 3 == 0 ? std::string("NULL") : "'live " + std::to_string(id) + "'") +
                  ", '2024-07-01 12:00:00.000001')");
    account_changes += my_change(m, "UPDATE bank.accounts SET balance = balance + " + amount +
                                        ", updated_at = '2024-07-01 12:00:00' + INTERVAL " +
                                        std::to_string(id % 1000000) +
                                        " MICROSECOND WHERE id = " + std::to_string(acc));
    MariaDbServer::exec(m, "COMMIT");
    switch (id % 5) {
      case 0:
        my_change(m, "UPDATE bank.transactions SET status = 'booked' WHERE id = " +
                         std::to_string(id - 3));
        break;
      case 1:
        my_change(m, "DELETE FROM bank.transactions WHERE id = " + std::to_string(id - 1));
        break;
      case 2:
        my_change(m, "UPDATE bank.customers SET credit_score = " + std::to_string(300 + id % 500) +
                         " WHERE id = " + std::to_string(1 + id % 200));
        break;
      default:
        break;
    }
  }
};

std::string history_duplicates(const std::string& pgdb) {
  return pg_value(pgdb,
                  "SELECT count(*) FROM (SELECT cdc_position, id, cdc_operation FROM "
                  "ods.account_history GROUP BY 1, 2, 3 HAVING count(*) > 1) d");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ods)

// Snapshot, streaming, ADD COLUMN, the batch-splitting dead letter queue and a PostgreSQL
// restart, all in one run of mysql_to_ods.pipe.
BOOST_AUTO_TEST_CASE(snapshot_stream_ddl_dlq_and_pg_restart) {
  load_bank(0.01);
  Run run(fresh_pg_db("ods_a"), read_file(source_dir() + "/pipelines/mysql_to_ods.pipe"));
  run.start();
  std::string d = wait_equal("bank", run.pgdb, kBank);
  run.require_alive();
  BOOST_REQUIRE_MESSAGE(d.empty(), "after the snapshot: " << d);
  // Exact types were created from the MariaDB column types.
  BOOST_TEST(pg_value(run.pgdb,
                      "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                      "attrelid = 'ods.accounts'::regclass AND attname = 'balance'") ==
             "numeric(18,2)");
  BOOST_TEST(pg_value(run.pgdb,
                      "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                      "attrelid = 'ods.customers'::regclass AND attname = 'updated_at'") ==
             "timestamp(6) with time zone");
  BOOST_TEST(pg_value(run.pgdb,
                      "SELECT count(*) FROM ods.customers WHERE cdc_operation = 'r' AND "
                      "cdc_timestamp IS NOT NULL AND cdc_position LIKE '%snapshot%'") == "200");

  // Streaming inserts / updates / deletes.
  my_exec(sql_file("bank_changes.sql"));
  d = wait_equal("bank", run.pgdb, kBank);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after streaming changes: " << d << run.log_tail());
  BOOST_TEST(
      pg_value(run.pgdb,
               "SELECT cdc_operation || ' ' || balance FROM ods.accounts WHERE id = 900001") ==
      "c 25000.00");
  BOOST_TEST(pg_value(run.pgdb, "SELECT count(*) FROM ods.transactions WHERE id IN (1, 2, 3)") ==
             "0");

  // ADD COLUMN mid-stream.
  my_exec(
      "ALTER TABLE bank.customers ADD COLUMN loyalty_tier ENUM('silver','gold') NULL, "
      "ADD COLUMN vip_since DATETIME(6) NULL");
  my_exec(
      "UPDATE bank.customers SET loyalty_tier = 'gold', vip_since = '2024-05-01 10:00:00.000042' "
      "WHERE id <= 5");
  my_exec(
      "INSERT INTO bank.customers (id, full_name, segment, created_at, loyalty_tier) VALUES "
      "(900002, 'Ada New', 'retail', '2024-08-01 00:00:00', 'silver')");
  d = wait_equal("bank", run.pgdb, kBank);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after ADD COLUMN: " << d << run.log_tail());

  // A row violating a PostgreSQL constraint is dead-lettered; its neighbours commit.
  pg_value(run.pgdb,
           "ALTER TABLE ods.transactions ADD CONSTRAINT amount_limit CHECK (amount < 1000000)");
  my_exec(
      "INSERT INTO bank.transactions (id, account_id, amount, currency, kind, status, booked_at, "
      "value_date) VALUES (910001, 1, 10.00, 'EUR', 'fee', 'booked', '2024-08-01', '2024-08-01'), "
      "(910002, 1, 5000000.00, 'EUR', 'deposit', 'booked', '2024-08-01', '2024-08-01'), "
      "(910003, 1, 20.00, 'EUR', 'fee', 'booked', '2024-08-01', '2024-08-01')");
  std::string dlq = run.dir.file("var/mysql_to_ods/dlq.jsonl");
  for (int i = 0; i < 300 && read_file(dlq).find("910002") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string dead = read_file(dlq);
  BOOST_TEST(dead.find("23514") != std::string::npos, dead);
  BOOST_TEST(dead.find("amount_limit") != std::string::npos, dead);
  BOOST_TEST(dead.find("910001") == std::string::npos);
  BOOST_TEST(dead.find("sluice-pw") == std::string::npos);
  my_exec("DELETE FROM bank.transactions WHERE id = 910002");  // the source agrees again
  d = wait_equal("bank", run.pgdb, kBank);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after the dead letter: " << d << run.log_tail());

  // PostgreSQL restarted while changes keep coming: retried, nothing lost.
  Writer w;
  for (int i = 0; i < 100; ++i) w.step(300);
  pg().restart();
  for (int i = 0; i < 200; ++i) w.step(300);
  d = wait_equal("bank", run.pgdb, kBank, std::chrono::seconds(120));
  run.require_alive();
  BOOST_REQUIRE_MESSAGE(d.empty(), "after the PostgreSQL restart: " << d << run.log_tail());
  BOOST_TEST(history_duplicates(run.pgdb) == "0");
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0, r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0));
}

// kill -9 mid-stream, twice, while the target is ahead of the engine's checkpoint: after each
// restart the ODS equals the source and the append-mode history holds every change once.
BOOST_AUTO_TEST_CASE(kill9_mid_stream_exactly_once) {
  load_bank(0.01);
  const std::string pgdb = fresh_pg_db("ods_b");
  const std::string normal = read_file(source_dir() + "/pipelines/mysql_to_ods.pipe");
  // Checkpoints 60 s apart: a kill -9 then always finds the target ahead of the checkpoint.
  const std::string rare = pipe_with_settings("mysql_to_ods.pipe", "checkpoint_interval = 60s");
  TempDir state;  // shared by the runs: same cwd -> same state_dir
  Writer w;
  uint64_t expected_history = 300;  // snapshot rows of accounts

  const std::string normal_pipe = state.file("normal.pipe");
  write_file(normal_pipe, normal);
  {
    Child first({sluice_bin(), "run", normal_pipe}, pipeline_env(pgdb), state.str());
    std::string d = wait_equal("bank", pgdb, kBank);
    BOOST_REQUIRE_MESSAGE(d.empty(), "after the snapshot: " << d);
    first.signal(SIGTERM);  // a clean checkpoint after the snapshot
    auto r = first.wait(std::chrono::seconds(60));
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST_MESSAGE("first run: " << r.err.substr(0, 300) << " ... "
                                     << r.err.substr(r.err.size() > 600 ? r.err.size() - 600 : 0));
  }

  std::string rare_pipe = state.file("rare.pipe");
  write_file(rare_pipe, rare);
  for (int round = 0; round < 2; ++round) {
    Child c({sluice_bin(), "run", rare_pipe}, pipeline_env(pgdb), state.str());
    std::string seq0 = pg_value(pgdb, "SELECT seq FROM sluice_checkpoints WHERE stage = 'history'");
    // Changes flow; wait until the target committed some of them, then kill -9 mid-stream.
    int steps = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      for (int i = 0; i < 20; ++i, ++steps) w.step(300);
      std::string seq =
          pg_value(pgdb, "SELECT seq FROM sluice_checkpoints WHERE stage = 'history'");
      if (steps >= 200 && seq != seq0) break;
    }
    for (int i = 0; i < 10; ++i) w.step(300);  // some still in flight
    c.signal(SIGKILL);
    auto killed = c.wait(std::chrono::seconds(10));
    BOOST_TEST_MESSAGE("round " << round << ": killed after " << steps
                                << " steps: " << killed.err.substr(0, 600));
    BOOST_REQUIRE(killed.exit_code == -SIGKILL);
    for (int i = 0; i < 100; ++i) w.step(300);  // changes while sluice is down
  }
  expected_history += w.account_changes;
  // Restart with the normal pipeline: replays from the last checkpoint, drops what the target
  // already holds.
  Child c({sluice_bin(), "run", normal_pipe}, pipeline_env(pgdb), state.str());
  std::string d = wait_equal("bank", pgdb, kBank, std::chrono::seconds(120));
  BOOST_CHECK_MESSAGE(d.empty(), "after kill -9 and restart: " << d);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline &&
         pg_value(pgdb, "SELECT count(*) FROM ods.account_history") !=
             std::to_string(expected_history)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  BOOST_TEST(history_duplicates(pgdb) == "0");
  BOOST_TEST(pg_value(pgdb, "SELECT count(*) FROM ods.account_history") ==
             std::to_string(expected_history));
  c.signal(SIGTERM);
  auto last = c.wait(std::chrono::seconds(60));
  BOOST_TEST(last.exit_code == 0);
  // The restarted sink saw the replayed events and dropped them.
  BOOST_TEST(last.err.find("replayed event(s) the target already held") != std::string::npos,
             last.err.substr(0, 3000));
}

// kill -9 before the first checkpoint (during or just after the snapshot): the restart has
// no checkpoint and snapshots afresh while the ODS holds the killed run's rows; rows deleted
// in the source meanwhile must not stay (docs/ods.md "A restart with no checkpoint").
BOOST_AUTO_TEST_CASE(kill9_before_the_first_checkpoint_then_a_fresh_snapshot) {
  load_bank(0.02);
  const std::string pgdb = fresh_pg_db("ods_c");
  TempDir state;
  const std::string rare = state.file("rare.pipe");
  write_file(rare, pipe_with_settings("mysql_to_ods.pipe", "checkpoint_interval = 60s"));
  const std::string normal = state.file("normal.pipe");
  write_file(normal, read_file(source_dir() + "/pipelines/mysql_to_ods.pipe"));
  {
    Child c({sluice_bin(), "run", rare}, pipeline_env(pgdb), state.str());
    for (int i = 0; i < 600; ++i) {
      std::string n = pg_value(pgdb, "SELECT count(*) FROM ods.transactions");
      if (!n.empty() && n.find_first_not_of("0123456789\n") == std::string::npos &&
          std::stoll(n) > 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_REQUIRE(!std::filesystem::exists(state.file("var/mysql_to_ods/checkpoint.json")));
    c.signal(SIGKILL);
    auto killed = c.wait(std::chrono::seconds(10));
    BOOST_REQUIRE(killed.exit_code == -SIGKILL);
  }
  // Delete source rows the killed run had written.
  std::string ids = pg_value(pgdb,
                             "SELECT string_agg(id::text, ',') FROM (SELECT "
                             "id FROM ods.transactions LIMIT 20) t");
  while (!ids.empty() && (ids.back() == '\n')) ids.pop_back();
  BOOST_REQUIRE(!ids.empty());
  my_exec("DELETE FROM bank.transactions WHERE id IN (" + ids + ")");
  Child c({sluice_bin(), "run", normal}, pipeline_env(pgdb), state.str());
  std::string d = wait_equal("bank", pgdb, kBank, std::chrono::seconds(120));
  BOOST_CHECK_MESSAGE(d.empty(), "after kill -9 before the first checkpoint and restart: " << d);
  c.signal(SIGTERM);
  auto r = c.wait(std::chrono::seconds(60));
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.err.find("are cleared in the first transaction of this run") != std::string::npos,
             r.err.substr(0, 3000));
}

// pipelines/mks_finance_ods.pipe (DSL.md section 1): snapshot and changes through its transform.
BOOST_AUTO_TEST_CASE(mks_finance_pipeline) {
  my_exec("DROP DATABASE IF EXISTS mks_finance_dw");
  my_exec(sql_file("mks_finance_schema.sql"));
  my_exec("SET @sf = 0.01;\n" + sql_file("mks_finance_data.sql"));
  const std::vector<std::string> tables = {"customers", "credit_applications", "vehicle_ownership"};
  Run run(fresh_pg_db("ods_mks"), read_file(source_dir() + "/pipelines/mks_finance_ods.pipe"));
  run.start();
  std::string d = wait_equal("mks_finance_dw", run.pgdb, tables);
  run.require_alive();
  BOOST_REQUIRE_MESSAGE(d.empty(), "after the snapshot: " << d);
  my_exec(
      "UPDATE mks_finance_dw.credit_applications SET status = 'disbursed', decided_at = "
      "'2024-02-29 23:59:59.999' WHERE application_id <= 10;"
      "DELETE FROM mks_finance_dw.vehicle_ownership WHERE ownership_id = 7;"
      "INSERT INTO mks_finance_dw.customers (customer_id, national_id, full_name, risk_grade, "
      "created_at, monthly_income) VALUES (5000, '99999999999', 'Nurlan Test', 'A', "
      "'2024-03-01 08:00:00', 1234567890.12)");
  d = wait_equal("mks_finance_dw", run.pgdb, tables);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after changes: " << d << run.log_tail());
  BOOST_TEST(pg_value(run.pgdb,
                      "SELECT cdc_operation FROM ods.customers WHERE customer_id = 5000") == "c");
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
