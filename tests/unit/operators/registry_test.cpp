#include "operators/registry.h"

#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "op_test_util.h"
#include "operators/null/null_sink.h"
#include "operators/stdout/stdout_sink.h"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(every_kind_has_a_spec_and_factory) {
  const auto& r = operators::registry();
  struct Want {
    dsl::Role role;
    const char* kind;
  };
  for (Want w : {Want{dsl::Role::Source, "file"}, Want{dsl::Role::Source, "generate"},
                 Want{dsl::Role::Processor, "transform"}, Want{dsl::Role::Sink, "file"},
                 Want{dsl::Role::Sink, "stdout"}, Want{dsl::Role::Sink, "null"}}) {
    const OperatorKind* k = r.find(w.role, w.kind);
    BOOST_REQUIRE_MESSAGE(k != nullptr, w.kind);
    BOOST_CHECK(!k->spec.summary.empty());
    bool has_factory = w.role == dsl::Role::Source ? static_cast<bool>(k->source)
                       : w.role == dsl::Role::Sink ? static_cast<bool>(k->sink)
                                                   : static_cast<bool>(k->processor);
    BOOST_CHECK_MESSAGE(has_factory, w.kind);
    for (const auto& o : k->spec.options) BOOST_CHECK_MESSAGE(!o.doc.empty(), o.name);
  }
  // every registered kind (also those of other folders) has a spec and the right factory
  BOOST_CHECK_GE(r.all().size(), 6u);
  BOOST_CHECK_EQUAL(r.specs().all().size(), r.all().size());
  for (const auto& k : r.all()) {
    BOOST_CHECK_MESSAGE(!k.spec.summary.empty(), k.spec.kind);
    bool ok = k.spec.role == dsl::Role::Source ? static_cast<bool>(k.source)
              : k.spec.role == dsl::Role::Sink ? static_cast<bool>(k.sink)
                                               : static_cast<bool>(k.processor);
    BOOST_CHECK_MESSAGE(ok, "factory of " << k.spec.kind);
    // no kind registered twice
    BOOST_CHECK_EQUAL(r.find(k.spec.role, k.spec.kind), &k);
  }
  const auto* file = r.find(dsl::Role::Source, "file");
  BOOST_REQUIRE(file);
  BOOST_CHECK(file->spec.options[0].name == "path" && file->spec.options[0].required);
  const auto* gen = r.find(dsl::Role::Source, "generate");
  BOOST_CHECK(gen->spec.free_blocks == std::vector<std::string>{"fields"});
}

BOOST_AUTO_TEST_CASE(null_counts_and_stdout_table) {
  operators::null_sink::NullSink n;
  std::vector<Event> evs(5), dead;
  BOOST_REQUIRE(n.write(evs, dead).ok());
  BOOST_CHECK_EQUAL(n.count(), 5u);
  BOOST_CHECK(evs.empty());

  std::FILE* f = std::tmpfile();
  BOOST_REQUIRE(f);
  operators::stdout_sink::StdoutSink s(true, f);
  std::vector<Event> batch;
  batch.push_back(
      optest::event_of(R"({"id":1,"name":"a very long name that goes on and on and on forever"})"));
  batch.push_back(optest::event_of(R"({"id":22,"name":"b"})"));
  batch.push_back(optest::event_of(R"({"x":1.50})"));
  BOOST_REQUIRE(s.write(batch, dead).ok());
  BOOST_REQUIRE(s.checkpoint(1).ok());
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, got);
  std::fclose(f);
  BOOST_CHECK_EQUAL(text,
                    "op | id | name\n"
                    "---+----+-----------------------------------------\n"
                    "c  | 1  | a very long name that goes on and on an\xE2\x80\xA6\n"
                    "c  | 22 | b\n"
                    "op | x\n"
                    "---+-----\n"
                    "c  | 1.50\n");
}

BOOST_AUTO_TEST_SUITE_END()
