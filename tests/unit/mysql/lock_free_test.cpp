// snapshot { method = lock_free } (chunked_snapshot.h) against the private MariaDB: the result
// equals the table under concurrent writes for keys of every kind, changes to other tables flow
// while a table is read, a crash resumes at the last row delivered, added tables are read while
// the others stream.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "base/json.h"
#include "tests/unit/mysql/mysql_test_util.h"

using namespace sluice;
using namespace sluice::test;
namespace my = sluice::operators::mysql;

namespace {

my::MySqlConfig lock_free_cfg(const std::string& db, std::vector<std::string> tables, int chunk,
                              int parallelism) {
  auto cfg = make_cfg(db, std::move(tables), my::SnapshotMode::Initial);
  cfg.snapshot_method = my::SnapshotMethod::LockFree;
  cfg.chunk_rows = chunk;
  cfg.parallelism = parallelism;
  return cfg;
}

// The same, chunks placed by watermark rows in db.sluice_signal (watermark = signal_table, as
// on a server without view positions: MySQL 8), the signal table created here.
my::MySqlConfig windowed_cfg(const std::string& db, std::vector<std::string> tables, int chunk,
                             int parallelism) {
  server().exec("CREATE TABLE " + db +
                ".sluice_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32), data "
                "VARCHAR(2048))");
  auto cfg = lock_free_cfg(db, std::move(tables), chunk, parallelism);
  cfg.signal_table = db + ".sluice_signal";
  cfg.watermark = my::SnapshotWatermark::SignalTable;
  return cfg;
}

my::MySqlConfig chunked_cfg(bool windowed, const std::string& db, std::vector<std::string> tables,
                            int chunk, int parallelism) {
  return windowed ? windowed_cfg(db, std::move(tables), chunk, parallelism)
                  : lock_free_cfg(db, std::move(tables), chunk, parallelism);
}

// A table as the events leave it: key text -> row text, per table.
struct Replica {
  std::map<std::string, std::map<std::string, std::string>> tables;
  std::map<std::string, size_t> reads;  // "table|key" -> snapshot reads
  void apply(const std::vector<Event>& evs, const std::vector<std::string>& key_cols) {
    for (const auto& e : evs) {
      if (e.op == Op::Schema) continue;  // the snapshot's statements
      const Object& row = e.op == Op::Delete ? e.before : e.row;
      std::string key, text;
      for (const auto& k : key_cols) key += field_text(row, k) + "|";
      for (const auto& f : row.fields()) text += f.value.to_display() + "|";
      auto& t = tables[e.source->table];
      if (e.op == Op::Read) ++reads[e.source->table + "|" + key];
      if (e.op == Op::Delete) {
        t.erase(key);
      } else {
        if (e.op == Op::Update) {  // the key may have changed
          std::string old;
          for (const auto& k : key_cols) old += field_text(e.before, k) + "|";
          t.erase(old);
        }
        t[key] = text;
      }
    }
  }
  static std::string field_text(const Object& row, const std::string& name) {
    const Value* v = row.find(intern(name));
    return v ? v->to_display() : "?";
  }
};

// The table as the server has it, in the same text form (read through a source's snapshot so
// that values are converted exactly as the events are).
std::map<std::string, std::string> server_table(const std::string& db, const std::string& table,
                                                const std::vector<std::string>& key_cols) {
  auto cfg = make_cfg(db, {table}, my::SnapshotMode::Only);
  cfg.snapshot_method = my::SnapshotMethod::Consistent;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  Replica r;
  std::vector<Event> all;
  while (true) {
    std::vector<Event> evs;
    auto p = src.poll(5000, evs);
    BOOST_REQUIRE(p.ok());
    r.apply(evs, key_cols);
    if (*p == Source::Poll::End) break;
  }
  return r.tables[table];
}

// A table without a key (columns a, b) as the events of table k leave it, copies counted.
struct RowBag {
  std::multiset<std::string> rows;
  static std::string text(const Object& r) {
    return Replica::field_text(r, "a") + "|" + Replica::field_text(r, "b");
  }
  void apply(const std::vector<Event>& evs) {
    for (const auto& e : evs) {
      if (e.source->table != "k" || e.op == Op::Schema) continue;
      if (e.op == Op::Delete || e.op == Op::Update) {
        const Object& gone = e.op == Op::Delete ? e.row : e.before;
        auto it = rows.find(text(gone));
        BOOST_REQUIRE_MESSAGE(it != rows.end(), "a change to a row not there: " << text(gone));
        rows.erase(it);
      }
      if (e.op != Op::Delete) rows.insert(text(e.row));
    }
  }
  // Equal to SELECT a, b FROM `table`, copies counted (NULL as the events show it: null).
  void check_equal_to(const std::string& table) const {
    std::multiset<std::string> want;
    for (const auto& r : server().query("SELECT a, b FROM " + table)) {
      want.insert(r.at(0).value_or("null") + "|" + r.at(1).value_or("null"));
    }
    BOOST_CHECK_EQUAL(rows.size(), want.size());
    BOOST_CHECK(rows == want);
  }
};

// Applies what the source delivers until no table is being read (60 s at most).
void apply_while_reading(my::MySqlSource& src, Replica& r, const std::vector<std::string>& key) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (src.checkpoint_state().find("reading=") != std::string::npos) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    r.apply(poll_for(src, std::chrono::milliseconds(20)), key);
  }
}

void check_equal(const std::map<std::string, std::string>& got,
                 const std::map<std::string, std::string>& want, const std::string& what) {
  BOOST_CHECK_EQUAL(got.size(), want.size());
  size_t shown = 0;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      if (shown++ < 5) BOOST_ERROR(what << ": missing " << k << " = " << v);
    } else if (it->second != v) {
      if (shown++ < 5) BOOST_ERROR(what << ": " << k << " is " << it->second << ", want " << v);
    }
  }
  for (const auto& [k, v] : got) {
    if (!want.count(k) && shown++ < 5) BOOST_ERROR(what << ": extra " << k << " = " << v);
  }
}

}  // namespace

namespace lock_free_test_cases {

void concurrent_writes_case(bool windowed) {
  server().exec(
      "DROP DATABASE IF EXISTS lf1; CREATE DATABASE lf1; "
      "CREATE TABLE lf1.comp (name VARCHAR(20) COLLATE utf8mb4_general_ci, n INT, v INT, "
      "PRIMARY KEY (name, n)); "
      "CREATE TABLE lf1.dec (d DECIMAL(30,10) PRIMARY KEY, v VARCHAR(20)); "
      "CREATE TABLE lf1.dt (day DATE PRIMARY KEY, v INT); "
      "INSERT INTO lf1.comp SELECT CONCAT(IF(seq % 2, 'a', 'B'), seq % 97), seq, 0 FROM "
      "lf1.seq_1_to_6000; "
      "INSERT INTO lf1.dec SELECT seq / 7, CONCAT('v', seq) FROM lf1.seq_1_to_6000; "
      "INSERT INTO lf1.dt SELECT DATE_ADD('2000-01-01', INTERVAL seq DAY), seq FROM "
      "lf1.seq_1_to_6000");
  auto cfg = chunked_cfg(windowed, "lf1", {"comp", "dec", "dt"}, 173, 3);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto c = server().connect();
    std::mt19937 rng(7);
    for (int i = 0; !stop && i < 3000; ++i, ++written) {
      int k = static_cast<int>(rng() % 6000) + 1;
      std::string s = std::to_string(k), g = std::to_string(i);
      switch (i % 6) {
        case 0:
          MariaDbServer::exec(c.get(), "UPDATE lf1.comp SET v = v + 1 WHERE n = " + s);
          break;
        case 1:
          MariaDbServer::exec(c.get(), "DELETE FROM lf1.dec WHERE d = " + s + " / 7");
          break;
        case 2:
          MariaDbServer::exec(c.get(),
                              "UPDATE lf1.dt SET day = DATE_ADD(day, INTERVAL 10000 "
                              "DAY) WHERE v = " +
                                  s);
          break;
        case 3:
          MariaDbServer::exec(c.get(),
                              "INSERT IGNORE INTO lf1.comp VALUES ('c" + g + "', " + g + ", 9)");
          break;
        case 4:
          MariaDbServer::exec(c.get(), "INSERT IGNORE INTO lf1.dec VALUES (" + s +
                                           " / 7 + 0.5, "
                                           "'n')");
          break;
        default:
          MariaDbServer::exec(c.get(),
                              "UPDATE lf1.dec SET v = 'u" + g + "' WHERE d = " + s + " / 7");
      }
    }
  });
  my::MySqlSource src(cfg);
  auto o = src.open("");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  Replica comp, dec, dt;
  auto take = [&](const std::vector<Event>& evs) {
    for (const auto& e : evs) {
      std::vector<Event> one;
      one.push_back(e);
      if (e.source->table == "comp") comp.apply(one, {"name", "n"});
      if (e.source->table == "dec") dec.apply(one, {"d"});
      if (e.source->table == "dt") dt.apply(one, {"day"});
    }
  };
  // Read slowly (about 2 s for the snapshot), so that the writes land all over it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  size_t snapshot_rows = 0;
  while (src.checkpoint_state().find("reading=") != std::string::npos) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::vector<Event> evs;
    auto p = src.poll(50, evs);
    BOOST_REQUIRE(p.ok());
    for (const auto& e : evs) snapshot_rows += e.op == Op::Read;
    take(evs);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int written_during = written.load();
  writer.join();
  BOOST_TEST_MESSAGE(snapshot_rows << " rows read while " << written_during << " writes ran");
  BOOST_CHECK(written_during > 300);
  take(poll_for(src, std::chrono::milliseconds(1500)));
  check_equal(comp.tables["comp"], server_table("lf1", "comp", {"name", "n"}), "comp");
  check_equal(dec.tables["dec"], server_table("lf1", "dec", {"d"}), "dec");
  check_equal(dt.tables["dt"], server_table("lf1", "dt", {"day"}), "dt");
  for (auto* r : {&comp, &dec, &dt}) {
    for (const auto& [k, n] : r->reads) BOOST_REQUIRE_MESSAGE(n == 1, k << " read " << n);
  }
  src.close();
  if (windowed) {  // every watermark row deleted again
    auto left = server().query("SELECT COUNT(*) FROM lf1.sluice_signal");
    BOOST_CHECK_EQUAL(left.at(0).at(0).value_or("?"), "0");
  }
}

void resume_case(bool windowed) {
  server().exec(
      "DROP DATABASE IF EXISTS lf3; CREATE DATABASE lf3; CREATE TABLE lf3.a (id INT PRIMARY "
      "KEY); CREATE TABLE lf3.c (k VARCHAR(10) PRIMARY KEY); "
      "INSERT INTO lf3.a SELECT seq FROM lf3.seq_1_to_3000; "
      "INSERT INTO lf3.c VALUES ('x'), ('y')");
  auto cfg = chunked_cfg(windowed, "lf3", {"a", "c"}, 100, 2);
  std::string state;
  std::vector<int64_t> ids;
  {
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    for (auto& e : poll_n(src, 1234, std::chrono::seconds(10), 50)) {
      if (e.source->table == "a") ids.push_back(field(e, "id").as_int());
    }
    state = src.checkpoint_state();
    BOOST_CHECK_MESSAGE(state.find("phase=stream") != std::string::npos &&
                            state.find("reading=1|") != std::string::npos,
                        state);
  }
  server().exec("INSERT INTO lf3.a VALUES (5000); INSERT INTO lf3.c VALUES ('z')");
  my::MySqlSource src(cfg);
  auto o = src.open(state);
  BOOST_REQUIRE_MESSAGE(o.ok(), o.err().message);
  size_t created = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (src.checkpoint_state().find("reading=") != std::string::npos) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    for (auto& e : poll_for(src, std::chrono::milliseconds(50))) {
      if (e.source->table == "a" && e.op == Op::Read) ids.push_back(field(e, "id").as_int());
      if (e.op == Op::Create) ++created;
    }
  }
  BOOST_REQUIRE_EQUAL(ids.size(), 3001u);  // 5000 read by the resumed view as well
  for (size_t i = 0; i < 3000; ++i) BOOST_REQUIRE_EQUAL(ids[i], static_cast<int64_t>(i + 1));
  BOOST_CHECK_EQUAL(ids[3000], 5000);
  for (auto& e : poll_for(src, std::chrono::milliseconds(500))) created += e.op == Op::Create;
  BOOST_CHECK_EQUAL(created, 2u);  // both inserts streamed
}

void on_demand_case(bool windowed) {
  server().exec(
      "DROP DATABASE IF EXISTS lf5; CREATE DATABASE lf5; "
      "CREATE TABLE lf5.t (id INT PRIMARY KEY, v INT); "
      "CREATE TABLE lf5.u (id INT PRIMARY KEY, region VARCHAR(4)); "
      "CREATE TABLE lf5.sig (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32), data VARCHAR(2048)); "
      "INSERT INTO lf5.t SELECT seq, seq FROM lf5.seq_1_to_5000; "
      "INSERT INTO lf5.u SELECT seq, IF(seq % 2, 'eu', 'us') FROM lf5.seq_1_to_100");
  auto cfg = lock_free_cfg("lf5", {}, 500, 2);
  cfg.signal_table = "lf5.sig";
  if (windowed) cfg.watermark = my::SnapshotWatermark::SignalTable;
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  auto wait_read = [&](Replica& r, std::map<std::string, size_t>& reads) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    do {
      BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
      auto evs = poll_for(src, std::chrono::milliseconds(50));
      for (const auto& e : evs) {
        BOOST_REQUIRE_MESSAGE(e.source->table != "sig", "a signal row came out");
        if (e.op == Op::Read) ++reads[e.source->table];
      }
      r.apply(evs, {"id"});
    } while (src.checkpoint_state().find("reading=") != std::string::npos);
    r.apply(poll_for(src, std::chrono::milliseconds(300)), {"id"});
  };
  Replica r;
  std::map<std::string, size_t> reads;
  wait_read(r, reads);  // the initial snapshot: t and u, not sig
  BOOST_CHECK_EQUAL(reads["t"], 5000u);
  BOOST_CHECK_EQUAL(reads["u"], 100u);
  BOOST_CHECK_EQUAL(reads.count("sig"), 0u);

  // A signal: t again, u only where region = 'eu'; a change during the read streams.
  reads.clear();
  server().exec(
      "INSERT INTO lf5.sig VALUES ('s-1', 'execute-snapshot', '{\"data-collections\": "
      "[\"lf5.t\", \"lf5.u\"], \"type\": \"incremental\", \"additional-conditions\": "
      "[{\"data-collection\": \"lf5.u\", \"filter\": \"region = ''eu''\"}]}'); "
      "UPDATE lf5.t SET v = -1 WHERE id = 4321");
  wait_read(r, reads);
  BOOST_CHECK_EQUAL(reads["t"], 5000u);
  BOOST_CHECK_EQUAL(reads["u"], 50u);
  check_equal(r.tables["t"], server_table("lf5", "t", {"id"}), "t");
  BOOST_CHECK(src.checkpoint_state().find("reading=") == std::string::npos);

  // The command path: unknown tables are refused with the captured patterns named.
  auto bad = src.command("snapshot", json::parse(R"({"tables": ["lf5.nope"]})").value());
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK(bad.err().message.find("matches no table") != std::string::npos);
  auto ok = src.command("snapshot", json::parse(R"({"tables": ["t"]})").value());
  BOOST_REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? std::string() : ok.err().message));
  BOOST_CHECK(ok->find("reading lf5.t") != std::string::npos);
  BOOST_CHECK(src.checkpoint_state().find("|lf5.t\n") != std::string::npos);
  auto again = src.command("snapshot", json::parse(R"({"tables": ["lf5.t"]})").value());
  BOOST_CHECK(again.ok() && again->find("already being read: lf5.t") != std::string::npos);
  auto stop = src.command("stop-snapshot", json::parse(R"({"tables": ["lf5.t"]})").value());
  BOOST_CHECK(stop.ok() && stop->find("stopped reading lf5.t") != std::string::npos);
  BOOST_CHECK(src.checkpoint_state().find("reading=") == std::string::npos);
  // A stop-snapshot signal with nothing being read, then streaming goes on.
  server().exec(
      "INSERT INTO lf5.sig VALUES ('s-2', 'stop-snapshot', '{\"type\": \"incremental\"}'); "
      "INSERT INTO lf5.t VALUES (9999, 9)");
  bool seen = false;
  for (auto& e : poll_n(src, 200, std::chrono::seconds(10))) {
    seen |= e.op == Op::Create && field(e, "id").as_int() == 9999;
    BOOST_CHECK(e.source->table != "sig");
  }
  BOOST_CHECK(seen);
}

void window_drop_case(const std::string& key_type, const std::string& key_value) {
  server().exec(
      "DROP DATABASE IF EXISTS lfw; CREATE DATABASE lfw; CREATE TABLE lfw.w (id " + key_type +
      " PRIMARY KEY, n INT, v INT, pad VARCHAR(200), KEY (n)); INSERT INTO lfw.w SELECT " +
      key_value + ", seq, 0, REPEAT('p', 200) FROM lfw.seq_1_to_60000");
  auto cfg = windowed_cfg("lfw", {"w"}, 30000, 1);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto c = server().connect();
    std::mt19937 rng(11);
    while (!stop) {
      const std::string k = std::to_string(static_cast<int>(rng() % 60000) + 1);
      MariaDbServer::exec(c.get(), "UPDATE lfw.w SET v = v + 1 WHERE n = " + k);
      ++written;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  my::MySqlSource src(cfg);
  BOOST_CHECK(src.open("").ok());
  Replica r;
  apply_while_reading(src, r, {"id"});
  stop = true;
  writer.join();
  r.apply(poll_for(src, std::chrono::milliseconds(1500)), {"id"});
  BOOST_TEST_MESSAGE(written.load() << " updates ran");
  check_equal(r.tables["w"], server_table("lfw", "w", {"id"}), "w");
}

}  // namespace lock_free_test_cases

BOOST_AUTO_TEST_SUITE(mysql_lock_free)

// Keys of every kind the chunks are planned on (composite with a case-insensitive string,
// decimal, date): the events, applied in order, give exactly the table, although rows were
// inserted, updated (keys too), deleted all over the key range while it was read.
BOOST_AUTO_TEST_CASE(equals_the_table_under_concurrent_writes_for_every_key_kind) {
  lock_free_test_cases::concurrent_writes_case(false);
}

// The same with watermark rows in a signal table (MySQL 8's way).
BOOST_AUTO_TEST_CASE(signal_table_watermarks_equal_the_table_under_concurrent_writes) {
  lock_free_test_cases::concurrent_writes_case(true);
}

// A change to another table made while a big one is read reaches the output long before the
// big table's last row.
BOOST_AUTO_TEST_CASE(changes_to_other_tables_flow_while_a_table_is_read) {
  server().exec(
      "DROP DATABASE IF EXISTS lf2; CREATE DATABASE lf2; "
      "CREATE TABLE lf2.big (id INT PRIMARY KEY, pad VARCHAR(100)); "
      "CREATE TABLE lf2.other (id INT PRIMARY KEY); "
      "INSERT INTO lf2.big SELECT seq, REPEAT('x', 100) FROM lf2.seq_1_to_40000");
  auto cfg = lock_free_cfg("lf2", {"big", "other"}, 500, 1);
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  size_t big = 0;
  for (auto& e : poll_n(src, 2000, std::chrono::seconds(10), 100)) big += e.source->table == "big";
  BOOST_REQUIRE_EQUAL(big, 2000u);
  server().exec("INSERT INTO lf2.other VALUES (1)");
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    for (auto& e : poll_n(src, 100, std::chrono::milliseconds(200), 100)) {
      if (e.source->table == "other" && e.op == Op::Create) seen = true;
      if (e.source->table == "big") ++big;
    }
  }
  BOOST_REQUIRE(seen);
  BOOST_CHECK_MESSAGE(big < 10000, "the change came after " << big << " of 40000 rows");
  BOOST_CHECK(src.checkpoint_state().find("reading=") != std::string::npos);
}

// A crash mid-snapshot (the source dropped without close, its last checkpoint state kept):
// the reopened source streams from the checkpoint and reads each table on after the last row
// it delivered; no row is read twice or missed, in key order.
BOOST_AUTO_TEST_CASE(resumes_after_the_last_row_delivered) {
  lock_free_test_cases::resume_case(false);
}

BOOST_AUTO_TEST_CASE(signal_table_watermarks_resume_after_the_last_row_delivered) {
  lock_free_test_cases::resume_case(true);
}

// Watermarks at work: rows updated while their chunk is read (after its view opened, before its
// close row) must not come out with their old values after the updates: one large chunk, a
// writer updating keys all over it the whole time.
BOOST_AUTO_TEST_CASE(signal_table_watermarks_drop_rows_changed_in_their_window) {
  lock_free_test_cases::window_drop_case("INT", "seq");
}

// The same with a UUID key (MariaDB's type plugin): the stream's keys must be the text the
// chunk's rows carry, or the window's changes would not take their rows out.
BOOST_AUTO_TEST_CASE(signal_table_watermarks_drop_rows_changed_in_their_window_uuid_key) {
  lock_free_test_cases::window_drop_case("UUID", "UUID()");
}

// A table without a key under watermarks: read in one window, again while it changes inside
// the window; one changed in every window fails the snapshot after 20 reads, saying what to do;
// with a `key` rule it is read by that key, exact under concurrent updates.
BOOST_AUTO_TEST_CASE(signal_table_watermarks_and_keyless_tables) {
  server().exec(
      "DROP DATABASE IF EXISTS lfk; CREATE DATABASE lfk; "
      "CREATE TABLE lfk.k (a INT, b INT, pad VARCHAR(200), KEY (a)); "
      "INSERT INTO lfk.k SELECT seq, 0, REPEAT('p', 200) FROM lfk.seq_1_to_40000");
  auto cfg = windowed_cfg("lfk", {"k"}, 5000, 1);
  {
    // A change in every window: three writers, so that one or two stalled on a busy machine
    // (the window of a 40,000-row read lasts some 100 ms) leave no window without one. The
    // index on `a` (not unique: the table stays without a key) makes each update one row's
    // work; without it every update scanned and locked the whole table, and the writers
    // queued behind each other long enough to leave a window without a change. Each writer
    // pauses 2 ms between updates (some 1,500 a second in all, hundreds a window): unpaced,
    // they wrote faster than a sanitizer build decodes, each read waited for a longer binlog
    // backlog than the one before, and the 20 reads outlasted the deadline.
    std::atomic<bool> busy{false};
    std::vector<std::thread> hammers;
    for (int h = 0; h < 3; ++h) {
      hammers.emplace_back([&busy, h] {
        auto c = server().connect();
        for (int i = h * 13333; !busy; ++i) {
          MariaDbServer::exec(
              c.get(), "UPDATE lfk.k SET b = b + 1 WHERE a = " + std::to_string(i % 40000 + 1));
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      });
    }
    my::MySqlSource src(cfg);
    BOOST_CHECK(src.open("").ok());
    std::string msg;
    bool came_out = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (msg.empty() && !came_out && std::chrono::steady_clock::now() < deadline) {
      std::vector<Event> out;
      auto r = src.poll(1000, out);
      if (!r.ok()) msg = r.err().message;
      for (const auto& e : out) came_out |= e.source->table == "k" && e.op != Op::Schema;
    }
    busy = true;
    for (auto& t : hammers) t.join();
    BOOST_CHECK_MESSAGE(!came_out, "rows of a table written in every window came out");
    BOOST_CHECK_MESSAGE(msg.find("changed during each of 20 reads") != std::string::npos &&
                            msg.find("`key` rule") != std::string::npos,
                        msg);
  }
  cfg.key = my::KeyRules("lfk", {}, {{"k", {"a"}}});
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto c = server().connect();
    std::mt19937 rng(13);
    while (!stop) {
      const std::string a = std::to_string(static_cast<int>(rng() % 40000) + 1);
      MariaDbServer::exec(c.get(), "UPDATE lfk.k SET b = b + 1 WHERE a = " + a);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  Replica r;
  apply_while_reading(src, r, {"a"});
  stop = true;
  writer.join();
  r.apply(poll_for(src, std::chrono::milliseconds(1500)), {"a"});
  check_equal(r.tables["k"], server_table("lfk", "k", {"a"}), "k");
}

// A table without a key under watermarks while it is written for a while: its windows with
// changes are read again, then every row comes out once and the changes after it apply.
BOOST_AUTO_TEST_CASE(signal_table_watermarks_read_a_keyless_table_again_until_quiet) {
  server().exec(
      "DROP DATABASE IF EXISTS lfq; CREATE DATABASE lfq; CREATE TABLE lfq.k (a INT, b INT); "
      "INSERT INTO lfq.k SELECT seq % 20000, 0 FROM lfq.seq_1_to_40000");  // each row twice
  auto cfg = windowed_cfg("lfq", {"k"}, 5000, 1);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto c = server().connect();
    std::mt19937 rng(23);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(700);
    for (int i = 0; !stop && std::chrono::steady_clock::now() < until; ++i) {
      const std::string a = std::to_string(static_cast<int>(rng() % 20000));
      MariaDbServer::exec(c.get(), i % 3 == 0
                                       ? "INSERT INTO lfq.k VALUES (" + a + ", 7)"
                                       : "UPDATE lfq.k SET b = b + 1 WHERE a = " + a + " LIMIT 1");
    }
  });
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  RowBag bag;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (src.checkpoint_state().find("reading=") != std::string::npos) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    bag.apply(poll_for(src, std::chrono::milliseconds(20)));
  }
  stop = true;
  writer.join();
  server().exec("UPDATE lfq.k SET b = -1 WHERE a = 5 LIMIT 1");
  bag.apply(poll_for(src, std::chrono::milliseconds(1500)));
  bag.check_equal_to("lfq.k");
}

// A table without a key read in one pass after a keyed one, while rows of it are inserted and
// updated: its changes made before its view are in its rows, so they are not sent as well (a
// keyless target would hold them twice); every row comes out once, changes after it apply.
BOOST_AUTO_TEST_CASE(a_keyless_table_changed_before_its_view_comes_out_once) {
  server().exec(
      "DROP DATABASE IF EXISTS lfn; CREATE DATABASE lfn; "
      "CREATE TABLE lfn.a_big (id INT PRIMARY KEY, pad VARCHAR(200)); "
      "CREATE TABLE lfn.k (a INT, b INT); "
      "INSERT INTO lfn.a_big SELECT seq, REPEAT('p', 200) FROM lfn.seq_1_to_60000; "
      "INSERT INTO lfn.k SELECT seq, 0 FROM lfn.seq_1_to_5000");
  auto cfg = lock_free_cfg("lfn", {"a_big", "k"}, 2000, 1);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto c = server().connect();
    std::mt19937 rng(19);
    for (int i = 0; !stop; ++i) {
      if (i % 2 == 0) {
        MariaDbServer::exec(c.get(),
                            "INSERT INTO lfn.k VALUES (" + std::to_string(100000 + i) + ", 1)");
      } else {
        MariaDbServer::exec(c.get(), "UPDATE lfn.k SET b = b + 1 WHERE a = " +
                                         std::to_string(static_cast<int>(rng() % 5000) + 1));
      }
    }
  });
  my::MySqlSource src(cfg);
  BOOST_REQUIRE(src.open("").ok());
  RowBag bag;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (src.checkpoint_state().find("reading=") != std::string::npos) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    bag.apply(poll_for(src, std::chrono::milliseconds(20)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  bag.apply(poll_for(src, std::chrono::milliseconds(1500)));
  bag.check_equal_to("lfn.k");
}

// A table added to `tables` after a checkpoint is read while the stream goes on from the
// checkpoint: the others lose nothing, the added one ends equal to the server's.
// Chunks of a table with a three-column key (INT, case-insensitive VARCHAR, DATE), with chunk
// boundaries falling inside runs of equal leading columns: the snapshot equals the table, and
// each chunk reads only its own part of the key's index (an index range). With the key bounds
// written as row constructors, (a, b, c) > (x, y, z), the server read the index from its first
// entry for every chunk: 60 chunks of 30,000 rows cost 2,774,940 index reads (59,940 now).
BOOST_AUTO_TEST_CASE(chunks_of_a_composite_key_read_only_their_own_rows) {
  server().exec(
      "DROP DATABASE IF EXISTS lf8; CREATE DATABASE lf8; "
      "CREATE TABLE lf8.c3 (a INT, b VARCHAR(20) COLLATE utf8mb4_general_ci, c DATE, v INT, "
      "PRIMARY KEY (a, b, c)); "
      "INSERT INTO lf8.c3 SELECT seq % 7, CONCAT(IF(seq % 2, 'k', 'K'), seq % 13), "
      "DATE_ADD('2000-01-01', INTERVAL seq DAY), seq FROM lf8.seq_1_to_30000");
  auto index_reads = [] {
    auto r = server().query("SHOW GLOBAL STATUS LIKE 'Handler_read_next'");
    return std::stoull(r.at(0).at(1).value_or("0"));
  };
  const auto before = index_reads();
  my::MySqlSource src(lock_free_cfg("lf8", {"c3"}, 500, 1));
  BOOST_REQUIRE(src.open("").ok());
  Replica r;
  apply_while_reading(src, r, {"a", "b", "c"});
  r.apply(poll_for(src, std::chrono::milliseconds(300)), {"a", "b", "c"});
  const auto reads = index_reads() - before;
  BOOST_TEST_MESSAGE("index reads for a 30,000-row snapshot in 60 chunks: " << reads);
  BOOST_CHECK_LT(reads, 150000u);  // each row about twice: the chunk's end, then its rows
  BOOST_CHECK_EQUAL(r.tables["c3"].size(), 30000u);
  check_equal(r.tables["c3"], server_table("lf8", "c3", {"a", "b", "c"}), "c3");
  for (const auto& [k, n] : r.reads) BOOST_REQUIRE_MESSAGE(n == 1, k << " read " << n);
}

// A primary key of every type chunks can be bounded by: each row comes out exactly once. The
// bounds are the key's text as the server sends it, compared by the server as a quoted literal
// (an ENUM compares as its text but sorts by its index; a FLOAT's text is rounded; a BIT or
// VARBINARY key is raw bytes).
BOOST_AUTO_TEST_CASE(chunk_bounds_hold_for_keys_of_every_type) {
  std::string enum_values;
  for (int i = 299; i >= 0; --i) enum_values += (i == 299 ? "'v" : ",'v") + std::to_string(i) + "'";
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"ENUM(" + enum_values + ")", "CONCAT('v', seq % 300)"},
      {"FLOAT", "seq / 3"},
      {"DOUBLE", "seq / 7"},
      {"VARBINARY(16)", "UNHEX(MD5(seq))"},
      {"BINARY(3)", "UNHEX(LPAD(HEX(seq * 251), 6, '0'))"},
      {"DECIMAL(65,30)",
       "CAST(CONCAT(REPEAT('9', 30), seq, '.', LPAD(seq, 30, '0')) AS DECIMAL(65,30))"},
      {"DATETIME(6)", "DATE_ADD('2000-01-01', INTERVAL seq * 1001 MICROSECOND)"},
      {"TIME(3)", "SEC_TO_TIME((CAST(seq AS SIGNED) - 1500) * 1.5)"},
      {"BIT(16)", "seq * 17"},
      {"YEAR", "1900 + seq % 255 + 1"},
      {"BIGINT UNSIGNED", "18446744073709551615 - seq"},
      {"CHAR(8) COLLATE utf8mb4_bin", "CONCAT(IF(seq % 2, 'a', 'A'), seq)"},
      {"UUID", "UUID()"},
      {"INET6",
       "CONCAT(IF(seq % 3, '2001:db8::', '::ffff:10.0.'), IF(seq % 3, HEX(seq), "
       "CONCAT(seq DIV 256, '.', seq % 256)))"},
      {"INET4", "CONCAT('10.', seq % 7, '.', seq DIV 256, '.', seq % 256)"},
  };
  std::string sql = "DROP DATABASE IF EXISTS lf9; CREATE DATABASE lf9; ";
  std::vector<std::string> tables;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const std::string t = "t" + std::to_string(i);
    tables.push_back(t);
    sql += "CREATE TABLE lf9." + t + " (k " + kinds[i].first +
           " PRIMARY KEY, v INT); INSERT IGNORE INTO lf9." + t + " SELECT " + kinds[i].second +
           ", seq FROM lf9.seq_1_to_3000; ";
  }
  server().exec(sql);
  for (bool windowed : {false, true}) {
    if (windowed) server().exec("DROP TABLE IF EXISTS lf9.sluice_signal");
    my::MySqlSource src(chunked_cfg(windowed, "lf9", tables, 97, 2));
    BOOST_REQUIRE(src.open("").ok());
    Replica r;
    apply_while_reading(src, r, {"v"});
    r.apply(poll_for(src, std::chrono::milliseconds(300)), {"v"});
    for (size_t i = 0; i < kinds.size(); ++i) {
      const std::string& t = tables[i];
      auto n = server().query("SELECT COUNT(*) FROM lf9." + t);
      BOOST_CHECK_MESSAGE(std::to_string(r.tables[t].size()) == n.at(0).at(0).value_or("?"),
                          kinds[i].first << ": " << r.tables[t].size() << " rows came out of "
                                         << n.at(0).at(0).value_or("?")
                                         << " (watermark rows: " << windowed << ")");
    }
    for (const auto& [k, n] : r.reads) BOOST_CHECK_MESSAGE(n == 1, k << " read " << n);
  }
}

// A `key` rule whose column does not tell rows apart: NULLs (no key range holds them; a quarter
// of the rows were lost before) or values shared by several rows (rows sharing the value at the
// end of a page were skipped by the next page: 139 of 3,000 lost). No row is lost, whichever way
// chunks are placed or pages are read.
BOOST_AUTO_TEST_CASE(a_key_rule_that_does_not_tell_rows_apart_loses_no_row) {
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"lfn", "INSERT INTO DB.k SELECT IF(seq % 4 = 0, NULL, seq), seq FROM DB.seq_1_to_2000"},
      {"lfd", "INSERT INTO DB.k SELECT seq DIV 7, seq FROM DB.seq_1_to_3000"},
  };
  for (const auto& [prefix, insert] : kinds) {
    auto fill = [&, insert = insert](const std::string& db) {
      std::string sql = insert;
      for (size_t at; (at = sql.find("DB.")) != std::string::npos;) sql.replace(at, 2, db);
      server().exec("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db +
                    "; CREATE TABLE " + db + ".k (a INT NULL, b INT); " + sql);
    };
    for (bool windowed : {false, true}) {
      const std::string db = prefix + (windowed ? "2" : "1");
      fill(db);
      auto cfg = chunked_cfg(windowed, db, {"k"}, 100, 2);
      cfg.key = my::KeyRules(db, {}, {{"k", {"a"}}});
      my::MySqlSource src(cfg);
      BOOST_REQUIRE(src.open("").ok());
      RowBag got;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (src.checkpoint_state().find("reading=") != std::string::npos) {
        BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
        got.apply(poll_for(src, std::chrono::milliseconds(20)));
      }
      got.apply(poll_for(src, std::chrono::milliseconds(300)));
      got.check_equal_to(db + ".k");
    }
    // method = consistent pages by the key as well.
    const std::string db = prefix + "3";
    fill(db);
    auto cfg = make_cfg(db, {"k"}, my::SnapshotMode::Only);
    cfg.snapshot_method = my::SnapshotMethod::Consistent;
    cfg.chunk_rows = 100;
    cfg.key = my::KeyRules(db, {}, {{"k", {"a"}}});
    my::MySqlSource src(cfg);
    BOOST_REQUIRE(src.open("").ok());
    RowBag got;
    while (true) {
      std::vector<Event> evs;
      auto p = src.poll(5000, evs);
      BOOST_REQUIRE(p.ok());
      got.apply(evs);
      if (*p == Source::Poll::End) break;
    }
    got.check_equal_to(db + ".k");
  }
}

BOOST_AUTO_TEST_CASE(an_added_table_is_read_while_streaming) {
  server().exec(
      "DROP DATABASE IF EXISTS lf4; CREATE DATABASE lf4; "
      "CREATE TABLE lf4.a (id INT PRIMARY KEY, v INT); CREATE TABLE lf4.b (id INT PRIMARY KEY, "
      "v INT); INSERT INTO lf4.a VALUES (1, 1); "
      "INSERT INTO lf4.b SELECT seq, seq FROM lf4.seq_1_to_2000");
  std::string state;
  {
    my::MySqlSource src(lock_free_cfg("lf4", {"a"}, 100, 1));
    BOOST_REQUIRE(src.open("").ok());
    BOOST_REQUIRE_EQUAL(poll_n(src, 1).size(), 1u);
    poll_for(src, std::chrono::milliseconds(300));
    state = src.checkpoint_state();
  }
  server().exec(
      "INSERT INTO lf4.a VALUES (2, 2); UPDATE lf4.b SET v = -1 WHERE id = 7; DELETE FROM "
      "lf4.b WHERE id = 8");
  my::MySqlSource src(lock_free_cfg("lf4", {"a", "b"}, 100, 2));
  BOOST_REQUIRE(src.open(state).ok());
  BOOST_CHECK(src.checkpoint_state().find("reading=0|||lf4.b") != std::string::npos);
  Replica r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (src.checkpoint_state().find("reading=") != std::string::npos) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    r.apply(poll_for(src, std::chrono::milliseconds(50)), {"id"});
    server().exec("UPDATE lf4.b SET v = v + 1 WHERE id = 1999");
  }
  r.apply(poll_for(src, std::chrono::milliseconds(500)), {"id"});
  BOOST_CHECK_EQUAL(r.tables["a"].size(), 1u);  // a2 streamed (a1 was before the state)
  check_equal(r.tables["b"], server_table("lf4", "b", {"id"}), "b");
}

// snapshot { rows_per_second }: 20,000 rows at 5,000 a second in chunks (or pages) of 1,000
// take at least 3.2 s whatever the machine (the first two chunks at once, then one chunk's
// time at the rate per chunk; unpaced they take a fraction of a second); every row comes out
// once. By view position, by watermark rows, in one consistent
// view, and a table without a key (paced a page at a time).
BOOST_AUTO_TEST_CASE(rows_per_second_paces_the_snapshot) {
  server().exec(
      "DROP DATABASE IF EXISTS lfr; CREATE DATABASE lfr; "
      "CREATE TABLE lfr.t (id INT PRIMARY KEY, v INT); "
      "CREATE TABLE lfr.k (a INT, b INT); "
      "INSERT INTO lfr.t SELECT seq, seq FROM lfr.seq_1_to_20000; "
      "INSERT INTO lfr.k SELECT seq, seq FROM lfr.seq_1_to_20000");
  for (const char* how : {"view", "signal_table", "consistent", "keyless"}) {
    BOOST_TEST_CONTEXT(how) {
      const std::string h = how;
      const std::string table = h == "keyless" ? "k" : "t";
      auto cfg = h == "signal_table" ? windowed_cfg("lfr", {table}, 1000, 2)
                                     : lock_free_cfg("lfr", {table}, 1000, 2);
      if (h == "consistent") cfg.snapshot_method = my::SnapshotMethod::Consistent;
      cfg.rows_per_second = 5000;
      const auto started = std::chrono::steady_clock::now();
      my::MySqlSource src(cfg);
      BOOST_REQUIRE(src.open("").ok());
      std::set<int64_t> ids;
      size_t rows = 0;
      auto deadline = started + std::chrono::seconds(60);
      while (ids.size() < 20000 && std::chrono::steady_clock::now() < deadline) {
        for (const auto& e : poll_for(src, std::chrono::milliseconds(100))) {
          if (e.op != Op::Read) continue;
          ++rows;
          ids.insert(field(e, h == "keyless" ? "a" : "id").as_int());
        }
      }
      const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
      BOOST_CHECK_EQUAL(ids.size(), 20000u);
      BOOST_CHECK_EQUAL(rows, 20000u);
      BOOST_CHECK_MESSAGE(took.count() >= 3.2,
                          "20,000 rows at 5,000/s took " << took.count() << " s");
      if (h == "signal_table") server().exec("DROP TABLE lfr.sluice_signal");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mysql_snapshot_on_demand)

// A row in the signal table (Debezium's execute-snapshot) re-reads a table while its changes
// keep streaming; the signal rows never come out; additional-conditions filter the rows;
// stop-snapshot ends a read; the same through command() (the management API's path).
BOOST_AUTO_TEST_CASE(signal_rows_and_commands_reread_tables_while_streaming) {
  lock_free_test_cases::on_demand_case(false);
}

// The same with the chunks placed by watermark rows in that signal table (MySQL 8's way).
BOOST_AUTO_TEST_CASE(signal_table_watermarks_reread_tables_on_demand) {
  lock_free_test_cases::on_demand_case(true);
}

BOOST_AUTO_TEST_SUITE_END()
