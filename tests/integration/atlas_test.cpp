// Issue 6 item 6: pipelines/atlas_tiering_pg.pipe (atlas_tiering.pipe with both tiers written
// to PostgreSQL jsonb) run by the sluice binary against a private MariaDB. A seeded random
// workload of thousands of inserts/updates/deletes on accounts and transactions (including
// moving accounts to other customers, closing and deleting them), with a kill -9 of the
// engine in the middle and a restart; then every tier-2 value must equal the same aggregate
// computed by SQL on MariaDB, digit for digit, and tier 1 must equal its tables.
#include <signal.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>

#include "integration/ods_support.h"

using namespace sluice::test;
using namespace sluice::test::ods;

namespace {

// The stages of a .pipe text with its sink blocks and comments removed.
std::string without_sinks(const std::string& text) {
  std::string out;
  std::istringstream in(text.substr(text.find("  source mysql")));
  int depth = 0;
  bool in_sink = false;
  for (std::string line; std::getline(in, line);) {
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    if (!in_sink && line.rfind("  sink ", 0) == 0) in_sink = true;
    for (char c : line) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (in_sink) {
      if (depth == 0) in_sink = false;
      continue;
    }
    out += line + "\n";
    if (depth < 0) break;  // the pipeline's closing brace: test blocks follow
  }
  return out;
}

std::string dec2(std::mt19937_64& rng, int64_t lo_cents, int64_t hi_cents) {
  int64_t c = lo_cents + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi_cents - lo_cents));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", c < 0 ? "-" : "",
                static_cast<long long>(std::llabs(c) / 100),
                static_cast<long long>(std::llabs(c) % 100));
  return buf;
}

std::string txn_date(std::mt19937_64& rng) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "'2023-01-01 00:00:00' + INTERVAL %llu SECOND",
                static_cast<unsigned long long>(rng() % (2ull * 365 * 86400)));
  return buf;
}

struct Workload {
  std::mt19937_64 rng{20240229};
  MariaDbServer::Conn conn = mysql().connect();
  int customers = 120;
  std::vector<int64_t> accounts;
  std::vector<int64_t> txns;
  int64_t next_account = 1, next_txn = 1;

  Workload() { MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'"); }
  void sql(const std::string& s) { my_change(conn.get(), s); }
  int64_t pick(std::vector<int64_t>& v) { return v[rng() % v.size()]; }
  std::string customer() { return std::to_string(1 + rng() % customers); }

  void insert_account() {
    int64_t id = next_account++;
    static const char* types[] = {"checking", "savings", "credit", "loan"};
    sql("INSERT INTO atlas_bank.accounts (account_id, customer_id, account_number, account_type,"
        " balance, interest_rate, credit_limit, opened_date, created_at) VALUES (" +
        std::to_string(id) + ", " + customer() + ", 'AC" + std::to_string(1000000000 + id) +
        "', '" + types[rng() % 4] + "', " + dec2(rng, -5000000, 50000000) + ", 0.0125, " +
        (id % 3 == 0 ? "NULL" : dec2(rng, 0, 1000000)) +
        ", '2022-05-01', '2022-05-01 10:00:00.000001')");
    accounts.push_back(id);
  }
  void insert_txn() {
    int64_t id = next_txn++;
    static const char* kinds[] = {"deposit", "withdrawal", "transfer", "fee", "interest"};
    sql("INSERT INTO atlas_bank.transactions (transaction_id, account_id, transaction_type, "
        "amount, description, transaction_date, created_at) VALUES (" +
        std::to_string(id) + ", " + std::to_string(pick(accounts)) + ", '" + kinds[rng() % 5] +
        "', " + dec2(rng, -100000, 100000) + ", " +
        (id % 4 == 0 ? std::string("NULL") : "'t" + std::to_string(id) + "'") + ", " +
        txn_date(rng) + ", '2024-01-01 00:00:00')");
    txns.push_back(id);
  }
  void seed() {
    for (int c = 1; c <= customers; ++c) {
      static const char* cities[][2] = {{"Austin", "TX"}, {"Boston", "MA"}, {"Denver", "CO"}};
      const auto& city = cities[c % 3];
      sql("INSERT INTO atlas_bank.customers (customer_id, first_name, last_name, email, phone, "
          "date_of_birth, address_line1, city, state, postal_code, status, credit_score, "
          "created_at) VALUES (" +
          std::to_string(c) + ", 'First" + std::to_string(c) + "', 'Last" + std::to_string(c) +
          "', 'c" + std::to_string(c) + "@example.com', '+1-555-" + std::to_string(1000 + c) +
          "', '1980-02-29', '" + std::to_string(c) + " Main St', '" + city[0] + "', '" + city[1] +
          "', '0" + std::to_string(1000 + c) + "', '" + (c % 17 == 0 ? "suspended" : "active") +
          "', " + (c % 11 == 0 ? std::string("NULL") : std::to_string(500 + (c * 37) % 350)) +
          ", '2020-01-01 09:00:00.5')");
    }
    for (int i = 0; i < 360; ++i) insert_account();
    for (int i = 0; i < 2500; ++i) insert_txn();
  }
  // One random change.
  void step() {
    unsigned r = static_cast<unsigned>(rng() % 100);
    if (r < 30 || txns.empty()) {
      insert_txn();
    } else if (r < 40) {
      sql("UPDATE atlas_bank.transactions SET amount = " + dec2(rng, -100000, 100000) +
          ", transaction_date = " + txn_date(rng) +
          " WHERE transaction_id = " + std::to_string(pick(txns)));
    } else if (r < 50) {
      size_t i = rng() % txns.size();
      sql("DELETE FROM atlas_bank.transactions WHERE transaction_id = " + std::to_string(txns[i]));
      txns.erase(txns.begin() + static_cast<long>(i));
    } else if (r < 70) {
      sql("UPDATE atlas_bank.accounts SET balance = balance + " + dec2(rng, -200000, 200000) +
          " WHERE account_id = " + std::to_string(pick(accounts)));
    } else if (r < 80) {  // the account changes customer
      sql("UPDATE atlas_bank.accounts SET customer_id = " + customer() +
          " WHERE account_id = " + std::to_string(pick(accounts)));
    } else if (r < 86) {
      sql("UPDATE atlas_bank.accounts SET status = IF(status = 'closed', 'open', 'closed'), "
          "closed_date = IF(status = 'closed', '2024-06-30', NULL) WHERE account_id = " +
          std::to_string(pick(accounts)));
    } else if (r < 90 && accounts.size() > 50) {
      size_t i = rng() % accounts.size();
      sql("DELETE FROM atlas_bank.accounts WHERE account_id = " + std::to_string(accounts[i]));
      accounts.erase(accounts.begin() + static_cast<long>(i));
    } else if (r < 95) {
      insert_account();
    } else {
      MariaDbServer::exec(conn.get(), "START TRANSACTION");
      sql("UPDATE atlas_bank.customers SET credit_score = " + std::to_string(450 + rng() % 400) +
          " WHERE customer_id = " + customer());
      sql("UPDATE atlas_bank.accounts SET balance = balance - 10.01 WHERE account_id = " +
          std::to_string(pick(accounts)));
      MariaDbServer::exec(conn.get(), "COMMIT");
    }
  }
};

// customer_id|total_accounts|total_balance|account_types|avg_monthly|last_txn per customer,
// computed by SQL on MariaDB (the definition written in the pipeline file).
std::vector<std::string> expected_tier2() {
  auto conn = mysql().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00', group_concat_max_len = 100000");
  auto rows = MariaDbServer::query(conn.get(), R"(
    SELECT c.customer_id, COALESCE(s.total_accounts, 0), s.total_balance,
      CONCAT('[', COALESCE(s.types, ''), ']'),
      IF(s.txn_count > 0, ROUND(CAST(s.txn_count AS DECIMAL(30,12)) /
         ((YEAR(s.last_txn) - YEAR(s.first_txn)) * 12 + MONTH(s.last_txn) - MONTH(s.first_txn)
          + 1), 6), NULL),
      DATE_FORMAT(s.last_txn, '%Y-%m-%dT%H:%i:%s.%f')
    FROM atlas_bank.customers c LEFT JOIN (
      SELECT a.customer_id, COUNT(*) AS total_accounts, SUM(a.balance) AS total_balance,
        GROUP_CONCAT(DISTINCT CONCAT('"', a.account_type, '"') ORDER BY CAST(a.account_type AS CHAR)
                     SEPARATOR ', ') AS types,
        SUM(COALESCE(t.cnt, 0)) AS txn_count, MIN(t.first_txn) AS first_txn,
        MAX(t.last_txn) AS last_txn
      FROM atlas_bank.accounts a LEFT JOIN (
        SELECT account_id, COUNT(*) AS cnt, MIN(transaction_date) AS first_txn,
               MAX(transaction_date) AS last_txn
        FROM atlas_bank.transactions GROUP BY account_id) t ON t.account_id = a.account_id
      WHERE a.status <> 'closed' GROUP BY a.customer_id) s ON s.customer_id = c.customer_id
    ORDER BY c.customer_id)");
  std::vector<std::string> out;
  for (auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += (i ? "|" : "") + r[i].value_or("<NULL>");
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> pg_lines(const std::string& db, const std::string& sql) {
  std::vector<std::string> out;
  std::istringstream in(pg().psql(sql, db));
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> actual_tier2(const std::string& db) {
  return pg_lines(db,
                  "SELECT customer_id || '|' || (financial_summary->>'total_accounts') || '|' || "
                  "coalesce(financial_summary->>'total_balance', '<NULL>') || '|' || "
                  "(financial_summary->'account_types')::text || '|' || "
                  "coalesce(financial_summary->>'avg_monthly_transactions', '<NULL>') || '|' || "
                  "coalesce(financial_summary->>'last_transaction_date', '<NULL>') "
                  "FROM tier2.customer_analytics ORDER BY customer_id");
}

// "" when equal, else the first difference.
std::string diff(const std::vector<std::string>& want, const std::vector<std::string>& got,
                 const std::string& what = "tier2") {
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
    if (want[i] != got[i])
      return "row " + std::to_string(i) + ": mariadb [" + want[i] + "] " + what + " [" + got[i] +
             "]";
  }
  if (want.size() != got.size()) {
    return "mariadb " + std::to_string(want.size()) + " rows, " + what + " " +
           std::to_string(got.size());
  }
  return "";
}

std::string tier1_balances_diff(const std::string& db) {
  auto conn = mysql().connect();
  auto rows = MariaDbServer::query(
      conn.get(),
      "SELECT CONCAT(account_id, '|', customer_id, '|', balance, '|', status) FROM "
      "atlas_bank.accounts ORDER BY account_id");
  std::vector<std::string> want;
  for (auto& r : rows) want.push_back(*r[0]);
  return diff(want,
              pg_lines(db,
                       "SELECT account_id || '|' || customer_id || '|' || "
                       "(financial_info->>'balance') || '|' || "
                       "(account_details->>'status') FROM tier1.accounts "
                       "ORDER BY account_id"),
              "tier1.accounts");
}

std::string wait_tiers(const std::string& db, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string d;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      d = diff(expected_tier2(), actual_tier2(db));
      if (d.empty()) d = tier1_balances_diff(db);
      if (d.empty()) return d;
    } catch (const std::exception& e) {
      d = e.what();  // tables not created yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(atlas)

BOOST_AUTO_TEST_CASE(the_pg_variant_has_the_same_stages_as_the_atlas_pipeline) {
  std::string atlas = read_file(source_dir() + "/pipelines/atlas_tiering.pipe");
  std::string pgv = read_file(source_dir() + "/pipelines/atlas_tiering_pg.pipe");
  BOOST_TEST(without_sinks(atlas) == without_sinks(pgv));
  BOOST_TEST(without_sinks(atlas).find("join customer_analytics") != std::string::npos);
  auto r = run_sluice({"check", source_dir() + "/pipelines/atlas_tiering.pipe",
                       source_dir() + "/pipelines/atlas_tiering_pg.pipe"});
  BOOST_TEST(r.exit_code == 0, "sluice check: " << r.out << r.err);
}

// Kill -9 at two moments, each followed by more changes while sluice is down and a restart:
// (1) before any checkpoint (checkpoints 60 s apart), as soon as both tiers hold rows: the
//     restart has no checkpoint and snapshots afresh while the target holds the killed run's
//     rows, some of whose source rows were deleted meanwhile (the sink must clear that run's
//     output, docs/ods.md "A restart with no checkpoint");
// (2) mid-stream after checkpoints: the restart replays from the last one.
// After each restart every tier-2 value must equal SQL and tier 1 its tables.
BOOST_AUTO_TEST_CASE(tier2_equals_sql_after_random_workload_and_kill_9) {
  my_exec("DROP DATABASE IF EXISTS atlas_bank");
  my_exec(sql_file("atlas_schema.sql"));
  Workload w;
  w.seed();
  std::string db = fresh_pg_db("atlas_tiers");
  pg().psql("CREATE SCHEMA tier1; CREATE SCHEMA tier2;", db);
  TempDir dir;
  std::string pipe = dir.file("atlas.pipe");
  write_file(pipe, read_file(source_dir() + "/pipelines/atlas_tiering_pg.pipe"));
  // The same pipeline with checkpoints 60 s apart: a kill -9 soon after the start comes before
  // the first.
  std::string rare = dir.file("atlas_rare.pipe");
  write_file(rare, pipe_with_settings("atlas_tiering_pg.pipe", "checkpoint_interval = 60s"));
  const std::string checkpoint = dir.file("var/atlas_tiering_pg/checkpoint.json");
  std::vector<std::string> env = {
      "MYSQL_HOST=127.0.0.1", "MYSQL_PORT=" + std::to_string(mysql().port()), "MYSQL_USER=sluice",
      "MYSQL_PASSWORD=sluice-pw", "TIERS_PG_URL=" + pg().url(db)};
  auto start = [&](const std::string& file) {
    return std::make_unique<Child>(std::vector<std::string>{sluice_bin(), "run", file}, env,
                                   dir.str());
  };
  auto kill9 = [&](std::unique_ptr<Child>& child, const char* when) {
    child->signal(SIGKILL);
    auto killed = child->wait(std::chrono::seconds(10));
    BOOST_TEST(killed.exit_code == -SIGKILL,
               when << ": exit code " << killed.exit_code << ": "
                    << killed.err.substr(killed.err.size() > 3000 ? killed.err.size() - 3000 : 0));
  };
  auto converged = [&](std::unique_ptr<Child>& child, const char* when) {
    std::string d = wait_tiers(db, std::chrono::seconds(180));
    if (!d.empty()) {
      child->signal(SIGTERM);
      auto r = child->wait(std::chrono::seconds(30));
      BOOST_TEST_MESSAGE(
          "sluice stderr: " << r.err.substr(r.err.size() > 4000 ? r.err.size() - 4000 : 0));
    }
    BOOST_REQUIRE_MESSAGE(d.empty(), when << ": " << d);
  };

  // (1) kill -9 as soon as both tiers hold rows (the snapshot is small: it may be just over).
  auto child = start(rare);
  for (int i = 0; i < 400; ++i) {
    try {
      std::string out = pg().psql(
          "SELECT (SELECT count(*) > 0 FROM tier2.customer_analytics) AND "
          "(SELECT count(*) > 0 FROM tier1.accounts)",
          db);
      if (out.rfind("t", 0) == 0 && out.find("ERROR") == std::string::npos) break;
    } catch (const std::exception&) {  // not created yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  BOOST_REQUIRE_MESSAGE(!std::filesystem::exists(checkpoint), "a checkpoint before the kill");
  kill9(child, "kill before the first checkpoint");
  // Delete accounts the killed run had written: a fresh snapshot alone never deletes them.
  std::vector<std::string> written;
  try {
    written = pg_lines(db, "SELECT account_id FROM tier1.accounts ORDER BY account_id LIMIT 8");
  } catch (const std::exception&) {  // the killed run had not created it
  }
  BOOST_TEST_MESSAGE(
      "killed before the first checkpoint; tier1.accounts rows deleted in the source: "
      << written.size());
  for (const auto& id : written) {
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;
    w.sql("DELETE FROM atlas_bank.accounts WHERE account_id = " + id);
    w.accounts.erase(std::remove(w.accounts.begin(), w.accounts.end(), std::stoll(id)),
                     w.accounts.end());
  }
  for (int i = 0; i < 300; ++i) w.step();

  // (2) restart with no checkpoint: a fresh snapshot over the killed run's output; then kill
  // -9 mid-stream after a checkpoint.
  child = start(pipe);
  converged(child, "after kill -9 before the first checkpoint and restart");
  for (int i = 0; i < 1500; ++i) w.step();
  for (int i = 0; i < 100 && !std::filesystem::exists(checkpoint); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(checkpoint), "no checkpoint within 10 s");
  kill9(child, "kill after a checkpoint");
  for (int i = 0; i < 1500; ++i) w.step();
  child = start(pipe);
  converged(child, "after kill -9 after a checkpoint and restart");

  // A balance update reaches tier 2 within seconds.
  int64_t acc = w.accounts.front();
  w.sql(
      "UPDATE atlas_bank.accounts SET status = 'open', balance = balance + 1000000.01 WHERE "
      "account_id = " +
      std::to_string(acc));
  std::string d = wait_tiers(db, std::chrono::seconds(10));
  BOOST_TEST(d.empty(), "a balance update within 10 s: " << d);
  child->signal(SIGTERM);
  auto r = child->wait(std::chrono::seconds(60));
  BOOST_TEST(r.exit_code == 0, r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
  // Dead letters: none expected.
  std::string dlq = dir.str() + "/var/atlas_tiering_pg/dlq.jsonl";
  bool no_dead = !std::filesystem::exists(dlq) || read_file(dlq).empty();
  BOOST_TEST(no_dead, "dead letters: " << (no_dead ? std::string() : read_file(dlq)));
}

BOOST_AUTO_TEST_SUITE_END()
