#include <boost/test/unit_test.hpp>
#include <chrono>

#include "op_test_util.h"
#include "operators/generate/generate_source.h"

using namespace sluice;
using optest::row_json;

namespace {

const char* kPipe = R"(
pipeline p {
  source generate gen {
    count = 3000
    seed = 7
    fields {
      id = seq()
      name = "user" + to_string(seq())
      n = random_int(1, 1000000)
      same = seq() * 10
      tier = pick(["a", "b", "c"])
    }
  }
}
)";

std::unique_ptr<Source> make(const StageConfig& c, const std::string& state = "") {
  auto s = operators::generate::GenerateSource::make(c);
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.err().message));
  BOOST_REQUIRE(s.value()->open(state).ok());
  return std::move(s.value());
}

std::vector<std::string> drain(Source& s, size_t max, size_t limit = SIZE_MAX) {
  std::vector<std::string> rows;
  while (rows.size() < limit) {
    std::vector<Event> out;
    auto r = s.poll(std::min(max, limit - rows.size()), out);
    BOOST_REQUIRE(r.ok());
    for (auto& e : out) rows.push_back(row_json(e.row));
    if (*r == Source::Poll::End) break;
  }
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(generate_source)

BOOST_AUTO_TEST_CASE(count_fields_and_seq) {
  auto p = optest::parse_text(kPipe);
  auto c = optest::config_for(*p, "gen");
  auto s = make(c);
  std::vector<Event> out;
  auto r = s->poll(2, out);
  BOOST_REQUIRE(r.ok() && *r == Source::Poll::Data);
  BOOST_REQUIRE_EQUAL(out.size(), 2u);
  BOOST_CHECK_EQUAL(out[0].row.find(intern("id"))->as_int(), 1);
  BOOST_CHECK_EQUAL(out[1].row.find(intern("id"))->as_int(), 2);
  BOOST_CHECK_EQUAL(out[1].row.find(intern("name"))->as_string(), "user2");
  BOOST_CHECK_EQUAL(out[1].row.find(intern("same"))->as_int(), 20);  // seq() same within record
  int64_t n = out[0].row.find(intern("n"))->as_int();
  BOOST_CHECK(n >= 1 && n <= 1000000);
  BOOST_CHECK_EQUAL(out[1].position.as_int(), 2);
  BOOST_CHECK_EQUAL(out[0].source->connector, "generate");
  BOOST_CHECK_EQUAL(s->checkpoint_state(), "2");
  auto rest = drain(*s, 1000);
  BOOST_CHECK_EQUAL(rest.size(), 2998u);
  out.clear();
  auto endr = s->poll(10, out);
  BOOST_REQUIRE(endr.ok());
  BOOST_CHECK(endr.value() == Source::Poll::End);
}

BOOST_AUTO_TEST_CASE(deterministic_and_resume_regenerates_identical_records) {
  auto p = optest::parse_text(kPipe);
  auto c = optest::config_for(*p, "gen");
  auto a = make(c);
  auto all = drain(*a, 333);
  BOOST_REQUIRE_EQUAL(all.size(), 3000u);
  auto b = make(c);
  BOOST_CHECK(drain(*b, 1000) == all);  // same seed, other batch sizes: same records
  // values actually vary
  BOOST_CHECK(all[0] != all[1]);
  // restart at positions inside and at block boundaries
  for (int64_t pos : {1, 1023, 1024, 1500, 2999}) {
    auto r = make(c, std::to_string(pos));
    auto rest = drain(*r, 77);
    BOOST_REQUIRE_EQUAL(rest.size(), static_cast<size_t>(3000 - pos));
    BOOST_CHECK(rest.front() == all[static_cast<size_t>(pos)]);
    BOOST_CHECK(rest.back() == all.back());
  }
  // another seed gives other data
  c.options.set(intern("seed"), Value::int64(8));
  auto other = make(c);
  BOOST_CHECK(drain(*other, 1000) != all);
}

BOOST_AUTO_TEST_CASE(unbounded_and_rate_paced) {
  auto p = optest::parse_text(R"(
pipeline p {
  source generate g {
    rate = 1000/s
    fields { x = seq() }
  }
})");
  auto c = optest::config_for(*p, "g");
  auto s = make(c);
  auto start = std::chrono::steady_clock::now();
  size_t got = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200)) {
    std::vector<Event> out;
    auto r = s->poll(10000, out);
    BOOST_REQUIRE(r.ok());
    BOOST_REQUIRE(*r != Source::Poll::End);
    got += out.size();
  }
  // about 200 in 200 ms at 1000/s; never a burst of the whole poll size
  BOOST_CHECK_GT(got, 100u);
  BOOST_CHECK_LT(got, 400u);
}

BOOST_AUTO_TEST_CASE(rate_per_minute_and_count_zero_and_earlier_fields) {
  auto p = optest::parse_text(R"(
pipeline p {
  source generate slow {
    rate = 60/m
    fields { a = seq()  b = a + 1 }
  }
  source generate none {
    count = 0
    fields { a = seq() }
  }
})");
  auto s = make(optest::config_for(*p, "slow"));
  size_t got = 0;
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(300)) {
    std::vector<Event> out;
    auto r = s->poll(100, out);
    BOOST_REQUIRE(r.ok());
    for (auto& e : out) {
      BOOST_CHECK_EQUAL(e.row.find(intern("b"))->as_int(), e.row.find(intern("a"))->as_int() + 1);
    }
    got += out.size();
  }
  BOOST_CHECK_EQUAL(got, 1u);  // one a second: only the first one in 300 ms
  auto z = make(optest::config_for(*p, "none"));
  std::vector<Event> out;
  auto r = z->poll(10, out);
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK(r.value() == Source::Poll::End);
  BOOST_CHECK(out.empty());
}

BOOST_AUTO_TEST_CASE(speed_simple_records) {
  auto p = optest::parse_text(R"(
pipeline p {
  source generate g {
    count = 2000000
    fields { id = seq()  name = "user"  amount = 42  flag = true }
  }
})");
  auto c = optest::config_for(*p, "g");
  auto s = make(c);
  auto start = std::chrono::steady_clock::now();
  size_t got = 0;
  std::vector<Event> out;
  while (true) {
    out.clear();
    auto r = s->poll(4096, out);
    BOOST_REQUIRE(r.ok());
    got += out.size();
    if (*r == Source::Poll::End) break;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_CHECK_EQUAL(got, 2000000u);
  BOOST_TEST_MESSAGE("generate: " << got / secs << " records/s");
}

BOOST_AUTO_TEST_SUITE_END()
