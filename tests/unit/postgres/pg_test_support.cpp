#include "pg_test_support.h"

namespace sluice::pgtest {
namespace {
test::PostgresServer* g_server = nullptr;
}

test::PostgresServer& server() { return *g_server; }

ServerFixture::ServerFixture() { g_server = new test::PostgresServer(false); }
ServerFixture::~ServerFixture() {
  delete g_server;
  g_server = nullptr;
}

BOOST_TEST_GLOBAL_FIXTURE(ServerFixture);

std::string url_with_password() {
  return "postgresql://postgres:" + std::string(kPassword) +
         "@127.0.0.1:" + std::to_string(server().port()) + "/postgres";
}

StageConfig make_config(const SinkOpts& o) {
  StageConfig c;
  c.pipeline = "test";
  c.name = o.stage;
  c.kind = "postgres";
  c.epoch = o.epoch;
  c.options.set(intern("url"), Value::string(o.url.empty() ? url_with_password() : o.url));
  if (o.table_expr != nullptr) {
    c.expr_options["table"] = o.table_expr;
  } else {
    c.options.set(intern("table"), Value::string(o.table));
  }
  c.options.set(intern("mode"), Value::string(o.mode));
  if (!o.key.empty()) {
    List l;
    for (const auto& k : o.key) l.push_back(Value::string(k));
    c.options.set(intern("key"), Value::list(std::move(l)));
  }
  c.options.set(intern("metadata_columns"), Value::boolean(o.metadata));
  c.options.set(intern("create_tables"), Value::boolean(o.create_tables));
  Object batch;
  batch.set(intern("rows"), Value::int64(o.rows));
  batch.set(intern("delay"), Value::int64(o.delay_us));
  batch.set(intern("adaptive"), Value::boolean(o.adaptive));
  batch.set(intern("pipelined"), Value::boolean(o.pipelined));
  c.options.set(intern("batch"), Value::object(std::move(batch)));
  c.options.set(intern("connections"), Value::int64(o.connections));
  c.options.set(intern("copy"), Value::string(o.copy));
  if (!o.dead_letter.empty()) c.options.set(intern("dead_letter"), Value::string(o.dead_letter));
  return c;
}

std::unique_ptr<operators::postgres::PostgresSink> open_sink(const SinkOpts& o,
                                                             const std::string& state) {
  auto s = operators::postgres::PostgresSink::make(make_config(o));
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.err().message));
  std::unique_ptr<operators::postgres::PostgresSink> sink(
      static_cast<operators::postgres::PostgresSink*>(s.value().release()));
  auto r = sink->open(state);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  return sink;
}

void write_ok(operators::postgres::PostgresSink& s, std::vector<Event> evs) {
  std::vector<Event> dead;
  auto r = s.write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 0u);
}

Event ev(Op op, Object r, int64_t pos, int64_t ts) {
  Event e;
  e.op = op;
  e.row = std::move(r);
  e.ts = ts;
  e.position = Value::int64(pos);
  return e;
}

Object row(std::initializer_list<std::pair<const char*, Value>> fields) {
  Object o;
  for (const auto& [n, v] : fields) o.append(intern(n), v);
  return o;
}

std::shared_ptr<const SourceMeta> meta(const std::string& table, std::vector<std::string> pk) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "test";
  m->table = table;
  m->primary_key = std::move(pk);
  return m;
}

std::string q(const std::string& sql) { return server().psql(sql); }

}  // namespace sluice::pgtest
