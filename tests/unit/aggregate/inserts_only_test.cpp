// issue 18: an aggregate whose input carries inserts only (StageConfig::inserts_only_input,
// set by the planner) keeps only the extreme of min/max instead of every value. Its outputs
// must equal those of the whole multiset, on both state backends and across restores; an
// update that arrives anyway is a dead letter; a failed event leaves the extremes as they
// were; and a state of extremes never meets an input with updates.
#include <boost/test/unit_test.hpp>
#include <random>

#include "agg_test_util.h"
#include "operators/aggregate/aggregate_processor.h"
#include "support/process.h"

namespace inserts_only_agg_test {

using namespace sluice;
using namespace aggtest;
using operators::aggregate::AggregateProcessor;

const char* kBody = "group by g\n lo = min(v)\n hi = max(v)\n n = count()\n s = sum(v)";

// disk: the state in a store under dir with a one-group cache (every batch reads it back).
Stage make(const std::string& body, bool inserts_only, const sluice::test::TempDir* dir) {
  Stage s = make_agg(body);
  s.cfg.inserts_only_input = inserts_only;
  if (dir != nullptr) {
    s.cfg.state_dir = dir->str();
    s.cfg.state.memory_bytes = 4096;
  }
  s.proc = s.another();
  BOOST_REQUIRE(s.proc->open("").ok());
  return s;
}

Event row_event(int g, const Value& v) {
  Event e;
  e.op = Op::Create;
  e.row.append(intern("id"), Value::int64(g));
  e.row.append(intern("g"), Value::int64(g));
  e.row.append(intern("v"), v);
  e.source = accounts_meta();
  return e;
}

// Ints, decimals of several scales (1.5 and 1.50 are one value to min/max), nulls.
Value random_value(std::mt19937_64& rng) {
  auto rnd = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  switch (rnd(0, 3)) {
    case 0:
      return Value::int64(rnd(-50, 50));
    case 1:
      return Value::decimal(Decimal(rnd(-500, 500), 1));
    case 2:
      return Value::decimal(Decimal(rnd(-5000, 5000), 2));
    default:
      return rnd(0, 3) == 0 ? Value() : Value::int64(rnd(-5, 5));
  }
}

std::vector<std::string> lines_of(Processor& p, const std::vector<Event>& in) {
  Out o = run(p, in);
  BOOST_REQUIRE(o.dead.empty());
  return o.lines();
}

// A processor of `s` restored from a checkpoint of `p`.
std::unique_ptr<Processor> restored(Stage& s, Processor& p, uint64_t id) {
  auto ref = p.checkpoint(id);
  BOOST_REQUIRE(ref.ok());
  p.checkpoint_committed(id);
  auto q = s.another();
  auto r = q->open(*ref);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  return q;
}

BOOST_AUTO_TEST_SUITE(aggregate_inserts_only)

// The same events into the whole-multiset aggregate and into extreme-only ones (memory; disk
// with a one-group cache), restored every 20 batches: equal outputs, line by line. `at`: a
// random minute of one day (session windows merge when events bridge them).
void same_outputs(const std::string& body, uint64_t seed) {
  sluice::test::TempDir dir;
  Stage whole = make(body, false, nullptr);
  Stage mem = make(body, true, nullptr);
  Stage disk = make(body, true, &dir);
  BOOST_REQUIRE(dynamic_cast<AggregateProcessor&>(*disk.proc).on_disk());
  std::unique_ptr<Processor> mem_p = std::move(mem.proc), disk_p = std::move(disk.proc);
  std::mt19937_64 rng(seed);
  auto rnd = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  size_t outputs = 0;
  for (int batch = 0; batch < 200; ++batch) {
    std::vector<Event> in;
    const int n = rnd(1, 20);
    for (int i = 0; i < n; ++i) {
      in.push_back(row_event(rnd(1, 6), random_value(rng)));
      const int64_t minute = 60LL * 1000000LL;
      in.back().row.append(intern("at"),
                           Value::datetime(1704067200LL * 1000000LL + rnd(0, 24 * 60) * minute));
    }
    auto want = lines_of(*whole.proc, in);
    auto got_mem = lines_of(*mem_p, in);
    BOOST_REQUIRE_EQUAL_COLLECTIONS(want.begin(), want.end(), got_mem.begin(), got_mem.end());
    outputs += want.size();
    auto got = lines_of(*disk_p, in);
    BOOST_REQUIRE_EQUAL_COLLECTIONS(want.begin(), want.end(), got.begin(), got.end());
    if (batch % 20 == 19) {
      mem_p = restored(mem, *mem_p, static_cast<uint64_t>(batch));
      disk_p = restored(disk, *disk_p, static_cast<uint64_t>(batch));
    }
  }
  BOOST_TEST(outputs > 200u);
}

BOOST_AUTO_TEST_CASE(extremes_only_give_the_outputs_of_the_whole_multiset) {
  same_outputs(kBody, 18);
}

// Sessions that merge move their slots into one group (prune_to_extreme after the merge).
BOOST_AUTO_TEST_CASE(extremes_only_in_merging_session_windows) {
  same_outputs("group by g\n window session(30m) on at\n lo = min(v)\n hi = max(v)\n n = count()",
               23);
}

BOOST_AUTO_TEST_CASE(an_update_that_arrives_anyway_is_a_dead_letter_and_changes_nothing) {
  Stage s = make(kBody, true, nullptr);
  run(*s.proc, {row_event(1, Value::int64(7))});
  Event u = row_event(1, Value::int64(9));
  u.op = Op::Update;
  u.before = row_event(1, Value::int64(7)).row;
  u.has_before = true;
  Event d = row_event(1, Value::int64(7));
  d.op = Op::Delete;
  Out o = run(*s.proc, {u, d});
  BOOST_TEST(o.out.empty());
  BOOST_REQUIRE_EQUAL(o.dead.size(), 2u);
  BOOST_REQUIRE(o.dead[0].dead_letter);
  BOOST_TEST(std::string(o.dead[0].dead_letter->kind()) == "process");
  BOOST_TEST(o.dead[0].dead_letter->message.find("inserts only") != std::string::npos);
  auto next = run(*s.proc, {row_event(1, Value::int64(8))}).lines();
  BOOST_REQUIRE_EQUAL(next.size(), 1u);
  BOOST_TEST(next[0] ==
             "u {\"g\":1,\"lo\":7,\"hi\":8,\"n\":2,\"s\":15} <- "
             "{\"g\":1,\"lo\":7,\"hi\":7,\"n\":1,\"s\":7}");
}

// An event of a hopping window joins two groups; when one of them overflows its sum, the
// other group's change (its max included) is taken back, whichever of the two comes first
// (the rollback restores the extreme: it cannot be retracted).
BOOST_AUTO_TEST_CASE(an_event_that_fails_half_way_leaves_the_extremes_as_they_were) {
  const std::string big = "9" + std::string(75, '0');  // 76 digits: twice it does not fit
  const int64_t h = 3600LL * 1000000LL, t0 = 1704067200LL * 1000000LL;
  auto at = [&](int64_t t, const std::string& v) {
    Event e = row_event(1, Value::decimal(*Decimal::parse(v)));
    e.row.append(intern("at"), Value::datetime(t0 + t));
    return e;
  };
  for (bool disk : {false, true}) {
    // The event at 1h30 joins [0h, 2h) and [1h, 3h); `full` is the one already holding big.
    for (int64_t full : {0 * h, 1 * h}) {
      sluice::test::TempDir dir;
      Stage s = make("group by g\n window hopping(2h, 1h) on at\n hi = max(v)\n s = sum(v)", true,
                     disk ? &dir : nullptr);
      const int64_t other = full == 0 ? h : 0;
      BOOST_REQUIRE(
          run(*s.proc, {at(2 * full + h / 2, big), at(2 * other + h / 2, "3")}).dead.empty());
      Out o = run(*s.proc, {at(h + h / 2, big)});
      BOOST_REQUIRE_EQUAL(o.dead.size(), 1u);
      BOOST_TEST(o.out.empty());
      // The other window then holds 3 and 5: its max is 5, not the failed event's value.
      auto lines = run(*s.proc, {at(2 * other + h / 2, "5")}).lines();
      const std::string start = other == 0 ? "T00:00:00" : "T01:00:00";
      bool seen = false;
      for (const auto& l : lines) {
        if (l.find("\"window_start\":\"2024-01-01" + start) == std::string::npos) continue;
        seen = true;
        BOOST_TEST(l.find("\"hi\":5,") != std::string::npos, l);
      }
      BOOST_TEST(seen, "disk " << disk << " full " << full / h);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_state_of_extremes_refuses_an_input_with_updates) {
  sluice::test::TempDir dir;
  Stage io = make(kBody, true, &dir);
  run(*io.proc, {row_event(1, Value::int64(3)), row_event(1, Value::int64(4))});
  auto ref = io.proc->checkpoint(1);
  BOOST_REQUIRE(ref.ok());
  io.proc->checkpoint_committed(1);
  io.proc.reset();
  Stage changes = make(kBody, false, &dir);
  auto r = changes.another()->open(*ref);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().message.find("remove the pipeline state") != std::string::npos,
             r.err().message);
}

// The other way round the state keeps its whole multisets (and stays exact for updates later).
BOOST_AUTO_TEST_CASE(a_state_of_whole_multisets_stays_whole_under_an_input_of_inserts) {
  sluice::test::TempDir dir;
  Stage changes = make(kBody, false, &dir);
  run(*changes.proc, {row_event(1, Value::int64(3)), row_event(1, Value::int64(4))});
  std::unique_ptr<Processor> p = std::move(changes.proc);
  Stage io = make(kBody, true, &dir);
  p = restored(io, *p, 1);
  run(*p, {row_event(1, Value::int64(5))});
  // Back to an input with updates: the state opens, and the retraction of 5 finds 4.
  p = restored(changes, *p, 2);
  Event d = row_event(1, Value::int64(5));
  d.op = Op::Delete;
  auto lines = run(*p, {d}).lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(lines[0].find("\"hi\":4,") != std::string::npos, lines[0]);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace inserts_only_agg_test
