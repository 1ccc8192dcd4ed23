// ConfigBuilder: constant options, defaults per type, per-record options, settings.
#include <boost/test/unit_test.hpp>

#include "base/secrets.h"
#include "engine/actors/actor_setup.h"
#include "engine/actors/checkpoint_store.h"
#include "engine/actors/config_builder.h"
#include "engine/actors/option_text.h"
#include "fakes.h"
#include "support/fuzz_seed.h"

using namespace sluice;
using namespace sluice::engine;

BOOST_AUTO_TEST_SUITE(engine_config)

BOOST_AUTO_TEST_CASE(option_texts) {
  BOOST_TEST(*parse_duration_text("100ms") == 100000);
  BOOST_TEST(*parse_duration_text("1s") == 1000000);
  BOOST_TEST(*parse_duration_text("2m") == 120000000);
  BOOST_TEST(*parse_size_text("64KB") == 65536);
  BOOST_TEST(*parse_rate_text("300/m") == 5);
  BOOST_TEST(!parse_duration_text("soon").has_value());
  dsl::OptionSpec b;
  b.type = dsl::OptType::Backoff;
  b.default_text = "exponential(100ms, 10s)";
  auto bv = parse_default_text(b);
  BOOST_REQUIRE(bv.has_value());
  auto p = BackoffPolicy::from_value(&*bv);
  BOOST_TEST(p.exponential);
  BOOST_TEST(p.min_us == 100000);
  BOOST_TEST(p.max_us == 10000000);
  BOOST_TEST(p.delay_us(1) == 100000);
  BOOST_TEST(p.delay_us(3) == 400000);
  BOOST_TEST(p.delay_us(30) == 10000000);
}

// issue 21 (point 5): a secret option given by env() is redacted like secret().
BOOST_AUTO_TEST_CASE(secret_options_from_env_are_redacted) {
  setenv("SLUICE_T_ENV_PW", "env-Pa55-w0rd-xyz", 1);
  auto file = test::parse(R"(
pipeline cfg {
  source counter src { count = 1  password = env("SLUICE_T_ENV_PW") }
}
)");
  auto reg = test::make_registry();
  const auto* spec = reg.find(dsl::Role::Source, "counter");
  auto c = ConfigBuilder::stage("cfg", file->pipelines.at(0).stages.at(0), &spec->spec, "/tmp/x");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->option_string("password") == "env-Pa55-w0rd-xyz");
  BOOST_TEST(secrets::redact("login failed for env-Pa55-w0rd-xyz") == "login failed for ***");
}

BOOST_AUTO_TEST_CASE(stage_config_from_ast) {
  auto file = test::parse(R"(
pipeline cfg {
  settings { checkpoint_interval = 250ms  batch_size = 77  restart_backoff = fixed(20ms) }
  source counter src { count = 5 }
  transform t from src { buffer = 500  rate_limit = 300/m  dead_letter = dlq
                         retry { attempts = 7 } }
  sink store out from t { fail_times = 2 }
  sink store dlq { }
}
)");
  auto reg = test::make_registry();
  const auto& p = file->pipelines.at(0);
  const auto* tk = reg.find(dsl::Role::Processor, "transform");
  auto t = ConfigBuilder::stage("cfg", p.stages.at(1), &tk->spec, "/tmp/x");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->option_int("buffer") == 500);
  BOOST_TEST(t->option_int("parallelism") == 1);  // default from the common spec
  BOOST_TEST(t->option_int("rate_limit") == 5);   // per second
  BOOST_TEST(t->option_string("dead_letter") == "dlq");
  BOOST_TEST(t->inputs.at(0) == "src");
  auto so = StageOptions::from(*t);
  BOOST_TEST(so.retry_attempts == 7);
  BOOST_TEST(so.retry_backoff.min_us == 100000);  // block child default filled in
  BOOST_TEST((so.on_error == OnError::DeadLetter));
  const auto* sk = reg.find(dsl::Role::Sink, "store");
  auto s = ConfigBuilder::stage("cfg", p.stages.at(2), &sk->spec, "/tmp/x");
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->option_int("fail_times") == 2);
  BOOST_TEST(s->option_int("delay_us", 9) == 0);  // spec default
  BOOST_TEST(s->option_bool("discard", true) == false);
  BOOST_TEST((StageOptions::from(*s).on_error == OnError::Fail));
  BOOST_TEST(StageOptions::from(*s).buffer == 10000);

  auto st = ConfigBuilder::settings(p, "");
  BOOST_REQUIRE(st.ok());
  BOOST_TEST(st->checkpoint_interval_us == 250000);
  BOOST_TEST(st->batch_size == 77);
  BOOST_TEST(st->restart_attempts == 5);
  BOOST_TEST(!st->restart_backoff.exponential);
  BOOST_TEST(st->restart_backoff.delay_us(4) == 20000);
  BOOST_TEST(st->state_dir == "var/cfg");
  BOOST_TEST(ConfigBuilder::settings(p, "/data")->state_dir == "/data/cfg");
}

BOOST_AUTO_TEST_CASE(checkpoint_encoding_round_trips) {
  Checkpoint cp;
  cp.id = 42;
  cp.written_at = 123;
  cp.sources["src"] = "{\"file\":\"a\\b\",\"pos\":7}\n";
  cp.stages["t"] = {"", "x\x01y"};
  auto text = CheckpointStore::encode("p", cp);
  sluice::test::fuzz_seed("fuzz_checkpoint", text);
  auto back = CheckpointStore::decode(text);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->id == 42u);
  BOOST_TEST(back->sources.at("src") == cp.sources["src"]);
  BOOST_TEST(back->stages.at("t").at(1) == "x\x01y");
  BOOST_TEST(back->state_of("t", 1) == "x\x01y");
  BOOST_TEST(back->state_of("t", 5) == "");
  BOOST_TEST(!CheckpointStore::decode("{\"checkpoint\": x}").ok());
}

// Found by fuzzing (tests/fuzz/fuzz_checkpoint.cpp): a damaged checkpoint.json threw
// std::invalid_argument or std::out_of_range out of decode (a restart died of an uncaught
// exception instead of naming the file), and a negative checkpoint id was read as a huge one.
BOOST_AUTO_TEST_CASE(damaged_checkpoint_is_an_error_not_an_exception) {
  for (const char* text :
       {"{\"checkpoint\": -}", "{\"checkpoint\": 99999999999999999999}", "{\"checkpoint\": -1}",
        "{\"written_at\": -}", "{\"sources\": {\"s\": \"\\uZZZZ\"}}",
        "{\"sources\": {\"s\": \"\\u12\"}}"}) {
    try {
      BOOST_TEST(!CheckpointStore::decode(text).ok(), text);
    } catch (const std::exception& e) {
      BOOST_ERROR(std::string(text) + " threw " + e.what());
    }
  }
  auto ok = CheckpointStore::decode("{\"sources\": {\"s\": \"\\u00e9\"}}");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->sources.at("s") == "\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(buffer_default_follows_batch_rows) {
  // A sink that batches gets room for 4 of its batches unless `buffer` is set.
  auto with_rows = [](int64_t rows) {
    StageConfig c;
    Object batch;
    batch.set(intern("rows"), Value::int64(rows));
    c.options.set(intern("batch"), Value::object(std::move(batch)));
    return c;
  };
  BOOST_TEST(StageOptions::from(with_rows(20000)).buffer == 80000);
  BOOST_TEST(StageOptions::from(with_rows(1000)).buffer == 10000);  // never below the default
  StageConfig set = with_rows(20000);
  set.options.set(intern("buffer"), Value::int64(5000));
  BOOST_TEST(StageOptions::from(set).buffer == 5000);
  BOOST_TEST(StageOptions::from(StageConfig{}).buffer == 10000);
}

BOOST_AUTO_TEST_SUITE_END()
