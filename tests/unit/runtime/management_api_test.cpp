// The management API answers (no sockets: ManagementApi::handle), and the HTTP server and
// client round trip.
#include "runtime/management_api.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "base/json.h"
#include "live_fixture.h"
#include "runtime/http_client.h"
#include "runtime/http_server.h"
#include "runtime/json_fields.h"
#include "runtime/metrics_endpoint.h"

using namespace sluice;
using runtime::HttpRequest;

namespace {
runtime::HttpResponse call(runtime::ManagementApi& api, const std::string& method,
                           const std::string& target) {
  HttpRequest r;
  r.method = method;
  r.path = target;
  if (auto q = target.find('?'); q != std::string::npos) {
    r.path = target.substr(0, q);
    r.query = target.substr(q + 1);
  }
  return api.handle(r);
}

Value body(const runtime::HttpResponse& r) {
  auto v = json::parse(r.body);
  BOOST_REQUIRE_MESSAGE(v.ok(), r.body);
  return std::move(v).value();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(management_api)

BOOST_AUTO_TEST_CASE(pipelines_and_stages) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  auto list = call(api, "GET", "/pipelines");
  BOOST_TEST(list.status == 200);
  Value v = body(list);
  const Value* ps = runtime::json_field(v, "pipelines");
  BOOST_REQUIRE(ps && ps->type() == Type::List && ps->as_list().size() == 1);
  const Value& p = ps->as_list()[0];
  BOOST_TEST(runtime::json_text(runtime::json_field(p, "name")) == "demo");
  BOOST_TEST(runtime::json_text(runtime::json_field(p, "state")) == "running");
  BOOST_TEST(runtime::json_number(runtime::json_field(p, "lag_seconds")) == 2.5);
  BOOST_TEST(runtime::json_number(runtime::json_field(p, "errors")) == 2);
  BOOST_TEST(runtime::json_number(runtime::json_field(p, "dead_letters")) == 20);
  BOOST_TEST(runtime::json_field(p, "stages") == nullptr);

  auto one = call(api, "GET", "/pipelines/demo");
  BOOST_TEST(one.status == 200);
  Value d = body(one);
  const Value* stages = runtime::json_field(d, "stages");
  BOOST_REQUIRE(stages && stages->as_list().size() == 4);
  const Value& gen = stages->as_list()[0];
  BOOST_TEST(runtime::json_text(runtime::json_field(gen, "kind")) == "generate");
  const Value* progress = runtime::json_field(gen, "progress");
  BOOST_REQUIRE(progress);
  BOOST_TEST(runtime::json_number(runtime::json_field(*progress, "total")) == 4000);
  const Value& t = stages->as_list()[1];
  BOOST_TEST(runtime::json_text(runtime::json_field(t, "dead_letter")) == "dlq");
  BOOST_TEST(runtime::json_number(runtime::json_field(t, "in_flight")) == 100);
  const Value* cp = runtime::json_field(d, "last_checkpoint");
  BOOST_REQUIRE(cp);
  BOOST_TEST(runtime::json_number(runtime::json_field(*cp, "id")) == 0);

  BOOST_TEST(call(api, "GET", "/pipelines/nope").status == 404);
  BOOST_TEST(call(api, "GET", "/nothing").status == 404);
  BOOST_TEST(call(api, "DELETE", "/pipelines").status == 405);
}

BOOST_AUTO_TEST_CASE(pause_resume_reload) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  auto gen = live->find("demo")->stages[0].counters;
  BOOST_TEST(call(api, "GET", "/pipelines/demo/pause").status == 405);
  auto r = call(api, "POST", "/pipelines/demo/pause");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(gen->paused.load());
  BOOST_TEST(runtime::json_text(runtime::json_field(body(r), "state")) == "paused");
  BOOST_TEST(runtime::json_text(runtime::json_field(body(call(api, "GET", "/pipelines/demo")),
                                                    "state")) == "paused");
  r = call(api, "POST", "/pipelines/demo/resume");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(!gen->paused.load());
  auto reload = call(api, "POST", "/pipelines/demo/reload");
  BOOST_TEST(reload.status == 501);
  BOOST_TEST(reload.body.find("hot reload") != std::string::npos);
  // A finished pipeline cannot be paused.
  {
    auto st = live->find("demo")->status;
    std::lock_guard<std::mutex> lock(st->mu);
    st->finished = true;
  }
  BOOST_TEST(call(api, "POST", "/pipelines/demo/pause").status == 409);
}

BOOST_AUTO_TEST_CASE(dead_letters_replay_into_their_stage) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  auto t = live->find("demo")->stages[1].counters;
  BOOST_TEST(call(api, "GET", "/pipelines/demo/dead-letters/replay").status == 405);
  BOOST_TEST(call(api, "POST", "/pipelines/demo/dead-letters/replay?stage=zz").status == 404);
  BOOST_TEST(!t->replay.pending());
  auto r = call(api, "POST", "/pipelines/demo/dead-letters/replay?stage=t&limit=5");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(runtime::json_number(runtime::json_field(body(r), "replayed")) == 1);
  BOOST_TEST(t->replay.pending());
  BOOST_TEST(t->dead_letters.size() == 0u);
  auto events = t->replay.take();
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  BOOST_TEST(events[0].row.find(intern("n"))->as_int() == 7);
  BOOST_TEST(!t->replay.pending());
  // Nothing held any more.
  r = call(api, "POST", "/pipelines/demo/dead-letters/replay");
  BOOST_TEST(runtime::json_number(runtime::json_field(body(r), "replayed")) == 0);
  // A source's dead letters cannot be replayed into it.
  auto gen = live->find("demo")->stages[0].counters;
  Event e;
  e.dead_letter = std::make_shared<DeadLetterInfo>();
  gen->dead_letters.push({e});
  r = call(api, "POST", "/pipelines/demo/dead-letters/replay?stage=gen");
  BOOST_TEST(r.status == 409);
  BOOST_TEST(r.body.find("source") != std::string::npos, r.body);
  {
    auto st = live->find("demo")->status;
    std::lock_guard<std::mutex> lock(st->mu);
    st->finished = true;
  }
  BOOST_TEST(call(api, "POST", "/pipelines/demo/dead-letters/replay").status == 409);
}

BOOST_AUTO_TEST_CASE(tap_streams_json_lines) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  auto t = live->find("demo")->stages[1].counters;
  auto unknown = call(api, "GET", "/pipelines/demo/stages/zz/tap");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(unknown.body.find("stages: gen, t, out, dlq") != std::string::npos, unknown.body);
  auto no_pipeline = call(api, "GET", "/pipelines/nope/stages/t/tap");
  BOOST_TEST(no_pipeline.status == 404);
  BOOST_TEST(no_pipeline.body.find("pipelines: demo") != std::string::npos, no_pipeline.body);
  BOOST_TEST(call(api, "POST", "/pipelines/demo/stages/t/tap").status == 405);
  {
    auto r = call(api, "GET", "/pipelines/demo/stages/t/tap?limit=2");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.content_type == "application/x-ndjson");
    BOOST_REQUIRE(r.stream);
    BOOST_TEST(t->tap.attached());
    const Value stage =
        runtime::json_field(body(call(api, "GET", "/pipelines/demo")), "stages")->as_list()[1];
    BOOST_TEST(runtime::json_number(
                   runtime::json_field(*runtime::json_field(stage, "tap"), "readers")) == 1);
    std::vector<Event> out(3);
    for (int i = 0; i < 3; ++i) out[i].row.set(intern("n"), Value::int64(40 + i));
    t->tap.offer(out);
    std::string chunk;
    BOOST_TEST(!r.stream(chunk));  // the limit
    BOOST_REQUIRE_EQUAL(std::count(chunk.begin(), chunk.end(), '\n'), 2);
    auto first = json::parse(chunk.substr(0, chunk.find('\n')));
    BOOST_REQUIRE(first.ok());
    BOOST_TEST(runtime::json_text(runtime::json_field(*first, "op")) == "c");
    BOOST_TEST(runtime::json_number(
                   runtime::json_field(*runtime::json_field(*first, "after"), "n")) == 40);
  }
  BOOST_TEST(!t->tap.attached());  // the answer is gone: detached
  {
    auto st = live->find("demo")->status;
    std::lock_guard<std::mutex> lock(st->mu);
    st->finished = true;
  }
  BOOST_TEST(call(api, "GET", "/pipelines/demo/stages/t/tap").status == 409);
}

BOOST_AUTO_TEST_CASE(dead_letters_recent) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  auto r = call(api, "GET", "/pipelines/demo/dead-letters");
  BOOST_TEST(r.status == 200);
  Value v = body(r);
  BOOST_TEST(runtime::json_number(runtime::json_field(v, "count")) == 1);
  const Value& dl = runtime::json_field(v, "dead_letters")->as_list()[0];
  const Value* err = runtime::json_field(dl, "error");
  BOOST_REQUIRE(err);
  BOOST_TEST(runtime::json_text(runtime::json_field(*err, "stage")) == "t");
  BOOST_TEST(runtime::json_text(runtime::json_field(*err, "kind")) == "require");
  BOOST_TEST(runtime::json_text(runtime::json_field(*err, "message")) == "n must be even");
  BOOST_TEST(runtime::json_number(runtime::json_field(
                 body(call(api, "GET", "/pipelines/demo/dead-letters?limit=0")), "count")) == 0);
}

BOOST_AUTO_TEST_CASE(ring_is_bounded) {
  engine::StageCounters c;
  std::vector<Event> batch(engine::DeadLetterRing::kCapacity + 30);
  for (size_t i = 0; i < batch.size(); ++i)
    batch[i].position = Value::int64(static_cast<int64_t>(i));
  c.dead_letters.push(batch);
  auto recent = c.dead_letters.recent();
  BOOST_TEST(recent.size() == engine::DeadLetterRing::kCapacity);
  BOOST_TEST(recent.front().position.as_int() == 30);
  BOOST_TEST(recent.back().position.as_int() == static_cast<int64_t>(batch.size() - 1));
}

BOOST_AUTO_TEST_CASE(http_round_trip_and_rates) {
  auto live = test::make_live();
  runtime::ManagementApi api(live);
  runtime::HttpServer server([&](const HttpRequest& r) { return api.handle(r); });
  BOOST_REQUIRE(server.start("127.0.0.1:0").ok());
  BOOST_REQUIRE(server.port() > 0);
  const std::string addr = "127.0.0.1:" + std::to_string(server.port());
  runtime::HttpServer metrics(runtime::metrics_endpoint(live));
  BOOST_REQUIRE(metrics.start("127.0.0.1:0").ok());
  auto m = runtime::http_request("127.0.0.1:" + std::to_string(metrics.port()), "GET", "/metrics");
  BOOST_REQUIRE(m.ok());
  BOOST_TEST(m->status == 200);
  BOOST_TEST(m->body.find("sluice_stage_events_in_total{pipeline=\"demo\",stage=\"t\"} 900") !=
             std::string::npos);
  auto p = runtime::http_request(addr, "POST", "/pipelines/demo/pause");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p->status == 200);
  BOOST_TEST(live->find("demo")->stages[0].counters->paused.load());
  auto missing = runtime::http_request(addr, "GET", "/pipelines/zzz");
  BOOST_REQUIRE(missing.ok());
  BOOST_TEST(missing->status == 404);
  server.stop();
  BOOST_TEST(!runtime::http_request(addr, "GET", "/pipelines", 500).ok());

  // Rates: two samples 0.2 s apart with 2000 more records out.
  api.sample();
  live->find("demo")->stages[0].counters->out += 2000;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  api.sample();
  HttpRequest r;
  r.method = "GET";
  r.path = "/pipelines/demo";
  Value d = body(api.handle(r));
  const double rate = runtime::json_number(
      runtime::json_field(runtime::json_field(d, "stages")->as_list()[0], "out_per_second"));
  BOOST_TEST(rate > 2000.0);
  BOOST_TEST(rate <= 10000.0);
}

BOOST_AUTO_TEST_CASE(bad_addresses) {
  runtime::HttpServer server([](const HttpRequest&) { return runtime::HttpResponse{}; });
  BOOST_TEST(!server.start("nonsense").ok());
  BOOST_TEST(!server.start("127.0.0.1:99999").ok());
}

// issue 21: a port without a host binds loopback only; every interface only when asked for.
BOOST_AUTO_TEST_CASE(a_bare_port_binds_loopback) {
  for (const char* addr : {"0", ":0"}) {
    runtime::HttpServer server([](const HttpRequest&) { return runtime::HttpResponse{}; });
    BOOST_REQUIRE(server.start(addr).ok());
    BOOST_TEST(server.bound_host() == "127.0.0.1", addr);
    BOOST_TEST(server.port() > 0);
    server.stop();
  }
  runtime::HttpServer any([](const HttpRequest&) { return runtime::HttpResponse{}; });
  BOOST_REQUIRE(any.start("0.0.0.0:0").ok());
  BOOST_TEST(any.bound_host() == "0.0.0.0");
  any.stop();
}

BOOST_AUTO_TEST_SUITE_END()
