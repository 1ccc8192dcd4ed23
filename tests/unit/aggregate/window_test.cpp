// Event-time windows of the aggregate: tumbling, hopping and session windows, the watermark,
// allowed lateness, emit = on_update | on_close, late events to the dead letters (kind
// "late"), closed windows' state dropped, restores mid-stream, on both state backends.
#include <boost/test/unit_test.hpp>

#include "agg_test_util.h"
#include "engine/actors/config_builder.h"
#include "operators/aggregate/aggregate_processor.h"
#include "support/process.h"

using namespace sluice;
using namespace aggtest;
using operators::aggregate::AggregateProcessor;

namespace {

constexpr int64_t kMin = 60LL * 1000000LL;
const int64_t kT0 = 1704067200LL * 1000000LL;  // 2024-01-01T00:00:00Z

// `aggregate agg from core { BODY }` with its options evaluated as the engine does; disk: the
// state in a RocksDB store under dir with a one-group cache.
struct WStage {
  Stage s;
  std::unique_ptr<sluice::test::TempDir> dir;
  AggregateProcessor& agg() { return dynamic_cast<AggregateProcessor&>(*s.proc); }
};

WStage make_window(const std::string& body, bool disk) {
  WStage w;
  w.s = make_agg(body);
  auto spec = operators::aggregate::processor_spec();
  auto cfg = engine::ConfigBuilder::stage("p", *w.s.cfg.ast, &spec, "");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.err().message));
  w.s.cfg = std::move(cfg).value();
  if (disk) {
    w.dir = std::make_unique<sluice::test::TempDir>();
    w.s.cfg.state_dir = w.dir->str();
    w.s.cfg.state.memory_bytes = 4096;
  }
  w.s.proc = w.s.another();
  BOOST_REQUIRE(w.s.proc->open("").ok());
  BOOST_REQUIRE(w.agg().on_disk() == disk);
  return w;
}

// A row of user `u` at minute `m` after kT0 with amount `a` (id: the row identity).
Object row(int id, const std::string& u, int64_t m, int a) {
  Object o;
  o.append(intern("id"), Value::int64(id));
  o.append(intern("u"), Value::string(u));
  o.append(intern("at"), Value::datetime(kT0 + m * kMin));
  o.append(intern("amount"), Value::int64(a));
  return o;
}
Event add(int id, const std::string& u, int64_t m, int a) {
  Event e;
  e.op = Op::Create;
  e.row = row(id, u, m, a);
  e.source = accounts_meta();
  return e;
}
Event remove(int id, const std::string& u, int64_t m, int a) {
  Event e = add(id, u, m, a);
  e.op = Op::Delete;
  return e;
}
Event change(int id, const std::string& u, int64_t m, int a, int64_t m2, int a2) {
  Event e = add(id, u, m2, a2);
  e.op = Op::Update;
  e.before = row(id, u, m, a);
  e.has_before = true;
  return e;
}

std::vector<std::string> kinds(const Out& o) {
  std::vector<std::string> r;
  for (const auto& e : o.dead) r.push_back(e.dead_letter ? e.dead_letter->kind() : "?");
  return r;
}

using Lines = std::vector<std::string>;

// Out::lines() with whole-second datetimes written without their zero micros.
Lines lines(const Out& o) {
  Lines r = o.lines();
  for (auto& l : r) {
    for (size_t p; (p = l.find(".000000")) != std::string::npos;) l.erase(p, 7);
  }
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregate_windows)

BOOST_AUTO_TEST_CASE(tumbling_on_update_closes_drops_and_sends_late_events_away) {
  for (bool disk : {false, true}) {
    BOOST_TEST_CONTEXT("disk " << disk) {
      WStage w = make_window(
          "group by u\n window tumbling(10m) on at\n watermark = 5m\n n = count()\n"
          " total = sum(amount)",
          disk);
      auto o = run(*w.s.proc, {add(1, "a", 1, 10), add(2, "a", 3, 5), add(3, "b", 9, 1)});
      BOOST_TEST(lines(o) ==
                     (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:00:00","n":2,"total":15})",
                            R"(c {"u":"b","window_start":"2024-01-01T00:00:00","n":1,"total":1})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 2u);
      // 14m: watermark 9m, window [0, 10m) still open: a retraction there still counts.
      o = run(*w.s.proc, {add(4, "a", 14, 7), remove(2, "a", 3, 5)});
      BOOST_TEST(
          lines(o) == (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:10:00","n":1,"total":7})",
                             R"(u {"u":"a","window_start":"2024-01-01T00:00:00","n":1,"total":10})"
                             R"( <- {"u":"a","window_start":"2024-01-01T00:00:00","n":2,)"
                             R"("total":15})"}),
          boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 3u);
      // 15m: watermark 10m closes [0, 10m): its two groups go, nothing is emitted for them.
      o = run(*w.s.proc, {add(5, "b", 15, 2)});
      BOOST_TEST(lines(o) ==
                     (Lines{R"(c {"u":"b","window_start":"2024-01-01T00:10:00","n":1,"total":2})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 2u);
      BOOST_TEST(*w.agg().watermark() == kT0 + 10 * kMin);
      // Late: an insert, a delete and an update out of the closed window change nothing.
      o = run(*w.s.proc, {add(6, "a", 9, 1), remove(1, "a", 1, 10), change(3, "b", 9, 1, 16, 1)});
      BOOST_TEST(o.out.empty());
      BOOST_TEST(kinds(o) == (Lines{"late", "late", "late"}), boost::test_tools::per_element());
      BOOST_TEST(o.dead[0].dead_letter->message.find("late: at = 2024-01-01T00:09:00") == 0u);
      BOOST_TEST(w.agg().group_count() == 2u);
    }
  }
}

BOOST_AUTO_TEST_CASE(tumbling_on_close_emits_once_per_group_after_lateness) {
  for (bool disk : {false, true}) {
    BOOST_TEST_CONTEXT("disk " << disk) {
      WStage w = make_window(
          "group by u\n window tumbling(10m) on at\n watermark = 0s\n allowed_lateness = 5m\n"
          " emit = on_close\n n = count()",
          disk);
      auto o = run(*w.s.proc, {add(1, "a", 1, 1), add(2, "b", 2, 1), add(3, "a", 12, 1)});
      BOOST_TEST(o.out.empty());
      // Watermark 14m: [0, 10m) is open for 5 more minutes; a late-ish event still counts.
      o = run(*w.s.proc, {add(4, "a", 14, 1), add(5, "a", 8, 1), remove(2, "b", 2, 1)});
      BOOST_TEST(o.out.empty());
      BOOST_TEST(o.dead.empty());
      BOOST_TEST(w.agg().group_count() == 2u);  // b's group emptied: gone, never emitted
      o = run(*w.s.proc, {add(6, "b", 15, 1)});
      BOOST_TEST(lines(o) == (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:00:00","n":2})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 2u);
      o = run(*w.s.proc, {add(7, "a", 9, 1), add(8, "a", 40, 1)});
      BOOST_TEST(kinds(o) == (Lines{"late"}), boost::test_tools::per_element());
      BOOST_TEST(lines(o) == (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:10:00","n":2})",
                                    R"(c {"u":"b","window_start":"2024-01-01T00:10:00","n":1})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 1u);
    }
  }
}

// watermark_from = source: the events' own times do not move the watermark; the sources'
// progress at each barrier (Processor::progress) does, closes the windows it passed (their
// on_close rows come out then) and makes later events for them late. It is checkpointed.
BOOST_AUTO_TEST_CASE(watermark_from_source_follows_the_sources_progress) {
  for (bool disk : {false, true}) {
    BOOST_TEST_CONTEXT("disk " << disk) {
      const std::string body =
          "group by u\n window tumbling(10m) on at\n watermark = 1m\n watermark_from = source\n"
          " emit = on_close\n n = count()";
      WStage w = make_window(body, disk);
      auto o = run(*w.s.proc, {add(1, "a", 1, 1), add(2, "a", 25, 1), add(3, "b", 3, 1)});
      BOOST_TEST(o.out.empty());
      BOOST_TEST(!w.agg().watermark().has_value());  // the data does not move it
      o = run(*w.s.proc, {add(4, "a", 2, 1)});       // the data at 25m closes nothing
      BOOST_TEST(o.dead.empty());
      std::vector<Event> out;
      w.s.proc->progress(kT0 + 10 * kMin, out);  // watermark 9m: [0, 10m) stays open
      BOOST_TEST(out.empty());
      w.s.proc->progress(kT0 + 11 * kMin, out);  // 10m: it closes
      Out closed;
      closed.out = std::move(out);
      BOOST_TEST(
          lines(closed) == (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:00:00","n":2})",
                                  R"(c {"u":"b","window_start":"2024-01-01T00:00:00","n":1})"}),
          boost::test_tools::per_element());
      BOOST_TEST(*w.agg().watermark() == kT0 + 10 * kMin);
      out.clear();
      w.s.proc->progress(kT0 + 5 * kMin, out);  // progress never goes back
      BOOST_TEST(*w.agg().watermark() == kT0 + 10 * kMin);
      o = run(*w.s.proc, {add(5, "b", 4, 1), add(6, "b", 12, 1)});
      BOOST_TEST(kinds(o) == (Lines{"late"}), boost::test_tools::per_element());
      auto c = w.s.proc->checkpoint(1);
      BOOST_REQUIRE(c.ok());
      WStage r = make_window(body, disk);
      if (disk) r.s.cfg.state_dir = w.s.cfg.state_dir;
      r.s.proc = r.s.another();
      BOOST_REQUIRE(r.s.proc->open(*c).ok());
      BOOST_TEST(*r.agg().watermark() == kT0 + 10 * kMin);
      out.clear();
      r.s.proc->progress(kT0 + 31 * kMin, out);
      closed.out = std::move(out);
      BOOST_TEST(
          lines(closed) == (Lines{R"(c {"u":"b","window_start":"2024-01-01T00:10:00","n":1})",
                                  R"(c {"u":"a","window_start":"2024-01-01T00:20:00","n":1})"}),
          boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(hopping_windows_count_each_event_size_over_advance_times) {
  for (bool disk : {false, true}) {
    BOOST_TEST_CONTEXT("disk " << disk) {
      WStage w = make_window(
          "window hopping(30m, 10m) on at\n watermark = 20m\n emit = on_close\n n = count()\n"
          " s = sum(amount)",
          disk);
      // 25m lies in [0, 30m), [10m, 40m), [20m, 50m); 5m in [-20m, 10m), [-10m, 20m), [0, 30m).
      auto o = run(*w.s.proc, {add(1, "a", 5, 1), add(2, "a", 25, 10)});
      BOOST_TEST(o.out.empty());
      BOOST_TEST(w.agg().group_count() == 5u);
      o = run(*w.s.proc, {add(3, "a", 50, 100)});  // watermark 30m: closes the ends 10m, 20m, 30m
      BOOST_TEST(lines(o) == (Lines{R"(c {"window_start":"2023-12-31T23:40:00","n":1,"s":1})",
                                    R"(c {"window_start":"2023-12-31T23:50:00","n":1,"s":1})",
                                    R"(c {"window_start":"2024-01-01T00:00:00","n":2,"s":11})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 5u);  // [10m, 40m), [20m, 50m) and 50m's three
      // 19m: its oldest window [-10m, 20m) closed: late, none of its windows changes.
      o = run(*w.s.proc, {add(4, "a", 19, 1000), add(5, "a", 70, 0)});
      BOOST_TEST(kinds(o) == (Lines{"late"}), boost::test_tools::per_element());
      BOOST_TEST(lines(o) == (Lines{R"(c {"window_start":"2024-01-01T00:10:00","n":1,"s":10})",
                                    R"(c {"window_start":"2024-01-01T00:20:00","n":1,"s":10})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().group_count() == 5u);  // [30m, 60m) .. [70m, 100m)
    }
  }
}

BOOST_AUTO_TEST_CASE(sessions_grow_merge_retract_and_close) {
  for (bool disk : {false, true}) {
    BOOST_TEST_CONTEXT("disk " << disk) {
      WStage w = make_window(
          "group by u\n window session(10m) on at\n watermark = 30m\n n = count()\n"
          " s = sum(amount)",
          disk);
      auto o = run(*w.s.proc, {add(1, "a", 0, 1), add(2, "a", 5, 2), add(3, "a", 20, 4)});
      BOOST_TEST(lines(o) == (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:00:00",)"
                                    R"("window_end":"2024-01-01T00:15:00","n":2,"s":3})",
                                    R"(c {"u":"a","window_start":"2024-01-01T00:20:00",)"
                                    R"("window_end":"2024-01-01T00:30:00","n":1,"s":4})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().session_count() == 2u);
      // 12m bridges [0, 15m) and [20m, 30m) ([12m, 22m) overlaps both): one session.
      o = run(*w.s.proc, {add(4, "a", 12, 8)});
      BOOST_TEST(lines(o) == (Lines{R"(u {"u":"a","window_start":"2024-01-01T00:00:00",)"
                                    R"("window_end":"2024-01-01T00:30:00","n":4,"s":15} <- )"
                                    R"({"u":"a","window_start":"2024-01-01T00:00:00",)"
                                    R"("window_end":"2024-01-01T00:15:00","n":2,"s":3})",
                                    R"(d {"u":"a","window_start":"2024-01-01T00:20:00",)"
                                    R"("window_end":"2024-01-01T00:30:00","n":1,"s":4})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().session_count() == 1u);
      BOOST_TEST(w.agg().group_count() == 1u);
      // A retraction inside the open session; a new session for b.
      o = run(*w.s.proc, {remove(2, "a", 5, 2), add(5, "b", 33, 1)});
      BOOST_TEST(lines(o) == (Lines{R"(u {"u":"a","window_start":"2024-01-01T00:00:00",)"
                                    R"("window_end":"2024-01-01T00:30:00","n":3,"s":13} <- )"
                                    R"({"u":"a","window_start":"2024-01-01T00:00:00",)"
                                    R"("window_end":"2024-01-01T00:30:00","n":4,"s":15})",
                                    R"(c {"u":"b","window_start":"2024-01-01T00:33:00",)"
                                    R"("window_end":"2024-01-01T00:43:00","n":1,"s":1})"}),
                 boost::test_tools::per_element());
      // 61m: watermark 31m closes a's session (end 30m), not b's (end 43m); on_update: the
      // closed session emits nothing.
      o = run(*w.s.proc, {add(6, "c", 61, 1)});
      BOOST_TEST(lines(o) == (Lines{R"(c {"u":"c","window_start":"2024-01-01T01:01:00",)"
                                    R"("window_end":"2024-01-01T01:11:00","n":1,"s":1})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().session_count() == 2u);
      BOOST_TEST(w.agg().group_count() == 2u);
      // 21m for a: its own session would end at 31m <= 31m: late; so is the delete at 0m.
      o = run(*w.s.proc, {add(7, "a", 21, 1), remove(1, "a", 0, 1)});
      BOOST_TEST(kinds(o) == (Lines{"late", "late"}), boost::test_tools::per_element());
      BOOST_TEST(o.out.empty());
      BOOST_TEST(w.agg().group_count() == 2u);
    }
  }
}

BOOST_AUTO_TEST_CASE(session_on_close_emits_the_merged_session_once) {
  for (bool disk : {false, true}) {
    BOOST_TEST_CONTEXT("disk " << disk) {
      WStage w = make_window(
          "group by u\n window session(10m) on at\n watermark = 15m\n emit = on_close\n"
          " n = count()\n ids = collect_list(id)",
          disk);
      auto o = run(*w.s.proc, {add(1, "a", 0, 1), add(2, "a", 15, 1), add(3, "a", 8, 1)});
      BOOST_TEST(o.out.empty());
      BOOST_TEST(w.agg().session_count() == 1u);  // 8m joined [0, 10m) and [15m, 25m)
      o = run(*w.s.proc, {add(4, "b", 41, 1)});   // watermark 26m: a's session ends at 25m
      BOOST_TEST(lines(o) == (Lines{R"(c {"u":"a","window_start":"2024-01-01T00:00:00",)"
                                    R"("window_end":"2024-01-01T00:25:00","n":3,"ids":[1,2,3]})"}),
                 boost::test_tools::per_element());
      BOOST_TEST(w.agg().session_count() == 1u);
      BOOST_TEST(w.agg().group_count() == 1u);
    }
  }
}

// A run restored from a checkpoint taken mid-stream gives exactly the outputs (and the final
// state) of the run that went on; the canonical state is the same on both backends.
BOOST_AUTO_TEST_CASE(restore_mid_stream_continues_exactly) {
  const std::string body =
      "group by u\n window session(7m) on at\n watermark = 3m\n allowed_lateness = 2m\n"
      " n = count()\n s = sum(amount)\n l = last(amount)";
  const std::string hop =
      "group by u\n window hopping(20m, 5m) on at\n watermark = 3m\n emit = on_close\n"
      " n = count()\n s = sum(amount)";
  // Sessions with every function whose values are store entries on disk (multisets, arrival
  // lists): merging sessions moves them to the merged session's key.
  const std::string sets =
      "group by u\n window session(7m) on at\n watermark = 3m\n lo = min(amount)\n"
      " hi = max(amount)\n nd = count_distinct(amount)\n vs = collect_set(amount)\n"
      " f = first(amount)\n cl = collect_list(amount)";
  for (const std::string* b : {&body, &hop, &sets}) {
    std::vector<std::string> outputs[2];
    std::vector<std::vector<Event>> batches;
    std::mt19937 rng(7);
    for (int i = 0; i < 60; ++i) {
      std::vector<Event> batch;
      for (int k = 0; k < 4; ++k) {
        int64_t m = i * 2 + static_cast<int64_t>(rng() % 20) - 10;
        std::string u(1, static_cast<char>('a' + rng() % 3));
        int id = i * 4 + k;
        if (rng() % 5 == 0 && id > 8) {
          batch.push_back(remove(id - 8, u, m, 1));
        } else {
          batch.push_back(add(id, u, m, static_cast<int>(rng() % 50)));
        }
      }
      batches.push_back(std::move(batch));
    }
    std::string canonical[2];
    for (bool disk : {false, true}) {
      BOOST_TEST_CONTEXT("disk " << disk << " " << *b) {
        WStage w = make_window(*b, disk);
        std::vector<std::string> straight, restored;
        std::string ckpt;
        size_t before = 0;
        for (size_t i = 0; i < batches.size(); ++i) {
          auto in = batches[i];
          auto o = run(*w.s.proc, std::move(in));
          for (auto& l : o.lines()) straight.push_back(l);
          for (auto& k : kinds(o)) straight.push_back("dead " + k);
          if (i == 29) {
            before = straight.size();
            auto c = w.s.proc->checkpoint(1);
            BOOST_REQUIRE(c.ok());
            ckpt = *c;
          }
        }
        canonical[disk ? 1 : 0] = w.s.proc->checkpoint_state();
        auto again = w.s.another();
        BOOST_REQUIRE(again->open(ckpt).ok());
        for (size_t i = 30; i < batches.size(); ++i) {
          auto o = run(*again, batches[i]);
          for (auto& l : o.lines()) restored.push_back(l);
          for (auto& k : kinds(o)) restored.push_back("dead " + k);
        }
        std::vector<std::string> expect(straight.begin() + static_cast<long>(before),
                                        straight.end());
        BOOST_TEST(restored == expect, boost::test_tools::per_element());
        BOOST_TEST(again->checkpoint_state() == canonical[disk ? 1 : 0]);
        BOOST_TEST(!restored.empty());
        BOOST_TEST(std::count(straight.begin(), straight.end(), "dead late") > 0);
        outputs[disk ? 1 : 0] = straight;
      }
    }
    BOOST_TEST(canonical[0] == canonical[1]);
    BOOST_TEST(outputs[0] == outputs[1], boost::test_tools::per_element());
  }
}

// A session aggregate's state on disk from the version that kept multisets and arrival lists
// inside the group entries ("AGG2;") opens into store entries, with the same state and output.
BOOST_AUTO_TEST_CASE(inline_session_state_from_before_opens_as_entries) {
  const std::string body =
      "group by u\n window session(7m) on at\n lo = min(amount)\n hi = max(amount)\n"
      " nd = count_distinct(amount)\n vs = collect_set(amount)\n f = first(amount)\n"
      " cl = collect_list(amount)";
  WStage old = make_window(body, true);
  old.agg().inline_session_sets_for_test();
  run(*old.s.proc, {add(1, "a", 1, 5), add(2, "a", 3, 7), add(3, "b", 2, 7), add(4, "a", 20, 1)});
  run(*old.s.proc, {add(5, "a", 14, 9), remove(2, "a", 3, 7)});  // bridges a's two sessions
  auto c = old.s.proc->checkpoint(1);
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->rfind("AGG2;", 0) == 0u);
  WStage now = make_window(body, true);
  now.s.cfg.state_dir = old.s.cfg.state_dir;
  now.s.proc = now.s.another();
  BOOST_REQUIRE(now.s.proc->open(*c).ok());
  BOOST_TEST(now.s.proc->checkpoint_state() == old.s.proc->checkpoint_state());
  auto next = [] { return std::vector<Event>{add(6, "a", 24, 3), remove(1, "a", 1, 5)}; };
  auto a = run(*old.s.proc, next());
  auto b = run(*now.s.proc, next());
  BOOST_TEST(b.lines() == a.lines(), boost::test_tools::per_element());
  BOOST_TEST(!b.lines().empty());
  auto c2 = now.s.proc->checkpoint(2);
  BOOST_REQUIRE(c2.ok());
  BOOST_TEST(c2->rfind("AGG3;", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(checker_words_window_errors) {
  auto check = [](const std::string& body) {
    return dsl::format(
        dsl::load_text("test.pipe",
                       "pipeline p {\n  source test core { }\n  aggregate agg from core {\n" +
                           body + "\n  }\n  sink test out from agg { }\n}\n",
                       specs()));
  };
  BOOST_TEST(check("window hopping(1h, 15m) on at\n watermark = 5s\n n = count()").empty());
  BOOST_TEST(check("window session(30m) on at\n n = count()").empty());
  BOOST_TEST(check("window hopping(1h, 25m) on at\n n = count()")
                 .find("the size must be a multiple of the advance") != std::string::npos);
  BOOST_TEST(check("window sliding(1h) on at\n n = count()").find("unknown window 'sliding'") !=
             std::string::npos);
  BOOST_TEST(check("window tumbling(1h) on at\n emit = on_close\n n = count()")
                 .find("emit = on_close needs a watermark") != std::string::npos);
  BOOST_TEST(check("group by u\n watermark = 5s\n n = count()").find("watermark needs a window") !=
             std::string::npos);
  BOOST_TEST(check("window tumbling(1h) on at\n emit = later\n n = count()").find("'later'") !=
             std::string::npos);
  // The options may stand anywhere among the fields.
  BOOST_TEST(check("window session(30m) on at\n n = count()\n watermark = 5s").empty());
}

BOOST_AUTO_TEST_SUITE_END()
