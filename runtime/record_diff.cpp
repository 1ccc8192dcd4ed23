#include "runtime/record_diff.h"

#include "runtime/test_record.h"

namespace sluice::runtime {
namespace {

// lcs[i][j]: the longest common subsequence of expected[i..] and actual[j..].
std::vector<std::vector<size_t>> lcs_table(const std::vector<Object>& e,
                                           const std::vector<Event>& a) {
  std::vector<std::vector<size_t>> t(e.size() + 1, std::vector<size_t>(a.size() + 1, 0));
  for (size_t i = e.size(); i-- > 0;) {
    for (size_t j = a.size(); j-- > 0;) {
      t[i][j] =
          record_matches(e[i], a[j]) ? t[i + 1][j + 1] + 1 : std::max(t[i + 1][j], t[i][j + 1]);
    }
  }
  return t;
}

// The metadata keys the expected records use, so received events show the same ones.
Object meta_like(const std::vector<Object>& expected) {
  Object like;
  for (const auto& r : expected) {
    for (const auto& f : r.fields()) {
      const std::string& n = sym_name(f.name);
      if (!n.empty() && n[0] == '@' && like.find(f.name) == nullptr) like.append(f.name, f.value);
    }
  }
  return like;
}

struct Run {
  std::vector<size_t> missing, extra;  // indexes into expected / actual
};

void flush(Run& run, const std::vector<Object>& e, const std::vector<Event>& a, const Object& like,
           std::string& out) {
  for (size_t k = 0; k < run.missing.size(); ++k) {
    out += "  - " + show_expected(e[run.missing[k]]) + "\n";
    if (k < run.extra.size()) {
      out += "  + " + show_actual(a[run.extra[k]], like) + "\n";
      for (const auto& d : record_differences(e[run.missing[k]], a[run.extra[k]])) {
        out += "      " + d + "\n";
      }
    }
  }
  for (size_t k = run.missing.size(); k < run.extra.size(); ++k) {
    out += "  + " + show_actual(a[run.extra[k]], like) + "\n";
  }
  run = Run{};
}

}  // namespace

std::string record_diff(const std::vector<Object>& expected, const std::vector<Event>& actual) {
  auto t = lcs_table(expected, actual);
  if (t[0][0] == expected.size() && expected.size() == actual.size()) return {};
  Object like = meta_like(expected);
  std::string out;
  Run run;
  size_t i = 0, j = 0;
  while (i < expected.size() || j < actual.size()) {
    if (i < expected.size() && j < actual.size() && record_matches(expected[i], actual[j]) &&
        t[i][j] == t[i + 1][j + 1] + 1) {
      flush(run, expected, actual, like, out);
      out += "    " + show_expected(expected[i]) + "\n";
      ++i, ++j;
    } else if (j < actual.size() && (i == expected.size() || t[i][j + 1] >= t[i + 1][j])) {
      run.extra.push_back(j++);
    } else {
      run.missing.push_back(i++);
    }
  }
  flush(run, expected, actual, like, out);
  return out;
}

}  // namespace sluice::runtime
