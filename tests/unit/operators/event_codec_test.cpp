#include "base/event_codec.h"

#include <boost/test/unit_test.hpp>

#include "base/secrets.h"
#include "base/temporal.h"
#include "engine/core/errc.h"
#include "op_test_util.h"

using namespace sluice;

namespace {

std::shared_ptr<const SourceMeta> meta() {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "file";
  m->name = "src";
  m->table = "orders";
  return m;
}

// 2024-02-29T13:45:59.123Z
int64_t ts_micros() { return *temporal::parse_timestamp("2024-02-29T13:45:59.123Z"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(event_codec_suite)

BOOST_AUTO_TEST_CASE(every_value_type_per_dsl_section_10) {
  Event e;
  e.op = Op::Create;
  e.source = meta();
  e.ts = ts_micros();
  e.position = Value::int64(42);
  Object addr;
  addr.append(intern("city"), Value::string("Oslo"));
  addr.append(intern("zip"), Value::null());
  e.row.append(intern("id"), Value::int64(-7));
  e.row.append(intern("big"), Value::uint64(18446744073709551615ULL));
  e.row.append(intern("amount"), Value::decimal(*Decimal::parse("1.50")));
  e.row.append(intern("ratio"), Value::float64(0.25));
  e.row.append(intern("ok"), Value::boolean(true));
  e.row.append(intern("name"), Value::string("a\"b\n"));
  e.row.append(intern("raw"), Value::bytes(std::string("\x00\x01\xff", 3)));
  e.row.append(intern("d"), Value::date(*temporal::parse_date("2024-02-29")));
  e.row.append(intern("t"), Value::time(*temporal::parse_time("13:45:59.123")));
  e.row.append(intern("dt"), Value::datetime(*temporal::parse_datetime("2024-02-29T13:45:59.123")));
  e.row.append(intern("ts"), Value::timestamp(ts_micros()));
  e.row.append(intern("address"), Value::object(addr));
  e.row.append(intern("tags"), Value::list({Value::string("x"), Value::int64(1)}));
  BOOST_CHECK_EQUAL(
      event_codec::encode(e),
      "{\"op\":\"c\",\"source\":{\"connector\":\"file\",\"name\":\"src\",\"db\":null,"
      "\"table\":\"orders\",\"ts\":\"2024-02-29T13:45:59.123Z\",\"position\":42},"
      "\"key\":null,\"before\":null,\"after\":{\"id\":-7,\"big\":18446744073709551615,"
      "\"amount\":1.50,\"ratio\":0.25,\"ok\":true,\"name\":\"a\\\"b\\n\",\"raw\":\"AAH/\","
      "\"d\":\"2024-02-29\",\"t\":\"13:45:59.123\",\"dt\":\"2024-02-29T13:45:59.123000\","
      "\"ts\":\"2024-02-29T13:45:59.123Z\",\"address\":{\"city\":\"Oslo\",\"zip\":null},"
      "\"tags\":[\"x\",1]}}");
}

BOOST_AUTO_TEST_CASE(update_and_delete_images_and_key) {
  Event u;
  u.op = Op::Update;
  u.source = meta();
  u.row.append(intern("id"), Value::int64(1));
  u.row.append(intern("v"), Value::string("new"));
  u.before.append(intern("id"), Value::int64(1));
  u.before.append(intern("v"), Value::string("old"));
  u.has_before = true;
  u.key = Value::int64(1);
  std::string s;
  event_codec::append_line(u, s);
  BOOST_CHECK_EQUAL(s,
                    "{\"op\":\"u\",\"source\":{\"connector\":\"file\",\"name\":\"src\","
                    "\"db\":null,\"table\":\"orders\",\"ts\":null,\"position\":null},"
                    "\"key\":1,\"before\":{\"id\":1,\"v\":\"old\"},\"after\":{\"id\":1,"
                    "\"v\":\"new\"}}\n");
  Event d;
  d.op = Op::Delete;
  d.row.append(intern("id"), Value::int64(1));
  d.key = Value::list({Value::int64(1), Value::string("a")});
  BOOST_CHECK_EQUAL(event_codec::encode(d),
                    "{\"op\":\"d\",\"source\":{\"connector\":null,\"name\":null,\"db\":null,"
                    "\"table\":null,\"ts\":null,\"position\":null},\"key\":[1,\"a\"],"
                    "\"before\":{\"id\":1},\"after\":null}");
}

BOOST_AUTO_TEST_CASE(dead_letter_form_redacts_secrets) {
  secrets::add("hunter2-secret");
  Event e;
  e.source = meta();
  e.position = Value::int64(7);
  e.row.append(intern("id"), Value::int64(3));
  auto d = std::make_shared<DeadLetterInfo>();
  d->stage = "clean";
  d->code = engine::errc::require_failed;
  d->message = "bad password hunter2-secret";
  d->attempts = 2;
  d->at = ts_micros();
  e.dead_letter = d;
  std::string s;
  event_codec::append_line(e, s);
  BOOST_CHECK_EQUAL(
      s,
      "{\"error\":{\"stage\":\"clean\",\"kind\":\"require\",\"code\":\"engine.require_"
      "failed\",\"message\":\"bad password ***\","
      "\"attempts\":2,\"at\":\"2024-02-29T13:45:59.123Z\",\"position\":7},\"event\":{\"op\":\"c\","
      "\"source\":{\"connector\":\"file\",\"name\":\"src\",\"db\":null,\"table\":\"orders\","
      "\"ts\":null,\"position\":7},\"key\":null,\"before\":null,\"after\":{\"id\":3}}}\n");
  // the output is valid JSON
  auto parsed = json::parse(std::string_view(s).substr(0, s.size() - 1));
  BOOST_REQUIRE(parsed.ok());
  BOOST_CHECK(parsed->type() == Type::Object);
}

BOOST_AUTO_TEST_SUITE_END()
