// The cluster end to end (docs/cluster.md): three `sluice node` processes on loopback sharing a
// private PostgreSQL (state store in database `postgres`, ODS target in database `ods`), a
// private MariaDB source. Deploy, kill -9 the owner of the MySQL -> PostgreSQL pipeline
// mid-stream (failover from the shared checkpoint; measured), hot reload under load, a node
// that rejoins gets work again, the coordinator's death elects another, undeploy. After each
// phase the ODS must equal the source row for row.
#include <signal.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/free_port.h"
#include "support/kafka_mock.h"
#include "support/mariadb_server.h"
#include "support/postgres_server.h"
#include "support/process.h"

namespace sluice::test {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Cluster {
  PostgresServer pg{false};
  MariaDbServer& my = MariaDbServer::shared();
  TempDir dir;
  std::vector<std::string> addr;
  std::vector<std::unique_ptr<Child>> nodes;
  std::string state_url;
  bool tier = false;  // the ODS also holds pipe_text's aggregate tier, compared by wait_equal

  Cluster() {
    state_url = pg.url("postgres");
    pg.psql("CREATE DATABASE ods;");
    pg.psql("CREATE SCHEMA ods;", "ods");
    my.exec(
        "DROP DATABASE IF EXISTS clu; CREATE DATABASE clu; "
        "CREATE TABLE clu.items (id INT PRIMARY KEY, v INT NOT NULL, amount DECIMAL(12,2), "
        "note VARCHAR(40))");
    for (int i = 0; i < 3; ++i) addr.push_back("127.0.0.1:" + std::to_string(free_port()));
    nodes.resize(3);
  }

  std::vector<std::string> env() const {
    return {"MYSQL_PASSWORD=" + std::string(MariaDbServer::kPassword)};
  }

  // tls: " --tls-cert F --tls-key F --tls-ca F" or "".
  void start(int i, bool join, const std::string& tls = "") {
    std::string cmd = "exec " + sluice_bin() + " node --listen " + addr[i] + " --state " +
                      state_url + " --work-dir " + dir.file("n" + std::to_string(i)) + tls;
    if (join) cmd += " --join " + addr[0];
    cmd += " 2>>" + dir.file("node" + std::to_string(i) + ".log");
    nodes[i] =
        std::make_unique<Child>(std::vector<std::string>{"/bin/sh", "-c", cmd}, env(), dir.str());
  }

  std::string state(const std::string& sql) const { return pg.psql(sql, "postgres"); }
  int index_of(const std::string& node) const {
    for (size_t i = 0; i < addr.size(); ++i) {
      if (addr[i] == node) return static_cast<int>(i);
    }
    return -1;
  }
  std::string owner(const std::string& pipeline) const {
    return state("SELECT coalesce(node, '') FROM sluice_cluster.assignments WHERE pipeline = '" +
                 pipeline + "';");
  }
  // The pipeline runs on `node` with `version` (its worker reported within the last 2 s).
  bool running_on(const std::string& pipeline, const std::string& node, int version = 0) const {
    std::string q =
        "SELECT count(*) FROM sluice_cluster.pipeline_status s JOIN "
        "sluice_cluster.assignments a ON a.pipeline = s.pipeline AND a.node = s.node "
        "WHERE s.pipeline = '" +
        pipeline + "' AND s.node = '" + node +
        "' AND s.state = 'running' AND a.move_to IS NULL AND "
        "s.updated_at > clock_timestamp() - interval '2 seconds'";
    if (version > 0) q += " AND s.version = " + std::to_string(version);
    return state(q + ";") == "1";
  }
  int live_nodes() const {
    try {
      return std::stoi(
          state("SELECT count(*) FROM sluice_cluster.nodes WHERE last_seen > clock_timestamp() - "
                "interval '3 seconds';"));
    } catch (const std::exception&) {
      return 0;  // the schema does not exist yet
    }
  }
  std::string coordinator() const {
    return state(
        "SELECT coalesce((SELECT n.id FROM sluice_cluster.nodes n JOIN pg_locks l ON "
        "l.pid = n.backend_pid AND l.locktype = 'advisory' AND l.objid = 735201 AND l.granted "
        "LIMIT 1), '');");
  }

  std::vector<std::string> source_rows() const {
    auto rows = my.query("SELECT id, v, amount, note FROM clu.items ORDER BY id");
    std::vector<std::string> out;
    for (auto& r : rows) {
      out.push_back(*r[0] + "|" + *r[1] + "|" + r[2].value_or("<NULL>") + "|" +
                    r[3].value_or("<NULL>"));
    }
    // The aggregate tier as SQL defines it (pipe_text's per_bucket).
    if (!tier) return out;
    for (auto& r : my.query("SELECT CONCAT('agg|', id % 10, '|', COUNT(*), '|', "
                            "COALESCE(SUM(amount), '<NULL>'), '|', MAX(v)) FROM clu.items "
                            "GROUP BY id % 10 ORDER BY id % 10")) {
      out.push_back(r[0].value_or(""));
    }
    return out;
  }
  std::vector<std::string> ods_rows() const {
    std::string text = pg.psql(
        "SELECT id || '|' || v || '|' || coalesce(amount::text, '<NULL>') || '|' || "
        "coalesce(note, '<NULL>') FROM ods.items ORDER BY id;",
        "ods");
    if (tier) {
      text += "\n" + pg.psql(
                         "SELECT 'agg|' || bucket || '|' || n || '|' || coalesce(total::text, "
                         "'<NULL>') || '|' "
                         "|| top FROM ods.per_bucket ORDER BY bucket;",
                         "ods");
    }
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l.find("ERROR") == std::string::npos) out.push_back(l);
    }
    return out;
  }
  int64_t ods_count() const {
    std::string c = pg.psql("SELECT count(*) FROM ods.items;", "ods");
    try {
      return std::stoll(c);
    } catch (...) {
      return -1;
    }
  }
  // Waits until the ODS equals the source; "" on success, else the first difference.
  std::string wait_equal(std::chrono::seconds timeout) const {
    auto deadline = Clock::now() + timeout;
    std::string diff;
    while (true) {
      auto a = source_rows();
      auto b = ods_rows();
      if (a == b) return "";
      diff = "source " + std::to_string(a.size()) + " rows, ods " + std::to_string(b.size());
      for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] != b[i]) {
          diff += "; first difference: " + a[i] + " vs " + b[i];
          break;
        }
      }
      if (Clock::now() > deadline) return diff;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  }
  template <class Pred>
  bool wait_for(Pred p, std::chrono::milliseconds timeout) const {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (p()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return p();
  }
  std::string logs() const {
    std::string out;
    for (int i = 0; i < 3; ++i) {
      out += "---- node" + std::to_string(i) + " ----\n" +
             read_file(dir.file("node" + std::to_string(i) + ".log"));
    }
    out += "---- events ----\n" +
           state(
               "SELECT to_char(at, 'HH24:MI:SS.MS') || ' ' || node || ' ' || pipeline || ' ' "
               "|| message FROM sluice_cluster.events ORDER BY id;");
    return out;
  }
};

std::string pipe_text(const Cluster& c, int batch_rows) {
  return "pipeline clu_ods {\n"
         "  settings { checkpoint_interval = 500ms }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"\n"
         "    port = " +
         std::to_string(c.my.port()) +
         "\n"
         "    user = \"sluice\"\n"
         "    password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 7701\n"
         "    database = \"clu\"\n"
         "    tables = [\"items\"]\n"
         "    snapshot = initial\n"
         "  }\n"
         "  sink postgres ods from src {\n"
         "    url = \"" +
         c.pg.url("ods") +
         "\"\n"
         "    table = \"ods.\" + @table\n"
         "    mode = upsert\n"
         "    create_tables = true\n"
         "    batch { rows = " +
         std::to_string(batch_rows) +
         "  delay = 50ms }\n"
         "    retry { attempts = 10  backoff = exponential(100ms, 2s) }\n"
         "  }\n"
         // Aggregate state (on disk, the default) must move with the pipeline on failover.
         "  aggregate per_bucket from src {\n"
         "    set bucket = id % 10\n"
         "    group by bucket\n"
         "    n = count()\n"
         "    total = sum(amount)\n"
         "    top = max(v)\n"
         "  }\n"
         "  sink postgres tier from per_bucket {\n"
         "    url = \"" +
         c.pg.url("ods") +
         "\"\n"
         "    table = \"ods.per_bucket\"\n"
         "    mode = upsert\n"
         "    create_tables = true\n"
         "    retry { attempts = 10  backoff = exponential(100ms, 2s) }\n"
         "  }\n"
         "}\n\n"
         "pipeline ticker_a {\n"
         "  source generate g { rate = 200/s  fields { x = seq() } }\n"
         "  sink null n from g { }\n"
         "}\n\n"
         "pipeline ticker_b {\n"
         "  source generate g { rate = 200/s  fields { x = seq() } }\n"
         "  sink null n from g { }\n"
         "}\n";
}

// Continuous changes in small transactions until stopped: inserts, updates, deletes.
class Writer {
 public:
  Writer(MariaDbServer& my, int first_id) : my_(my), next_(first_id) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Writer() { stop(); }
  void stop() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
  }
  int64_t transactions() const { return txns_.load(); }

 private:
  void loop() {
    auto conn = my_.connect();
    while (!stop_) {
      std::string sql = "START TRANSACTION; INSERT INTO clu.items VALUES ";
      for (int i = 0; i < 20; ++i) {
        int id = next_++;
        sql += std::string(i ? "," : "") + "(" + std::to_string(id) + ", " +
               std::to_string(id % 97) + ", " + std::to_string(id % 1000) + "." +
               std::to_string(10 + id % 90) + ", 'w" + std::to_string(id) + "')";
      }
      sql += "; UPDATE clu.items SET v = v + 1 WHERE id % 50 = " + std::to_string(txns_ % 50) +
             " AND id < 3000; DELETE FROM clu.items WHERE id = " + std::to_string(next_ - 15) +
             "; COMMIT";
      MariaDbServer::exec(conn.get(), sql);
      ++txns_;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  MariaDbServer& my_;
  int next_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> txns_{0};
  std::thread thread_;
};

void bulk_insert(MariaDbServer& my, int from, int n) {
  auto conn = my.connect();
  MariaDbServer::exec(conn.get(), "START TRANSACTION");
  for (int base = from; base < from + n; base += 1000) {
    std::string sql = "INSERT INTO clu.items VALUES ";
    for (int id = base; id < std::min(base + 1000, from + n); ++id) {
      sql += std::string(id == base ? "" : ",") + "(" + std::to_string(id) + ", " +
             std::to_string(id % 13) + ", " + std::to_string(id % 5000) + ".25, NULL)";
    }
    MariaDbServer::exec(conn.get(), sql);
  }
  MariaDbServer::exec(conn.get(), "COMMIT");
}

// Rows per second from the commit of `n` new rows until the ODS holds them.
double measure_throughput(Cluster& c, int from, int n) {
  const int64_t before = c.ods_count();
  auto t0 = Clock::now();
  bulk_insert(c.my, from, n);
  c.wait_for([&] { return c.ods_count() >= before + n; }, std::chrono::seconds(60));
  return n / seconds_since(t0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster)

BOOST_AUTO_TEST_CASE(three_nodes_failover_reload_rejoin) {
  Cluster c;
  bulk_insert(c.my, 1, 2000);
  c.start(0, false);
  BOOST_REQUIRE(c.wait_for([&] { return c.live_nodes() == 1; }, std::chrono::seconds(20)));
  c.start(1, true);
  c.start(2, true);
  BOOST_REQUIRE_MESSAGE(c.wait_for([&] { return c.live_nodes() == 3; }, std::chrono::seconds(20)),
                        c.logs());

  // Deploy: the three pipelines spread over the three nodes.
  const std::string file = c.dir.file("cluster.pipe");
  write_file(file, pipe_text(c, 2000));
  c.tier = true;
  auto d = run_sluice({"deploy", file, "--cluster", c.addr[1]}, c.env());
  BOOST_REQUIRE_MESSAGE(d.exit_code == 0, d.err + d.out);
  BOOST_TEST(d.out.find("deployed clu_ods version 1") != std::string::npos, d.out);
  for (const char* p : {"clu_ods", "ticker_a", "ticker_b"}) {
    BOOST_REQUIRE_MESSAGE(
        c.wait_for([&] { return c.index_of(c.owner(p)) >= 0 && c.running_on(p, c.owner(p)); },
                   std::chrono::seconds(30)),
        std::string(p) + " not running\n" + c.logs());
  }
  std::set<std::string> owners = {c.owner("clu_ods"), c.owner("ticker_a"), c.owner("ticker_b")};
  BOOST_TEST(owners.size() == 3u);
  {
    std::string e = c.wait_equal(std::chrono::seconds(60));
    BOOST_REQUIRE_MESSAGE(e.empty(), "after the snapshot: " + e + "\n" + c.logs());
  }
  auto st = run_sluice({"status", "--cluster", c.addr[2]});
  BOOST_TEST(st.exit_code == 0);
  BOOST_TEST(st.out.find("coordinator") != std::string::npos, st.out);
  BOOST_TEST(st.out.find(c.addr[0]) != std::string::npos, st.out);
  BOOST_TEST(st.out.find("clu_ods") != std::string::npos, st.out);
  BOOST_TEST(st.out.find("running") != std::string::npos, st.out);
  std::printf("%s\n", st.out.c_str());

  // An invalid file is refused with the checker's message; nothing changes.
  {
    const std::string broken = c.dir.file("broken.pipe");
    write_file(broken, "pipeline clu_ods {\n  source mysql src { host = 1 }\n}\n");
    auto r = run_sluice({"deploy", broken, "--cluster", c.addr[0]});
    BOOST_TEST(r.exit_code == 1, r.err);
    BOOST_TEST(r.err.find("broken.pipe:2:") != std::string::npos, r.err);
    BOOST_TEST(c.state("SELECT version FROM sluice_cluster.pipelines WHERE name = 'clu_ods';") ==
               "1");
  }

  const double before_rps = measure_throughput(c, 10000, 20000);

  // kill -9 the owner of clu_ods while changes stream in.
  const std::string victim = c.owner("clu_ods");
  const int vi = c.index_of(victim);
  double failover_s = 0, caught_up_s = 0;
  std::string new_owner;
  {
    Writer w(c.my, 100000);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto t0 = Clock::now();
    c.nodes[vi]->signal(SIGKILL);
    c.nodes[vi]->wait(std::chrono::seconds(5));
    BOOST_REQUIRE_MESSAGE(c.wait_for(
                              [&] {
                                new_owner = c.owner("clu_ods");
                                return new_owner != victim && c.index_of(new_owner) >= 0 &&
                                       c.running_on("clu_ods", new_owner);
                              },
                              std::chrono::seconds(20)),
                          "no failover\n" + c.logs());
    failover_s = seconds_since(t0);
    // Data flows again: a row written now reaches the ODS.
    c.my.exec("INSERT INTO clu.items VALUES (99999, 1, 1.00, 'probe')");
    c.wait_for(
        [&] { return c.pg.psql("SELECT count(*) FROM ods.items WHERE id = 99999;", "ods") == "1"; },
        std::chrono::seconds(20));
    caught_up_s = seconds_since(t0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    w.stop();
    BOOST_TEST(w.transactions() > 50);
  }
  BOOST_TEST(failover_s < 10.0, "failover took " << failover_s << " s");
  // The new owner resumed from the checkpoint in the shared store (its own node has none).
  {
    const std::string log =
        read_file(c.dir.file("node" + std::to_string(c.index_of(new_owner)) + ".log"));
    BOOST_TEST(log.find("clu_ods: starting from checkpoint") != std::string::npos, log);
    BOOST_TEST(c.state("SELECT node || ' ' || (epoch > 1)::text FROM sluice_cluster.checkpoints "
                       "WHERE pipeline = 'clu_ods';") == new_owner + " true");
    // The aggregate's state checkpoints are in the shared store too (fetched by the new owner,
    // whose work dir had none; the tier compared by wait_equal shows they were used).
    BOOST_TEST(c.state("SELECT count(*) > 0 FROM sluice_cluster.state_files WHERE name LIKE "
                       "'clu_ods/per_bucket/0/%';") == "t");
  }
  {
    std::string e = c.wait_equal(std::chrono::seconds(60));
    BOOST_REQUIRE_MESSAGE(e.empty(), "after the failover: " + e + "\n" + c.logs());
  }
  const double after_rps = measure_throughput(c, 40000, 20000);
  std::printf(
      "cluster: failover of clu_ods from %s to %s: running again after %.2f s, a new row in the "
      "ODS after %.2f s\n"
      "cluster: throughput of clu_ods (20,000-row transaction, commit -> ODS): %.0f rows/s on %s "
      "before, %.0f rows/s on %s after the move\n",
      victim.c_str(), new_owner.c_str(), failover_s, caught_up_s, before_rps, victim.c_str(),
      after_rps, new_owner.c_str());

  // Hot reload across the cluster under load: version 2 of clu_ods, nothing lost.
  {
    Writer w(c.my, 200000);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    write_file(file, pipe_text(c, 500));
    auto r = run_sluice({"deploy", file, "--cluster", c.addr[vi == 0 ? 1 : 0]}, c.env());
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err + r.out);
    BOOST_TEST(r.out.find("clu_ods version 2: reloading") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("ticker_a unchanged") != std::string::npos, r.out);
    BOOST_REQUIRE_MESSAGE(c.wait_for([&] { return c.running_on("clu_ods", c.owner("clu_ods"), 2); },
                                     std::chrono::seconds(30)),
                          "version 2 not running\n" + c.logs());
    // Reloaded in place by the owner's worker (engine hot reload), not restarted.
    const std::string owner_log =
        read_file(c.dir.file("node" + std::to_string(c.index_of(c.owner("clu_ods"))) + ".log"));
    BOOST_TEST(owner_log.find("clu_ods: hot reload to version 2: reloaded") != std::string::npos,
               owner_log);
    BOOST_TEST(owner_log.find("drained for a reload") == std::string::npos);
    if (auto at = owner_log.find("clu_ods: hot reload to version 2: "); at != std::string::npos) {
      std::printf("cluster: %s\n", owner_log.substr(at, owner_log.find('\n', at) - at).c_str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    w.stop();
  }
  {
    std::string e = c.wait_equal(std::chrono::seconds(60));
    BOOST_REQUIRE_MESSAGE(e.empty(), "after the reload: " + e + "\n" + c.logs());
  }

  // The killed node comes back (same address) and gets work again.
  c.start(vi, true);
  BOOST_REQUIRE_MESSAGE(c.wait_for(
                            [&] {
                              for (const char* p : {"clu_ods", "ticker_a", "ticker_b"}) {
                                if (c.owner(p) == victim && c.running_on(p, victim)) return true;
                              }
                              return false;
                            },
                            std::chrono::seconds(30)),
                        "the rejoined node got no work\n" + c.logs());

  // The coordinator dies: another node takes over, its pipelines move, data stays exact.
  {
    Writer w(c.my, 300000);
    const std::string coord = c.coordinator();
    const int ci = c.index_of(coord);
    BOOST_REQUIRE(ci >= 0);
    c.nodes[ci]->signal(SIGKILL);
    c.nodes[ci]->wait(std::chrono::seconds(5));
    c.nodes[ci].reset();
    BOOST_REQUIRE_MESSAGE(c.wait_for(
                              [&] {
                                std::string now = c.coordinator();
                                return !now.empty() && now != coord;
                              },
                              std::chrono::seconds(10)),
                          "no new coordinator\n" + c.logs());
    for (const char* p : {"clu_ods", "ticker_a", "ticker_b"}) {
      BOOST_REQUIRE_MESSAGE(
          c.wait_for([&] { return c.owner(p) != coord && c.running_on(p, c.owner(p)); },
                     std::chrono::seconds(20)),
          std::string(p) + " not resumed after the coordinator died\n" + c.logs());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    w.stop();
  }
  {
    std::string e = c.wait_equal(std::chrono::seconds(60));
    BOOST_REQUIRE_MESSAGE(e.empty(), "after the coordinator died: " + e + "\n" + c.logs());
  }

  // Undeploy: the pipeline disappears and its worker stops.
  const std::string live_addr = c.addr[c.index_of(c.coordinator())];
  auto u = run_sluice({"undeploy", "ticker_b", "--cluster", live_addr});
  BOOST_TEST(u.exit_code == 0, u.err + u.out);
  BOOST_TEST(c.wait_for([&] { return c.owner("ticker_b").empty(); }, std::chrono::seconds(10)));
  auto st2 = run_sluice({"status", "--cluster", live_addr});
  BOOST_TEST(st2.out.find("ticker_b") == std::string::npos, st2.out);
  BOOST_TEST(st2.out.find("dead") != std::string::npos, st2.out);
  std::printf("%s\n", st2.out.c_str());
  auto bad = run_sluice({"undeploy", "nope", "--cluster", live_addr});
  BOOST_TEST(bad.exit_code == 2);

  // Graceful stop of every node: exit 0.
  for (auto& n : c.nodes) {
    if (!n) continue;
    n->signal(SIGTERM);
  }
  for (auto& n : c.nodes) {
    if (!n) continue;
    auto r = n->wait(std::chrono::seconds(30));
    BOOST_TEST((r.exit_code == 0 || r.exit_code == -9), "node exit " << r.exit_code);
  }
}

// Fencing in the target (issue 21, point 4): the node owning clu_ods and its worker are
// frozen (SIGSTOP) while the worker holds a change it has read but not yet flushed (an "older"
// value of row 1); the cluster fails over to the other node (a new assignment epoch), whose
// worker writes the newer value; then the old node and worker resume (SIGCONT). The old
// worker's flush must abort on the epoch in sluice_checkpoints (logged), the new owner's rows
// stay, and the old worker gives its pipeline up.
std::string fence_pipe_text(const Cluster& c) {
  return "pipeline clu_ods {\n"
         "  settings { checkpoint_interval = 4s }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"\n"
         "    port = " +
         std::to_string(c.my.port()) +
         "\n"
         "    user = \"sluice\"\n"
         "    password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 7702\n"
         "    database = \"clu\"\n"
         "    tables = [\"items\"]\n"
         "    snapshot = initial\n"
         "  }\n"
         "  sink postgres ods from src {\n"
         "    url = \"" +
         c.pg.url("ods") +
         "\"\n"
         "    table = \"ods.\" + @table\n"
         "    mode = upsert\n"
         "    create_tables = true\n"
         // Changes wait in the sink until the next barrier (every 4 s).
         "    batch { rows = 100000  delay = 4s  adaptive = false }\n"
         "  }\n"
         "}\n\n"
         "pipeline ticker_a {\n"
         "  source generate g { rate = 50/s  fields { x = seq() } }\n"
         "  sink null n from g { }\n"
         "}\n";
}

BOOST_AUTO_TEST_CASE(a_frozen_old_owner_cannot_overwrite_the_new_owner) {
  Cluster c;
  bulk_insert(c.my, 1, 50);
  const std::string file = c.dir.file("fence.pipe");
  write_file(file, fence_pipe_text(c));
  // node0 alone gets ticker_a and stays the coordinator; clu_ods then goes to node1 (the
  // idlest). A frozen coordinator keeps its lock (its session stays open): the victim must
  // not be the coordinator.
  c.start(0, false);
  BOOST_REQUIRE(c.wait_for([&] { return c.live_nodes() == 1; }, std::chrono::seconds(20)));
  {
    const std::string only = c.dir.file("ticker.pipe");
    write_file(only,
               "pipeline ticker_a {\n"
               "  source generate g { rate = 50/s  fields { x = seq() } }\n"
               "  sink null n from g { }\n"
               "}\n");
    auto d = run_sluice({"deploy", only, "--cluster", c.addr[0]}, c.env());
    BOOST_REQUIRE_MESSAGE(d.exit_code == 0, d.err + d.out);
    BOOST_REQUIRE_MESSAGE(
        c.wait_for([&] { return c.running_on("ticker_a", c.addr[0]); }, std::chrono::seconds(30)),
        c.logs());
  }
  c.start(1, true);
  BOOST_REQUIRE_MESSAGE(c.wait_for([&] { return c.live_nodes() == 2; }, std::chrono::seconds(20)),
                        c.logs());
  auto d = run_sluice({"deploy", file, "--cluster", c.addr[0]}, c.env());
  BOOST_REQUIRE_MESSAGE(d.exit_code == 0, d.err + d.out);
  BOOST_REQUIRE_MESSAGE(
      c.wait_for([&] { return c.running_on("clu_ods", c.addr[1]); }, std::chrono::seconds(30)),
      "clu_ods not running on node1\n" + c.logs());
  BOOST_REQUIRE(c.coordinator() == c.addr[0]);
  {
    std::string e = c.wait_equal(std::chrono::seconds(60));
    BOOST_REQUIRE_MESSAGE(e.empty(), "after the snapshot: " + e + "\n" + c.logs());
  }
  const std::string old_epoch =
      c.state("SELECT epoch FROM sluice_cluster.assignments WHERE pipeline = 'clu_ods';");
  BOOST_REQUIRE_MESSAGE(c.wait_for(
                            [&] {
                              return c.pg.psql(
                                         "SELECT epoch FROM sluice_checkpoints WHERE "
                                         "pipeline = 'clu_ods';",
                                         "ods") == old_epoch;
                            },
                            std::chrono::seconds(10)),
                        "the target's checkpoint row does not hold epoch " + old_epoch);
  // The old owner's worker: "started version 1 (epoch E, pid P)".
  const std::string started =
      c.state("SELECT message FROM sluice_cluster.events WHERE pipeline = 'clu_ods' AND node = '" +
              c.addr[1] + "' AND message LIKE 'started %' ORDER BY id DESC LIMIT 1;");
  const auto at = started.find("pid ");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, started);
  const pid_t worker = static_cast<pid_t>(std::stol(started.substr(at + 4)));
  BOOST_REQUIRE(::kill(worker, 0) == 0);

  // Right after a checkpoint (the next flush is ~4 s away), row 1 changes: the worker reads
  // it into its sink's buffer; then the node and the worker freeze before it is flushed.
  auto ckpt = [&] {
    return c.state(
        "SELECT checkpoint_id FROM sluice_cluster.checkpoints WHERE pipeline = "
        "'clu_ods';");
  };
  const std::string before = ckpt();
  BOOST_REQUIRE_MESSAGE(c.wait_for([&] { return ckpt() != before; }, std::chrono::seconds(10)),
                        "no checkpoint\n" + c.logs());
  c.my.exec("UPDATE clu.items SET note = 'older' WHERE id = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  c.nodes[1]->signal(SIGSTOP);
  ::kill(worker, SIGSTOP);
  struct Thaw {  // never leave them frozen
    Cluster& c;
    pid_t worker;
    ~Thaw() {
      ::kill(worker, SIGCONT);
      c.nodes[1]->signal(SIGCONT);
    }
  } thaw{c, worker};
  auto note1 = [&] { return c.pg.psql("SELECT note FROM ods.items WHERE id = 1;", "ods"); };
  BOOST_REQUIRE_MESSAGE(note1() != "older",
                        "the old owner flushed before it was frozen: the test missed its window");

  // Failover to node0 (new epoch); the source changes again; the new owner writes it.
  BOOST_REQUIRE_MESSAGE(
      c.wait_for(
          [&] { return c.owner("clu_ods") == c.addr[0] && c.running_on("clu_ods", c.addr[0]); },
          std::chrono::seconds(30)),
      "no failover\n" + c.logs());
  const std::string new_epoch =
      c.state("SELECT epoch FROM sluice_cluster.assignments WHERE pipeline = 'clu_ods';");
  BOOST_TEST(std::stoll(new_epoch) > std::stoll(old_epoch));
  c.my.exec("UPDATE clu.items SET note = 'newer' WHERE id = 1");
  c.my.exec("INSERT INTO clu.items VALUES (500, 5, 5.00, 'by the new owner')");
  BOOST_REQUIRE_MESSAGE(c.wait_for([&] { return note1() == "newer"; }, std::chrono::seconds(30)),
                        "the new owner did not write row 1: " + note1() + "\n" + c.logs());
  BOOST_TEST(c.pg.psql("SELECT epoch FROM sluice_checkpoints WHERE pipeline = 'clu_ods';", "ods") ==
             new_epoch);

  // The old worker resumes while its node stays frozen (so nothing stops it from outside):
  // whichever it does first, flush its buffered older value or fail its source (the new
  // owner's binlog connection with the same server_id replaced its own) and restart, the
  // epoch in sluice_checkpoints stops it: the flush rolls back, the restarted sink refuses to
  // open, and the pipeline gives up.
  ::kill(worker, SIGCONT);
  const std::string fenced_line = "fenced: public.sluice_checkpoints row clu_ods/ods holds epoch " +
                                  new_epoch + ", newer than this owner's epoch " + old_epoch;
  std::string old_log;
  BOOST_TEST(c.wait_for(
                 [&] {
                   old_log = read_file(c.dir.file("node1.log"));
                   return old_log.find("giving the pipeline up") != std::string::npos;
                 },
                 std::chrono::seconds(30)),
             "the old worker did not give up\n" + old_log);
  BOOST_TEST(old_log.find(fenced_line) != std::string::npos, old_log);
  for (size_t f = old_log.find("fenced: "); f != std::string::npos;
       f = old_log.find("fenced: ", f + 1)) {
    const auto from = old_log.rfind('\n', f) + 1;
    std::printf("cluster: the resumed old owner: %s\n",
                old_log.substr(from, old_log.find('\n', f) - from).c_str());
  }
  BOOST_TEST(note1() == "newer");
  // Its node resumes too and reaps it; the new owner keeps the pipeline.
  c.nodes[1]->signal(SIGCONT);
  BOOST_TEST(c.wait_for([&] { return ::kill(worker, 0) != 0; }, std::chrono::seconds(30)),
             "the old worker was not reaped\n" + c.logs());
  BOOST_TEST(note1() == "newer");
  {
    std::string e = c.wait_equal(std::chrono::seconds(5));
    BOOST_TEST(e.empty(), "after the old owner resumed: " + e + "\n" + c.logs());
  }
  BOOST_TEST(c.pg.psql("SELECT epoch FROM sluice_checkpoints WHERE pipeline = 'clu_ods';", "ods") ==
             new_epoch);
  // The new owner goes on.
  c.my.exec("UPDATE clu.items SET note = 'latest' WHERE id = 1");
  BOOST_TEST(c.wait_for([&] { return note1() == "latest"; }, std::chrono::seconds(30)), note1());
  BOOST_TEST(c.owner("clu_ods") == c.addr[0]);
  {
    std::string e = c.wait_equal(std::chrono::seconds(30));
    BOOST_TEST(e.empty(), "at the end: " + e + "\n" + c.logs());
  }
  for (int i = 0; i < 2; ++i) c.nodes[i]->signal(SIGTERM);
  for (int i = 0; i < 2; ++i) {
    auto r = c.nodes[i]->wait(std::chrono::seconds(30));
    BOOST_TEST((r.exit_code == 0 || r.exit_code == -9), "node exit " << r.exit_code);
  }
}

// Kafka sources spread over nodes: `deploy --instances 2` runs two instances of a Kafka
// pipeline on two nodes in one consumer group; both read, and together they read everything.
// issue 21, point 3: TLS with a cluster CA. Nodes join and wake each other over TLS; the CLI
// deploys, reads status and undeploys with a client certificate from the CA; a plain client, a
// client and a node with certificates from another CA are refused.
BOOST_AUTO_TEST_CASE(tls_with_a_cluster_ca_between_nodes_and_with_the_cli) {
  Cluster c;
  const std::string d = c.dir.str() + "/";
  auto sh = [](const std::string& cmd) {
    BOOST_REQUIRE_MESSAGE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0, cmd);
  };
  auto make_ca = [&](const std::string& ca) {
    sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + ca + " -keyout " + d + ca +
       ".key -out " + d + ca + ".pem");
  };
  auto issue = [&](const std::string& name, const std::string& ca) {
    sh("openssl req -newkey rsa:2048 -nodes -subj /CN=" + name + " -keyout " + d + name +
       ".key -out " + d + name + ".csr");
    sh("openssl x509 -req -in " + d + name + ".csr -CA " + d + ca + ".pem -CAkey " + d + ca +
       ".key -CAcreateserial -days 2 -out " + d + name + ".pem");
  };
  make_ca("cluster-ca");
  make_ca("other-ca");
  for (const char* n : {"node0", "node1", "cli"}) issue(n, "cluster-ca");
  issue("intruder", "other-ca");
  auto flags = [&](const std::string& n, const std::string& ca) {
    return " --tls-cert " + d + n + ".pem --tls-key " + d + n + ".key --tls-ca " + d + ca + ".pem";
  };
  auto client = [&](const std::string& n) {
    auto env = c.env();
    env.push_back("SLUICE_CLUSTER_CERT=" + d + n + ".pem");
    env.push_back("SLUICE_CLUSTER_KEY=" + d + n + ".key");
    env.push_back("SLUICE_CLUSTER_CA=" + d + "cluster-ca.pem");
    return env;
  };

  c.start(0, false, flags("node0", "cluster-ca"));
  BOOST_REQUIRE(c.wait_for([&] { return c.live_nodes() == 1; }, std::chrono::seconds(20)));
  c.start(1, true, flags("node1", "cluster-ca"));
  BOOST_REQUIRE_MESSAGE(c.wait_for([&] { return c.live_nodes() == 2; }, std::chrono::seconds(20)),
                        c.logs());
  BOOST_TEST(read_file(c.dir.file("node1.log")).find("TLS with the cluster CA") !=
             std::string::npos);

  const std::string file = c.dir.file("t.pipe");
  write_file(file,
             "pipeline tls_ticker {\n"
             "  source generate g { rate = 100/s  fields { x = seq() } }\n"
             "  sink null n from g { }\n"
             "}\n");
  auto dep = run_sluice({"deploy", file, "--cluster", c.addr[1]}, client("cli"));
  BOOST_REQUIRE_MESSAGE(dep.exit_code == 0, dep.err + dep.out);
  BOOST_REQUIRE_MESSAGE(c.wait_for(
                            [&] {
                              return !c.owner("tls_ticker").empty() &&
                                     c.running_on("tls_ticker", c.owner("tls_ticker"));
                            },
                            std::chrono::seconds(30)),
                        c.logs());
  auto st = run_sluice({"status", "--cluster", c.addr[0]}, client("cli"));
  BOOST_TEST(st.exit_code == 0, st.err);
  BOOST_TEST(st.out.find("tls_ticker") != std::string::npos, st.out);

  // Refused: a plain client, a client of another CA, a deploy without a certificate.
  auto plain = run_sluice({"status", "--cluster", c.addr[0]}, c.env());
  BOOST_TEST(plain.exit_code == 3);
  BOOST_TEST(plain.out.find("tls_ticker") == std::string::npos, plain.out);
  BOOST_TEST(plain.err.find("SLUICE_CLUSTER_CERT") != std::string::npos, plain.err);
  auto other = client("intruder");
  auto intruder = run_sluice({"status", "--cluster", c.addr[0]}, other);
  BOOST_TEST(intruder.exit_code == 3);
  BOOST_TEST(intruder.out.find("tls_ticker") == std::string::npos, intruder.out);
  auto undeploy_plain = run_sluice({"undeploy", "tls_ticker", "--cluster", c.addr[0]}, c.env());
  BOOST_TEST(undeploy_plain.exit_code != 0);
  BOOST_TEST(!c.owner("tls_ticker").empty());

  // A node with a certificate from another CA cannot join.
  c.start(2, true, flags("intruder", "other-ca"));
  auto r = c.nodes[2]->wait(std::chrono::seconds(60));
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(read_file(c.dir.file("node2.log")).find("cannot join") != std::string::npos);
  BOOST_TEST(c.live_nodes() == 2);

  auto un = run_sluice({"undeploy", "tls_ticker", "--cluster", c.addr[0]}, client("cli"));
  BOOST_TEST(un.exit_code == 0, un.err + un.out);
  BOOST_TEST(c.wait_for([&] { return c.owner("tls_ticker").empty(); }, std::chrono::seconds(10)));
  for (int i = 0; i < 2; ++i) c.nodes[i]->signal(SIGTERM);
  for (int i = 0; i < 2; ++i) BOOST_TEST(c.nodes[i]->wait(std::chrono::seconds(60)).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(kafka_partitions_spread_over_nodes) {
  PostgresServer pg(false);
  KafkaMock kafka(1);
  kafka.create_topic("spread", 4);
  TempDir dir;
  std::vector<std::string> addr;
  std::vector<std::unique_ptr<Child>> nodes;
  for (int i = 0; i < 2; ++i) {
    addr.push_back("127.0.0.1:" + std::to_string(free_port()));
    std::string cmd = "exec " + sluice_bin() + " node --listen " + addr[i] + " --state " +
                      pg.url() + " --work-dir " + dir.file("n" + std::to_string(i)) +
                      (i ? " --join " + addr[0] : "") + " 2>>" +
                      dir.file("node" + std::to_string(i) + ".log");
    nodes.push_back(std::make_unique<Child>(std::vector<std::string>{"/bin/sh", "-c", cmd},
                                            std::vector<std::string>{}, dir.str()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  auto q = [&](const std::string& sql) { return pg.psql(sql); };
  auto logs = [&] {
    return read_file(dir.file("node0.log")) + read_file(dir.file("node1.log")) +
           q("SELECT node || ' ' || pipeline || ' ' || message FROM sluice_cluster.events "
             "ORDER BY id;");
  };
  const std::string file = dir.file("k.pipe");
  write_file(file,
             "pipeline kspread {\n"
             "  source kafka src {\n"
             "    brokers = \"" +
                 kafka.bootstrap() +
                 "\"\n"
                 "    topics = [\"spread\"]\n"
                 "    group = \"sluice-spread\"\n"
                 "    format = json\n"
                 "    start = earliest\n"
                 "    properties = [\"session.timeout.ms=6000\"]\n"
                 "  }\n"
                 "  sink null out from src { }\n"
                 "}\n");
  auto running = [&] {
    return q(
        "SELECT count(DISTINCT s.node) FROM sluice_cluster.pipeline_status s JOIN "
        "sluice_cluster.assignments a ON a.pipeline = s.pipeline AND a.node = s.node "
        "WHERE s.pipeline LIKE 'kspread#%' AND s.state = 'running' AND "
        "s.updated_at > clock_timestamp() - interval '2 seconds';");
  };
  auto until = [&](auto pred, int seconds) {
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < deadline && !pred()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return pred();
  };
  BOOST_REQUIRE_MESSAGE(until(
                            [&] {
                              try {
                                return std::stoi(q("SELECT count(*) FROM sluice_cluster.nodes;")) ==
                                       2;
                              } catch (...) {
                                return false;
                              }
                            },
                            20),
                        logs());
  auto d = run_sluice({"deploy", file, "--cluster", addr[0], "--instances", "2"});
  BOOST_REQUIRE_MESSAGE(d.exit_code == 0, d.err + d.out);
  BOOST_TEST(d.out.find("2 instances") != std::string::npos, d.out);
  BOOST_REQUIRE_MESSAGE(until([&] { return running() == "2"; }, 30), logs());
  // Let the group settle (first join ~3 s, then a rebalance for the second member).
  std::this_thread::sleep_for(std::chrono::seconds(8));
  std::vector<std::pair<std::string, std::string>> msgs;
  for (int i = 0; i < 4000; ++i) {
    msgs.emplace_back("k" + std::to_string(i), "{\"id\":" + std::to_string(i) + "}");
  }
  kafka.produce("spread", msgs);
  auto read_of = [&](const std::string& key) {
    try {
      return std::stoll(
          q("SELECT coalesce((SELECT records_read FROM sluice_cluster.pipeline_status "
            "WHERE pipeline = '" +
            key + "'), 0);"));
    } catch (...) {
      return 0LL;
    }
  };
  BOOST_REQUIRE_MESSAGE(
      until([&] { return read_of("kspread#1") + read_of("kspread#2") >= 4000; }, 40),
      "read " << read_of("kspread#1") << " + " << read_of("kspread#2") << "\n"
              << logs());
  const long long r1 = read_of("kspread#1"), r2 = read_of("kspread#2");
  std::printf("cluster: kafka instances read %lld and %lld of 4000 messages\n", r1, r2);
  BOOST_TEST(r1 > 0);
  BOOST_TEST(r2 > 0);
  auto st = run_sluice({"status", "--cluster", addr[1]});
  BOOST_TEST(st.out.find("kspread#1") != std::string::npos, st.out);
  BOOST_TEST(st.out.find("kspread#2") != std::string::npos, st.out);
  std::printf("%s\n", st.out.c_str());
  for (auto& n : nodes) n->signal(SIGTERM);
  for (auto& n : nodes) BOOST_TEST(n->wait(std::chrono::seconds(30)).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sluice::test
