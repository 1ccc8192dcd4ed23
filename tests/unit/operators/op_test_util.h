// Helpers for the operator tests: parse a pipeline text, build a StageConfig for one stage
// (constant options evaluated), make events from JSON, temp directories.
#pragma once
#include <stdlib.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/event_codec.h"
#include "base/json.h"
#include "dsl/eval/expr.h"
#include "dsl/parser.h"
#include "engine/core/operator.h"
#include "support/fuzz_seed.h"

namespace optest {

using namespace sluice;

struct Parsed {
  ast::File file;
  dsl::Diagnostics diags;
};

inline std::shared_ptr<Parsed> parse_text(const std::string& text) {
  auto p = std::make_shared<Parsed>();
  p->file = dsl::parse("test.pipe", text, p->diags);
  BOOST_REQUIRE_MESSAGE(!p->diags.has_errors(), p->diags.format("test.pipe", text));
  return p;
}

inline Value option_value(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Field && e.path.size() == 1) return Value::string(e.path[0]);
  if (e.kind == ast::ExprKind::Literal && e.unit == ast::LitUnit::Rate) {
    return Value::int64(e.literal.as_int() * 1000000 / e.rate_period_us);
  }
  auto v = eval::eval_constant(e);
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message));
  return v.value();
}

// The stage's config; `p` must outlive it (it points into the AST).
inline StageConfig config_for(const Parsed& p, const std::string& stage) {
  for (const auto& pl : p.file.pipelines) {
    for (const auto& st : pl.stages) {
      if (st.name != stage) continue;
      StageConfig c;
      c.pipeline = pl.name;
      c.name = st.name;
      c.kind = st.kind;
      c.ast = &st;
      for (const auto& o : st.options) {
        if (o.is_block || !o.value) continue;
        c.options.set(intern(o.name), option_value(*o.value));
      }
      for (const auto& f : st.from) c.inputs.push_back(f.name);
      return c;
    }
  }
  BOOST_FAIL("no stage " + stage);
  return {};
}

inline Object obj(const std::string& json_text) {
  auto v = json::parse(json_text);
  BOOST_REQUIRE_MESSAGE(v.ok(), (v.ok() ? std::string() : v.err().message));
  BOOST_REQUIRE(v->type() == Type::Object);
  return std::move(v->as_object());
}

inline std::string row_json(const Object& o) {
  std::string s;
  event_codec::append_object(o, s);
  return s;
}

inline Event event_of(const std::string& json_text) {
  Event e;
  e.row = obj(json_text);
  return e;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text,
                       bool append = false) {
  // The files a file source reads, as fuzz seeds (support/fuzz_seed.h): CSV whole (after the
  // chunk-size byte of fuzz_csv), JSON lines one by one.
  if (!append && p.extension() == ".csv") sluice::test::fuzz_seed("fuzz_csv", "\x0f" + text);
  if (!append && p.extension() == ".jsonl") {
    for (size_t at = 0; at < text.size();) {
      size_t nl = std::min(text.find('\n', at), text.size());
      sluice::test::fuzz_seed("fuzz_json", std::string_view(text).substr(at, nl - at));
      at = nl + 1;
    }
  }
  std::ofstream out(p, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "sluice-op-XXXXXX").string();
    char* d = mkdtemp(t.data());
    BOOST_REQUIRE(d != nullptr);
    path = d;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace optest
