// Randomized robustness: mutated example pipelines never crash or hang the parser/checker, and
// every failure comes with at least one diagnostic at a valid position.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <random>
#include <sstream>

#include "test_registry.h"

using namespace sluice;
using namespace sluice::dsl;

namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/unit/dsl/data/" + name);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Rough tokens: words/numbers, strings, single punctuation, whitespace runs.
std::vector<std::string> tokenize(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i + 1;
    char c = s[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
    } else if (c == '"') {
      while (j < s.size() && s[j] != '"' && s[j] != '\n') ++j;
      if (j < s.size() && s[j] == '"') ++j;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    }
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& t : v) s += t;
  return s;
}

std::string mutate(const std::string& text, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  std::string s = text;
  int rounds = 1 + static_cast<int>(pick(4));
  static const std::string kChars = "{}[]()=,.:\"@#/`-+*<>!?%\\ \n\tazKB19_";
  for (int r = 0; r < rounds; ++r) {
    auto toks = tokenize(s);
    switch (pick(8)) {
      case 0:  // delete a token
        if (!toks.empty()) toks.erase(toks.begin() + static_cast<long>(pick(toks.size())));
        s = join(toks);
        break;
      case 1:  // duplicate a token
        if (!toks.empty()) {
          size_t i = pick(toks.size());
          toks.insert(toks.begin() + static_cast<long>(i), toks[i]);
        }
        s = join(toks);
        break;
      case 2:  // swap two tokens
        if (toks.size() > 1) std::swap(toks[pick(toks.size())], toks[pick(toks.size())]);
        s = join(toks);
        break;
      case 3:  // replace a token by another one of the file
        if (!toks.empty()) toks[pick(toks.size())] = toks[pick(toks.size())];
        s = join(toks);
        break;
      case 4:  // flip a byte
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
        break;
      case 5:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 6:  // insert random characters
        for (size_t n = 1 + pick(4); n > 0; --n)
          s.insert(pick(s.size() + 1), 1, kChars[pick(kChars.size())]);
        break;
      default:  // insert a random byte
        s.insert(pick(s.size() + 1), 1, static_cast<char>(pick(256)));
        break;
    }
  }
  return s;
}

int line_count(const std::string& s) {
  int n = 1;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dsl_fuzz)

BOOST_AUTO_TEST_CASE(mutated_examples_never_crash_or_hang) {
  std::vector<std::string> seeds = {read("mks_finance_ods.pipe"), read("customer_analytics.pipe"),
                                    read("generate_all.pipe"), read("two_pipelines.pipe")};
  for (const auto& s : seeds) BOOST_REQUIRE(!s.empty());
  uint64_t seed = 20240229;
  if (const char* env = std::getenv("SLUICE_FUZZ_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::mt19937_64 rng(seed);
  const auto budget = std::chrono::seconds(6);
  const auto start = std::chrono::steady_clock::now();
  size_t runs = 0, accepted = 0, rejected = 0;
  while (std::chrono::steady_clock::now() - start < budget) {
    std::string text = mutate(seeds[rng() % seeds.size()], rng);
    auto fut = std::async(std::launch::async, [&text] { return testing::load(text, "fuzz.pipe"); });
    if (fut.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
      std::fprintf(stderr, "parse+check took over 2 s (seed %llu, run %zu) on:\n%s\n",
                   static_cast<unsigned long long>(seed), runs, text.c_str());
      std::fflush(stderr);
      std::_Exit(1);  // a hung thread cannot be joined
    }
    Loaded l = fut.get();
    ++runs;
    if (l.ok()) {
      ++accepted;
    } else {
      ++rejected;
      BOOST_TEST(l.diags.error_count() >= 1u);
    }
    int lines = line_count(text);
    for (const auto& d : l.diags.items()) {
      if (d.line < 1 || d.line > lines || d.col < 1 || d.message.empty()) {
        BOOST_ERROR("bad diagnostic " << d.line << ":" << d.col << " '" << d.message << "' (seed "
                                      << seed << ", run " << runs << ") for:\n"
                                      << text);
        break;
      }
    }
    std::string report = format(l);
    if (!l.diags.empty()) BOOST_TEST(!report.empty());
  }
  BOOST_TEST_MESSAGE("fuzz: " << runs << " runs, " << accepted << " accepted, " << rejected
                              << " rejected");
  BOOST_TEST(runs > 100u);
  BOOST_TEST(rejected > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
