#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <random>

#include "agg_test_util.h"
#include "operators/join/join_processor.h"
#include "support/process.h"

using namespace sluice;
using namespace aggtest;

namespace {

using Lines = std::vector<std::string>;

Stage join3(const std::string& body) {
  return stage_from(
      "pipeline p {\n"
      "  source test customers_t { }\n"
      "  source test account_summary { }\n"
      "  source test txn_summary { }\n"
      "  join j from customers_t, account_summary, txn_summary on customer_id {\n" +
          body + "\n  }\n  sink test out from j { }\n}\n",
      "j");
}

const char* kSelect =
    "select { id: customer_id, name: customers_t.name, total: account_summary.total, "
    "n: txn_summary.n }";

void check_lines(const Out& o, const Lines& want) {
  Lines got = o.lines();
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
}

operators::join::JoinProcessor& as_join(Processor& p) {
  return dynamic_cast<operators::join::JoinProcessor&>(p);
}

// The stage's state on disk under dir with no decoded cache (every batch reads its entries
// back from the store); "" = in memory.
void use_disk(Stage& s, const std::string& dir) {
  if (dir.empty()) return;
  s.cfg.state_dir = dir;
  s.cfg.state.memory_bytes = 4096;
  s.proc = s.another();
  BOOST_REQUIRE(s.proc->open("").ok());
  BOOST_REQUIRE(as_join(*s.proc).on_disk());
}

constexpr int64_t kSec = 1000000;

// An event at event time `sec` seconds.
Event at(Event e, int64_t sec) {
  e.ts = sec * kSec;
  return e;
}

// ttl = 10s in event time: rows not changed for longer are dropped after the batch that moves
// the clock past them, with the changes that gives; the clock and the change times survive a
// restore. dir: "" = state in memory, else on disk there.
void ttl_drops_rows(const std::string& dir) {
  Stage s = join3(std::string(kSelect) + "\nttl = 10s");
  use_disk(s, dir);
  std::unique_ptr<Processor> p = std::move(s.proc);
  check_lines(run(*p,
                  {at(ins(R"({"customer_id":1,"name":"Ann"})"), 100),
                   at(ins(R"({"customer_id":2,"name":"Bob"})"), 100)},
                  0),
              {R"(c {"id":1,"name":"Ann","total":null,"n":null})",
               R"(c {"id":2,"name":"Bob","total":null,"n":null})"});
  check_lines(
      run(*p, {at(ins(R"({"customer_id":1,"total":5})"), 102)}, 1),
      {R"(u {"id":1,"name":"Ann","total":5,"n":null} <- {"id":1,"name":"Ann","total":null,"n":null})"});
  // An update that changes nothing still renews Bob's row.
  check_lines(
      run(*p,
          {at(upd(R"({"customer_id":2,"name":"Bob"})", R"({"customer_id":2,"name":"Bob"})"), 108)},
          0),
      {});
  // Clock 110: Ann's row (100) is exactly 10s old: not yet longer than the ttl.
  check_lines(run(*p, {at(ins(R"({"customer_id":3,"n":7})"), 110)}, 2), {});
  BOOST_CHECK_EQUAL(as_join(*p).expired(), 0u);
  // Clock 111: Ann's row expires: the first input lost key 1, a delete.
  Out o = run(*p, {at(ins(R"({"customer_id":4,"n":1})"), 111)}, 2);
  check_lines(o, {R"(d {"id":1,"name":"Ann","total":5,"n":null})"});
  BOOST_REQUIRE_EQUAL(o.out.size(), 1u);
  BOOST_CHECK_EQUAL(o.out[0].ts, 111 * kSec);
  BOOST_CHECK(o.out[0].key == Value::int64(1));
  BOOST_CHECK_EQUAL(as_join(*p).expired(), 1u);
  BOOST_CHECK_EQUAL(as_join(*p).key_count(), 4u);  // 1 (its total), 2, 3, 4
  // Continue from a checkpoint, as after kill -9.
  std::string st = p->checkpoint_state();
  auto ref = p->checkpoint(1);
  BOOST_REQUIRE(ref.ok());
  p->checkpoint_committed(1);
  p.reset();
  p = s.another();
  BOOST_REQUIRE(p->open(*ref).ok());
  BOOST_CHECK_EQUAL(p->checkpoint_state(), st);
  check_lines(run(*p, {at(ins(R"({"customer_id":3,"name":"Cy"})"), 112)}, 0),
              {R"(c {"id":3,"name":"Cy","total":null,"n":7})"});
  // Clock 113: key 1's total (102) expires: no output, the first input has no row for it.
  check_lines(run(*p, {at(ins(R"({"customer_id":9,"total":1})"), 113)}, 1), {});
  BOOST_CHECK_EQUAL(as_join(*p).expired(), 1u);
  BOOST_CHECK_EQUAL(as_join(*p).key_count(), 4u);  // 2, 3, 4, 9 (1 is gone)
  // Clock 121: Bob (108) expires, a delete; key 3's n (110) expires: Cy's row loses its n, an
  // update. Key 4's n (111) is exactly 10s old and Cy (112) younger: both stay.
  o = run(*p, {at(ins(R"({"customer_id":9,"total":2})"), 121)}, 1);
  check_lines(
      o,
      {R"(d {"id":2,"name":"Bob","total":null,"n":null})",
       R"(u {"id":3,"name":"Cy","total":null,"n":null} <- {"id":3,"name":"Cy","total":null,"n":7})"});
  for (const Event& e : o.out) BOOST_CHECK_EQUAL(e.ts, 121 * kSec);
  BOOST_CHECK_EQUAL(as_join(*p).expired(), 3u);
  BOOST_CHECK_EQUAL(as_join(*p).key_count(), 3u);  // 3 (Cy), 4, 9
  BOOST_CHECK(o.dead.empty());
}

// A model of the join's inputs for the randomized test: per input, key -> row and the event
// time of its last change.
struct Model {
  struct Cell {
    Object row;
    int64_t ts = 0;
  };
  std::map<int64_t, Cell> in[3];
  int64_t clock = 0;
  size_t expired = 0;

  void expire(int64_t ttl) {
    for (auto& m : in) {
      for (auto it = m.begin(); it != m.end();) {
        if (it->second.ts + ttl < clock) {
          it = m.erase(it);
          ++expired;
        } else {
          ++it;
        }
      }
    }
  }
  // What kSelect gives per key.
  std::map<int64_t, std::string> joined() const {
    std::map<int64_t, std::string> r;
    for (const auto& [k, c] : in[0]) {
      Object o;
      o.append(intern("id"), Value::int64(k));
      o.append(intern("name"), *c.row.find(intern("name")));
      auto t = in[1].find(k);
      o.append(intern("total"), t == in[1].end() ? Value() : *t->second.row.find(intern("total")));
      auto n = in[2].find(k);
      o.append(intern("n"), n == in[2].end() ? Value() : *n->second.row.find(intern("n")));
      r[k] = js(o);
    }
    return r;
  }
};

// One random change to input `input` of the model at event time ts, as an event.
Event random_change(Model& m, int input, int64_t ts, std::mt19937_64& rng) {
  auto rnd = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  const char* fields[] = {"name", "total", "n"};
  auto row = [&](int64_t k) {
    Object o;
    o.append(intern("customer_id"), Value::int64(k));
    o.append(intern(fields[input]),
             input == 0 ? Value::string("c" + std::to_string(rnd(0, 3))) : Value::int64(rnd(0, 3)));
    return o;
  };
  auto& rows = m.in[input];
  const int64_t k = rnd(1, 12);
  Event e;
  e.source = accounts_meta();
  e.ts = ts;
  m.clock = std::max(m.clock, ts);
  auto it = rows.find(k);
  if (it == rows.end()) {
    e.op = Op::Create;
    e.row = row(k);
    rows[k] = {e.row, ts};
    return e;
  }
  if (rnd(0, 9) >= 6) {
    e.op = Op::Delete;
    e.row = it->second.row;
    rows.erase(it);
    return e;
  }
  e.op = Op::Update;
  e.before = it->second.row;
  e.has_before = true;
  int64_t to = rnd(1, 12);
  if (rows.count(to) != 0) to = k;  // a move only to a key the input does not have
  e.row = row(to);
  rows.erase(it);
  rows[to] = {e.row, ts};
  return e;
}

// Applies a changelog to a view (key -> row), checking it is consistent with it.
void apply_changelog(std::map<std::string, std::string>& view, const std::vector<Event>& out) {
  for (const Event& e : out) {
    std::string k = js(e.key);
    auto v = view.find(k);
    if (e.op == Op::Create) {
      BOOST_REQUIRE_MESSAGE(v == view.end(), "create of an existing key " + k);
      view[k] = js(e.row);
    } else if (e.op == Op::Update) {
      BOOST_REQUIRE_MESSAGE(v != view.end(), "update of a missing key " + k);
      BOOST_REQUIRE(e.has_before);
      BOOST_REQUIRE_EQUAL(js(e.before), v->second);
      BOOST_REQUIRE_NE(js(e.row), v->second);
      v->second = js(e.row);
    } else {
      BOOST_REQUIRE(e.op == Op::Delete);
      BOOST_REQUIRE_MESSAGE(v != view.end(), "delete of a missing key " + k);
      BOOST_REQUIRE_EQUAL(js(e.row), v->second);
      view.erase(v);
    }
  }
}

// Checkpoints p as checkpoint `id`, changes it a little more, drops it (as kill -9 would) and
// returns a fresh processor restored from the checkpoint, checking its state.
std::unique_ptr<Processor> restart(const Stage& s, std::unique_ptr<Processor> p, uint64_t id) {
  const std::string st = p->checkpoint_state();
  auto ref = p->checkpoint(id);
  BOOST_REQUIRE(ref.ok());
  p->checkpoint_committed(id);
  if (as_join(*p).on_disk()) BOOST_REQUIRE_NE(*ref, st);           // a reference, not the state
  (void)run(*p, {ins(R"({"customer_id":99,"name":"junk"})")}, 0);  // must not leak into it
  p.reset();
  auto fresh = s.another();
  BOOST_REQUIRE(fresh->open(*ref).ok());
  BOOST_REQUIRE_EQUAL(fresh->checkpoint_state(), st);
  return fresh;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(join_stage)

BOOST_AUTO_TEST_CASE(three_inputs_first_drives_missing_sides_null) {
  Stage s = join3(kSelect);
  Processor& p = *s.proc;
  // Other inputs alone emit nothing.
  check_lines(run(p, {ins(R"({"customer_id":1,"total":10.50})")}, 1), {});
  check_lines(run(p, {ins(R"({"customer_id":1,"n":3})")}, 2), {});
  // The first input arrives: the merged row, with both other sides.
  auto o = run(
      p, {ins(R"({"customer_id":1,"name":"Ann"})"), ins(R"({"customer_id":2,"name":"Bob"})")}, 0);
  check_lines(o, {R"(c {"id":1,"name":"Ann","total":10.50,"n":3})",
                  R"(c {"id":2,"name":"Bob","total":null,"n":null})"});
  BOOST_CHECK(o.out[0].key == Value::int64(1));
  // A change on another input updates the merged row.
  check_lines(
      run(p, {upd(R"({"customer_id":2,"total":1})", R"({"customer_id":2,"total":5})")}, 1),
      {R"(u {"id":2,"name":"Bob","total":5,"n":null} <- {"id":2,"name":"Bob","total":null,"n":null})"});
  // A delete on a non-first input: that side reads null again.
  check_lines(
      run(p, {del(R"({"customer_id":1,"n":3})")}, 2),
      {R"(u {"id":1,"name":"Ann","total":10.50,"n":null} <- {"id":1,"name":"Ann","total":10.50,"n":3})"});
  // An unchanged result emits nothing.
  check_lines(run(p, {upd(R"({"customer_id":1,"n":3,"x":1})", R"({"customer_id":1,"x":2})")}, 2),
              {});
  // The first input deletes the key: a delete with the last output.
  check_lines(run(p, {del(R"({"customer_id":1,"name":"Ann"})")}, 0),
              {R"(d {"id":1,"name":"Ann","total":10.50,"n":null})"});
  // Other inputs keep their rows: the key comes back complete when the first input returns.
  check_lines(run(p, {ins(R"({"customer_id":1,"name":"Ann2"})")}, 0),
              {R"(c {"id":1,"name":"Ann2","total":10.50,"n":null})"});
}

BOOST_AUTO_TEST_CASE(key_change_moves_the_row) {
  Stage s = join3(kSelect);
  Processor& p = *s.proc;
  run(p, {ins(R"({"customer_id":1,"name":"Ann"})"), ins(R"({"customer_id":2,"name":"Bob"})")}, 0);
  check_lines(
      run(p, {ins(R"({"customer_id":1,"total":7})")}, 1),
      {R"(u {"id":1,"name":"Ann","total":7,"n":null} <- {"id":1,"name":"Ann","total":null,"n":null})"});
  check_lines(
      run(p, {upd(R"({"customer_id":1,"total":7})", R"({"customer_id":2,"total":7})")}, 1),
      {R"(u {"id":1,"name":"Ann","total":null,"n":null} <- {"id":1,"name":"Ann","total":7,"n":null})",
       R"(u {"id":2,"name":"Bob","total":7,"n":null} <- {"id":2,"name":"Bob","total":null,"n":null})"});
  check_lines(
      run(p, {upd(R"({"customer_id":2,"name":"Bob"})", R"({"customer_id":3,"name":"Bob"})")}, 0),
      {R"(d {"id":2,"name":"Bob","total":7,"n":null})",
       R"(c {"id":3,"name":"Bob","total":null,"n":null})"});
}

BOOST_AUTO_TEST_CASE(where_set_and_errors) {
  Stage s = join3(
      "where account_summary.total != 0\n"
      "set total = account_summary.total * 2\n"
      "set nn = 10 / txn_summary.n\n"
      "drop name");
  Processor& p = *s.proc;
  run(p, {ins(R"({"customer_id":1,"total":5})")}, 1);
  check_lines(run(p, {ins(R"({"customer_id":1,"name":"Ann"})")}, 0),
              {R"(c {"customer_id":1,"total":10,"nn":null})"});
  // `where` false drops the merged row: a delete.
  check_lines(run(p, {upd(R"({"customer_id":1,"total":5})", R"({"customer_id":1,"total":0})")}, 1),
              {R"(d {"customer_id":1,"total":10,"nn":null})"});
  check_lines(run(p, {upd(R"({"customer_id":1,"total":0})", R"({"customer_id":1,"total":1})")}, 1),
              {R"(c {"customer_id":1,"total":2,"nn":null})"});
  // An evaluation error: the triggering event goes to the dead letters.
  auto o = run(p, {ins(R"({"customer_id":1,"n":"x"})")}, 2);
  BOOST_CHECK(o.out.empty());
  BOOST_REQUIRE_EQUAL(o.dead.size(), 1u);
  BOOST_CHECK_EQUAL(o.dead[0].dead_letter->kind(), "eval");
}

BOOST_AUTO_TEST_CASE(state_round_trip) {
  Stage s = join3(kSelect);
  Processor& p = *s.proc;
  for (int i = 0; i < 30; ++i) {
    std::string id = std::to_string(i);
    run(p, {ins(R"({"customer_id":)" + id + R"(,"name":"c)" + id + R"("})")}, 0);
    if (i % 2 == 0) run(p, {ins(R"({"customer_id":)" + id + R"(,"total":1.0)" + id + "}")}, 1);
    if (i % 3 == 0) run(p, {ins(R"({"customer_id":)" + id + R"(,"n":)" + id + "}")}, 2);
  }
  run(p, {ins(R"({"customer_id":100,"n":1})")}, 2);  // a key only the third input has
  std::string state = p.checkpoint_state();
  auto q = s.another();
  BOOST_REQUIRE(q->open(state).ok());
  BOOST_CHECK_EQUAL(q->checkpoint_state(), state);
  BOOST_CHECK_EQUAL(dynamic_cast<operators::join::JoinProcessor&>(*q).key_count(), 31u);
  auto a = run(
      p, {del(R"({"customer_id":4,"name":"c4"})"), ins(R"({"customer_id":100,"name":"z"})")}, 0);
  auto b = run(
      *q, {del(R"({"customer_id":4,"name":"c4"})"), ins(R"({"customer_id":100,"name":"z"})")}, 0);
  auto la = a.lines(), lb = b.lines();
  BOOST_CHECK_EQUAL(la.size(), 2u);
  BOOST_CHECK_EQUAL_COLLECTIONS(la.begin(), la.end(), lb.begin(), lb.end());
}

BOOST_AUTO_TEST_CASE(ttl_drops_rows_in_memory) { ttl_drops_rows(""); }

BOOST_AUTO_TEST_CASE(ttl_drops_rows_on_disk) {
  sluice::test::TempDir dir;
  ttl_drops_rows(dir.str());
}

// `ttl { after = D  inputs = [...] }`: only the named inputs' rows expire.
BOOST_AUTO_TEST_CASE(ttl_for_some_inputs) {
  sluice::test::TempDir dir;
  for (const std::string& d : {std::string(), dir.str()}) {
    Stage s = join3(std::string(kSelect) + "\nttl { after = 10s  inputs = [\"account_summary\"] }");
    use_disk(s, d);
    Processor& p = *s.proc;
    run(p, {at(ins(R"({"customer_id":1,"name":"Ann"})"), 100)}, 0);
    run(p, {at(ins(R"({"customer_id":1,"n":3})"), 100)}, 2);
    check_lines(
        run(p, {at(ins(R"({"customer_id":1,"total":5})"), 101)}, 1),
        {R"(u {"id":1,"name":"Ann","total":5,"n":3} <- {"id":1,"name":"Ann","total":null,"n":3})"});
    check_lines(
        run(p, {at(ins(R"({"customer_id":2,"n":1})"), 500)}, 2),
        {R"(u {"id":1,"name":"Ann","total":null,"n":3} <- {"id":1,"name":"Ann","total":5,"n":3})"});
    BOOST_CHECK_EQUAL(as_join(p).expired(), 1u);
  }
}

BOOST_AUTO_TEST_CASE(ttl_names_unknown_input) {
  Stage s = join3(kSelect);
  Object ttl;
  ttl.set(intern("after"), Value::int64(10 * kSec));
  ttl.set(intern("inputs"), Value::list(List{Value::string("nope")}));
  s.cfg.options.set(intern("ttl"), Value::object(ttl));
  auto r = operators::join::processor_kind().processor(s.cfg);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_MESSAGE(r.err().message.find("is not an input of the join") != std::string::npos,
                      r.err().message);
}

// A state written by one backend opens in the other (and the old JOIN1 format still opens).
BOOST_AUTO_TEST_CASE(state_moves_between_backends) {
  sluice::test::TempDir dir;
  Stage mem = join3(kSelect);
  Stage disk = join3(kSelect);
  use_disk(disk, dir.str());
  for (Processor* p : {mem.proc.get(), disk.proc.get()}) {
    run(*p,
        {at(ins(R"({"customer_id":1,"name":"Ann"})"), 5),
         at(ins(R"({"customer_id":2,"name":"Bob"})"), 6)},
        0);
    run(*p, {at(ins(R"({"customer_id":2,"total":4.50})"), 7)}, 1);
  }
  const std::string st = mem.proc->checkpoint_state();
  BOOST_REQUIRE_EQUAL(disk.proc->checkpoint_state(), st);
  auto ref = disk.proc->checkpoint(7);
  BOOST_REQUIRE(ref.ok());
  StageConfig memory_backend = disk.cfg;  // the same state directory, backend = memory
  memory_backend.state.on_disk = false;
  auto made = operators::join::processor_kind().processor(memory_backend);
  BOOST_REQUIRE(made.ok());
  std::unique_ptr<Processor> into_mem = std::move(made.value());
  BOOST_REQUIRE(into_mem->open(*ref).ok());
  BOOST_CHECK(!as_join(*into_mem).on_disk());
  BOOST_CHECK_EQUAL(into_mem->checkpoint_state(), st);
  auto into_disk = disk.another();
  BOOST_REQUIRE(into_disk->open(st).ok());
  BOOST_CHECK(as_join(*into_disk).on_disk());
  BOOST_CHECK_EQUAL(into_disk->checkpoint_state(), st);
  // JOIN1 (before change times): key 7 with the first input's row and its output.
  const std::string old =
      "JOIN1;3;1;i7;o2;11:customer_idi7;4:names3:Gus"
      "nno4;2:idi7;4:names3:Gus5:totaln1:nn";
  auto from_old = disk.another();
  BOOST_REQUIRE_MESSAGE(from_old->open(old).ok(), "JOIN1 state");
  BOOST_CHECK_EQUAL(as_join(*from_old).key_count(), 1u);
  check_lines(
      run(*from_old, {ins(R"({"customer_id":7,"total":1})")}, 1),
      {R"(u {"id":7,"name":"Gus","total":1,"n":null} <- {"id":7,"name":"Gus","total":null,"n":null})"});
  BOOST_CHECK(!mem.another()->open("JOIN9;").ok());
}

// Randomized: creates, updates (some moving the key) and deletes on the three inputs, event
// times advancing (a little out of order, sometimes by more than the ttl), ttl = 10s. After
// every batch the output changelog applied to a view must equal the join of a model of the
// inputs whose rows expire as the ttl says; the state on disk must give the same outputs and
// the same state as in memory; both continue from a checkpoint every 20 batches.
BOOST_AUTO_TEST_CASE(randomized_with_ttl_disk_equals_memory_equals_model) {
  const std::string body = std::string(kSelect) + "\nttl = 10s";
  Stage mem = join3(body);
  Stage disk = join3(body);
  sluice::test::TempDir dir;
  use_disk(disk, dir.str());
  std::unique_ptr<Processor> pm = std::move(mem.proc), pd = std::move(disk.proc);
  std::mt19937_64 rng(1812);
  auto rnd = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  Model model;
  std::map<std::string, std::string> view;
  int64_t sec = 1000;
  size_t outputs = 0;
  for (int batch = 0; batch < 400; ++batch) {
    const int input = rnd(0, 2);
    sec += rnd(0, 30) == 0 ? 15 : rnd(0, 1);
    std::vector<Event> in;
    for (int i = rnd(1, 6); i > 0; --i)
      in.push_back(random_change(model, input, (sec - rnd(0, 3)) * kSec, rng));
    model.expire(10 * kSec);
    Out om = run(*pm, in, static_cast<size_t>(input));
    Out od = run(*pd, std::move(in), static_cast<size_t>(input));
    BOOST_REQUIRE(om.dead.empty() && od.dead.empty());
    Lines lm = om.lines(), ld = od.lines();
    BOOST_REQUIRE_EQUAL_COLLECTIONS(lm.begin(), lm.end(), ld.begin(), ld.end());
    BOOST_REQUIRE_EQUAL(pm->checkpoint_state(), pd->checkpoint_state());
    apply_changelog(view, od.out);
    outputs += od.out.size();
    std::map<std::string, std::string> want;
    for (const auto& [k, row] : model.joined()) want[js(Value::int64(k))] = row;
    BOOST_REQUIRE_MESSAGE(view == want, "batch " << batch << ": the view differs from the model");
    BOOST_REQUIRE_EQUAL(as_join(*pd).key_count(), as_join(*pm).key_count());
    if (batch % 20 == 19) {
      pm = restart(mem, std::move(pm), static_cast<uint64_t>(batch));
      pd = restart(disk, std::move(pd), static_cast<uint64_t>(batch));
    }
  }
  BOOST_TEST_MESSAGE("join random: " << outputs << " outputs, " << model.expired << " expired");
  BOOST_CHECK_GT(outputs, 300u);
  BOOST_CHECK_GT(model.expired, 50u);
}

// `ttl` is an option of the join (written among the statements), checked like any other.
BOOST_AUTO_TEST_CASE(ttl_option_is_checked) {
  auto diags = [](const std::string& opt) {
    dsl::Loaded l = dsl::load_text("test.pipe",
                                   "pipeline p {\n  source test a { }\n  source test b { }\n"
                                   "  join j from a, b on id {\n    " +
                                       opt + "\n  }\n  sink test out from j { }\n}\n",
                                   specs());
    return l.ok() ? std::string() : dsl::format(l);
  };
  BOOST_CHECK_EQUAL(diags("ttl = 30d"), "");
  BOOST_CHECK_EQUAL(diags("ttl { after = 12h  inputs = [\"b\"] }"), "");
  BOOST_CHECK_NE(diags("ttl = \"soon\"").find("ttl"), std::string::npos);
  BOOST_CHECK_NE(diags("ttl { inputs = [\"b\"] }").find("after"), std::string::npos);
  BOOST_CHECK_NE(diags("ttl { after = 1d  input = [\"b\"] }").find("input"), std::string::npos);
  // A name that is no option of the kind is still reported.
  BOOST_CHECK_NE(diags("tll = 30d").find("unknown option 'tll'"), std::string::npos);
}

// A stage that has finished takes no more checkpoints while the pipeline's go on with its last
// state: committing a later id keeps the store checkpoint that state refers to.
BOOST_AUTO_TEST_CASE(committed_keeps_the_checkpoint_a_later_one_refers_to) {
  sluice::test::TempDir dir;
  Stage s = join3(kSelect);
  use_disk(s, dir.str());
  run(*s.proc, {at(ins(R"({"customer_id":1,"name":"Ann"})"), 5)}, 0);
  const std::string st = s.proc->checkpoint_state();
  auto ref = s.proc->checkpoint(1);
  BOOST_REQUIRE(ref.ok());
  s.proc->checkpoint_committed(3);  // checkpoints 2 and 3 hold the state of checkpoint 1
  // Store checkpoints are named ckpt-<id>-<tag>.
  auto has_ckpt = [&](int id) {
    const std::string prefix = "ckpt-" + std::to_string(id) + "-";
    for (const auto& e : std::filesystem::directory_iterator(dir.str() + "/state/j/0")) {
      if (e.path().filename().string().rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  BOOST_CHECK(has_ckpt(1));
  auto restored = s.another();
  BOOST_REQUIRE(restored->open(*ref).ok());
  BOOST_CHECK_EQUAL(restored->checkpoint_state(), st);
  auto ref4 = restored->checkpoint(4);
  BOOST_REQUIRE(ref4.ok());
  restored->checkpoint_committed(4);
  BOOST_CHECK(!has_ckpt(1));
  BOOST_CHECK(has_ckpt(4));
}

BOOST_AUTO_TEST_SUITE_END()
