// Randomized: inserts/updates/deletes on "accounts" rows; after every batch the aggregate's
// output changelog, applied to a materialized view, must equal a brute-force recomputation
// from the current table (compared as exact JSON text: digits and scales included).
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>

#include "agg_test_util.h"
#include "operators/aggregate/aggregate_processor.h"
#include "support/process.h"

using namespace sluice;
using namespace aggtest;

namespace {

struct Row {
  Object obj;
  uint64_t touched = 0;
};

const Sym kId = intern("id"), kCust = intern("customer_id"), kStatus = intern("status"),
          kBal = intern("balance"), kType = intern("account_type");

Object brute_group(const Value& cust, std::vector<const Row*> rows) {
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->touched < b->touched; });
  int64_t nb = 0;
  Decimal total;
  const Value* lo = nullptr;
  const Value* hi = nullptr;
  std::vector<std::string> types;
  List ids;
  for (const Row* r : rows) {
    const Value& b = *r->obj.find(kBal);
    if (!b.is_null()) {
      ++nb;
      total = *total.add(b.as_decimal());
      if (lo == nullptr || Value::compare(b, *lo) < 0) lo = &b;
      if (hi == nullptr || Value::compare(b, *hi) > 0) hi = &b;
    }
    const Value& t = *r->obj.find(kType);
    if (!t.is_null() && std::find(types.begin(), types.end(), t.as_string()) == types.end()) {
      types.push_back(t.as_string());
    }
    ids.push_back(*r->obj.find(kId));
  }
  std::sort(types.begin(), types.end());
  List tl;
  for (auto& t : types) tl.push_back(Value::string(t));
  Object o;
  o.append(kCust, cust);
  o.append(intern("n"), Value::int64(static_cast<int64_t>(rows.size())));
  o.append(intern("nb"), Value::int64(nb));
  o.append(intern("total"), nb ? Value::decimal(*total.rescale(2)) : Value());
  o.append(intern("mean"),
           nb ? Value::decimal(*total.rescale(2)->div(Decimal(nb, 0), 6)) : Value());
  o.append(intern("lo"), lo ? *lo : Value());
  o.append(intern("hi"), hi ? *hi : Value());
  o.append(intern("kinds"), Value::int64(static_cast<int64_t>(types.size())));
  o.append(intern("types"), Value::list(std::move(tl)));
  o.append(intern("f"), *rows.front()->obj.find(kType));
  o.append(intern("l"), *rows.back()->obj.find(kType));
  o.append(intern("ids"), Value::list(std::move(ids)));
  return o;
}

}  // namespace

// disk: the state in the RocksDB store with no decoded cache (every batch reads its groups
// back from the store), restored every 25 batches from a store checkpoint.
void randomized(bool disk) {
  Stage s = make_agg(
      "where status != \"closed\"\n group by customer_id\n n = count()\n nb = count(balance)\n"
      " total = sum(balance)\n mean = avg(balance)\n lo = min(balance)\n hi = max(balance)\n"
      " kinds = count_distinct(account_type)\n types = collect_set(account_type)\n"
      " f = first(account_type)\n l = last(account_type)\n ids = collect_list(id)");
  sluice::test::TempDir dir;
  if (disk) {
    s.cfg.state_dir = dir.str();
    s.cfg.state.memory_bytes = 4096;  // cache limit 1 group: every batch reloads from disk
    s.proc = s.another();
    BOOST_REQUIRE(s.proc->open("").ok());
    BOOST_REQUIRE(dynamic_cast<operators::aggregate::AggregateProcessor&>(*s.proc).on_disk());
  }
  std::unique_ptr<Processor> proc = std::move(s.proc);
  uint64_t ckpt = 0;
  std::mt19937_64 rng(20240229);
  auto rnd = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  const char* types[] = {"chk", "sav", "loan"};
  auto random_row = [&](int64_t id) {
    Object o;
    o.append(kId, Value::int64(id));
    o.append(kCust, Value::int64(rnd(1, 8)));
    o.append(kStatus, Value::string(rnd(0, 4) == 0 ? "closed" : "open"));
    o.append(kBal, rnd(0, 9) == 0 ? Value() : Value::decimal(Decimal(rnd(-500, 5000), 2)));
    o.append(kType, rnd(0, 7) == 0 ? Value() : Value::string(types[rnd(0, 2)]));
    return o;
  };
  std::map<int64_t, Row> table;
  std::map<std::string, Object> view;  // key JSON -> output row
  int64_t next_id = 1;
  uint64_t clock = 0;
  size_t events = 0, outputs = 0;
  for (int batch = 0; batch < 300; ++batch) {
    std::vector<Event> in;
    int n = rnd(1, 25);
    for (int i = 0; i < n; ++i) {
      int what = table.size() < 20 ? 0 : rnd(0, 9);
      Event e;
      e.source = accounts_meta();
      if (what <= 3) {
        int64_t id = next_id++;
        e.op = Op::Create;
        e.row = random_row(id);
        table[id] = Row{e.row, ++clock};
      } else {
        auto it = table.begin();
        std::advance(it, rnd(0, static_cast<int>(table.size()) - 1));
        if (what <= 7) {
          e.op = Op::Update;
          e.before = it->second.obj;
          e.has_before = true;
          e.row = it->second.obj;
          switch (rnd(0, 4)) {  // change one or all fields (incl. the group key)
            case 0:
              e.row = random_row(it->first);
              break;
            case 1:
              e.row.set(kCust, Value::int64(rnd(1, 8)));
              break;
            case 2:
              e.row.set(kBal, Value::decimal(Decimal(rnd(-500, 5000), 2)));
              break;
            case 3:
              e.row.set(kStatus, Value::string(rnd(0, 1) ? "closed" : "open"));
              break;
            default:
              e.row.set(kType, Value::string(types[rnd(0, 2)]));
              break;
          }
          it->second = Row{e.row, ++clock};
        } else {
          e.op = Op::Delete;
          e.row = it->second.obj;
          table.erase(it);
        }
      }
      in.push_back(std::move(e));
    }
    events += in.size();
    Out o = run(*proc, std::move(in));
    BOOST_REQUIRE(o.dead.empty());
    outputs += o.out.size();
    for (const Event& e : o.out) {
      std::string k = js(e.key);
      auto v = view.find(k);
      if (e.op == Op::Create) {
        BOOST_REQUIRE_MESSAGE(v == view.end(), "create of an existing group " + k);
        view[k] = e.row;
      } else if (e.op == Op::Update) {
        BOOST_REQUIRE_MESSAGE(v != view.end(), "update of a missing group " + k);
        BOOST_REQUIRE(e.has_before);
        BOOST_REQUIRE_EQUAL(js(e.before), js(v->second));
        BOOST_REQUIRE_NE(js(e.row), js(v->second));
        v->second = e.row;
      } else {
        BOOST_REQUIRE(e.op == Op::Delete);
        BOOST_REQUIRE_MESSAGE(v != view.end(), "delete of a missing group " + k);
        BOOST_REQUIRE_EQUAL(js(e.row), js(v->second));
        view.erase(v);
      }
    }
    // Brute force from the table.
    std::map<std::string, std::pair<Value, std::vector<const Row*>>> groups;
    for (const auto& [id, r] : table) {
      if (r.obj.find(kStatus)->as_string() == "closed") continue;
      const Value& c = *r.obj.find(kCust);
      auto& g = groups[js(c)];
      g.first = c;
      g.second.push_back(&r);
    }
    BOOST_REQUIRE_EQUAL(groups.size(), view.size());
    for (const auto& [k, g] : groups) {
      auto v = view.find(k);
      BOOST_REQUIRE_MESSAGE(v != view.end(), "missing group " + k);
      BOOST_REQUIRE_EQUAL(js(v->second), js(brute_group(g.first, g.second)));
    }
    // Every 25 batches continue with a processor restored from a checkpoint.
    if (batch % 25 == 24) {
      std::string st = proc->checkpoint_state();
      auto ref = proc->checkpoint(++ckpt);
      BOOST_REQUIRE(ref.ok());
      proc->checkpoint_committed(ckpt);
      if (disk) BOOST_REQUIRE_NE(*ref, st);  // a reference, not the state
      // Changes after the checkpoint must not leak into it.
      std::vector<Event> junk;
      for (int i = 0; i < 5; ++i) {
        Event e;
        e.source = accounts_meta();
        e.op = Op::Create;
        e.row = random_row(1000000 + i);
        junk.push_back(std::move(e));
      }
      (void)run(*proc, std::move(junk));
      proc.reset();  // as after kill -9: the working copy is gone
      auto fresh = s.another();
      BOOST_REQUIRE(fresh->open(*ref).ok());
      BOOST_REQUIRE_EQUAL(fresh->checkpoint_state(), st);
      proc = std::move(fresh);
    }
  }
  BOOST_TEST_MESSAGE("random: " << events << " changes, " << outputs << " outputs, " << view.size()
                                << " groups");
  BOOST_CHECK_GT(outputs, 1000u);
}

BOOST_AUTO_TEST_CASE(randomized_changelog_equals_brute_force) { randomized(false); }

BOOST_AUTO_TEST_CASE(randomized_changelog_equals_brute_force_state_on_disk) { randomized(true); }
