#include "operators/debezium/source_block.h"

#include "base/json.h"

namespace sluice::operators::debezium {
namespace {

// The fields every connector's block starts with (Debezium 2.7's order).
const char kCommonFields[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
    "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
    "\"parameters\":{\"allowed\":\"true,first,first_in_data_collection,last_in_data_collection,"
    "last,false,incremental\"},\"default\":\"false\",\"field\":\"snapshot\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"table\"},";

const std::string kMySqlSource =
    std::string(kCommonFields) +
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"server_id\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"gtid\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"file\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"pos\"},"
    "{\"type\":\"int32\",\"optional\":false,\"field\":\"row\"},"
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"thread\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"query\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.mysql.Source\",\"field\":\"source\"}";

const std::string kSluiceSource =
    std::string(kCommonFields) +
    "{\"type\":\"string\",\"optional\":true,\"field\":\"position\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.sluice.Source\",\"field\":\"source\"}";

bool is_mysql(const Event& e) { return e.source && e.source->connector == "mysql"; }

void string_or_null(const std::string& s, std::string& out) {
  if (s.empty())
    out += "null";
  else
    json::encode_string(s, out);
}

// file and pos from the event's origin, else from its position ({file, pos}).
void append_binlog_fields(const Event& e, std::string& out) {
  const LogOrigin* o = e.origin.get();
  std::string file;
  int64_t pos = 0;
  if (o != nullptr) {
    file = o->file;
    pos = o->pos;
  } else if (e.position.type() == Type::Object) {
    static const Sym kFile = intern("file"), kPos = intern("pos");
    const Value* f = e.position.as_object().find(kFile);
    const Value* p = e.position.as_object().find(kPos);
    if (f != nullptr && f->type() == Type::String) file = f->as_string();
    if (p != nullptr && p->type() == Type::Int) pos = p->as_int();
  }
  out += ",\"server_id\":" + std::to_string(o ? o->server_id : 0) + ",\"gtid\":";
  string_or_null(o ? o->gtid : std::string(), out);
  out += ",\"file\":";
  json::encode_string(file, out);
  out += ",\"pos\":" + std::to_string(pos) + ",\"row\":" + std::to_string(e.origin_row) +
         ",\"thread\":";
  out += o != nullptr && o->thread >= 0 ? std::to_string(o->thread) : std::string("null");
  out += ",\"query\":";
  string_or_null(o ? o->query : std::string(), out);
}

}  // namespace

const std::string& source_schema(const Event& e) {
  return is_mysql(e) ? kMySqlSource : kSluiceSource;
}

const char* snapshot_text(const Event& e) {
  switch (e.snapshot_mark) {
    case SnapshotMark::First:
      return "first";
    case SnapshotMark::FirstInTable:
      return "first_in_data_collection";
    case SnapshotMark::LastInTable:
      return "last_in_data_collection";
    case SnapshotMark::Last:
      return "last";
    case SnapshotMark::Incremental:
      return "incremental";
    case SnapshotMark::Middle:
      return "true";
    case SnapshotMark::None:
      break;
  }
  return e.op == Op::Read ? "true" : "false";
}

void append_source(const Event& e, const std::string& server, std::string& out) {
  const SourceMeta* meta = e.source.get();
  out += "{\"version\":\"sluice-0.2\",\"connector\":";
  json::encode_string(meta && !meta->connector.empty() ? meta->connector : "sluice", out);
  out += ",\"name\":";
  json::encode_string(server, out);
  out += ",\"ts_ms\":" + std::to_string(e.ts / 1000) + ",\"snapshot\":\"";
  out += snapshot_text(e);
  out += "\",\"db\":";
  json::encode_string(meta ? meta->db : "", out);
  out += ",\"sequence\":null,\"ts_us\":" + std::to_string(e.ts) +
         ",\"ts_ns\":" + std::to_string(e.ts * 1000) + ",\"table\":";
  string_or_null(meta ? meta->table : std::string(), out);
  if (is_mysql(e)) {
    append_binlog_fields(e, out);
  } else {
    out += ",\"position\":";
    if (e.position.is_null())
      out += "null";
    else
      json::encode_string(json::encode(e.position), out);
  }
  out += "}";
}

}  // namespace sluice::operators::debezium
