#include "base/event_codec.h"

#include <memory>
#include <vector>

#include "base/json.h"
#include "base/secrets.h"
#include "base/temporal.h"

namespace sluice::event_codec {
namespace {

// Encoded `"name":` per symbol, per thread: field names are encoded once, not per record.
const std::string& encoded_name(Sym s) {
  thread_local std::vector<std::string> cache;
  if (s >= cache.size()) cache.resize(static_cast<size_t>(s) + 64);
  std::string& e = cache[s];
  if (e.empty()) {
    json::encode_string(sym_name(s), e);
    e.push_back(':');
  }
  return e;
}

void append_nullable_string(const std::string& s, std::string& out) {
  if (s.empty()) {
    out.append("null");
  } else {
    json::encode_string(s, out);
  }
}

void append_timestamp(int64_t micros, std::string& out) {
  if (micros == 0) {
    out.append("null");
    return;
  }
  out.push_back('"');
  out.append(temporal::format_timestamp(micros));
  out.push_back('"');
}

// `"source":{"connector":..,"name":..,"db":..,"table":..` (without ts/position), cached for the
// last SourceMeta seen on this thread (the cache holds a reference, so no stale pointer).
const std::string& source_prefix(const std::shared_ptr<const SourceMeta>& meta) {
  thread_local std::shared_ptr<const SourceMeta> last;
  thread_local std::string text;
  thread_local bool valid = false;
  if (valid && last == meta) return text;
  text.clear();
  text.append("\"source\":{\"connector\":");
  if (meta) {
    append_nullable_string(meta->connector, text);
    text.append(",\"name\":");
    append_nullable_string(meta->name, text);
    text.append(",\"db\":");
    append_nullable_string(meta->db, text);
    text.append(",\"table\":");
    append_nullable_string(meta->table, text);
  } else {
    text.append("null,\"name\":null,\"db\":null,\"table\":null");
  }
  last = meta;
  valid = true;
  return text;
}

}  // namespace

void append_object(const Object& row, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const Field& f : row.fields()) {
    if (!first) out.push_back(',');
    first = false;
    out.append(encoded_name(f.name));
    json::encode(f.value, out);
  }
  out.push_back('}');
}

void append_event(const Event& e, std::string& out) {
  out.append("{\"op\":\"");
  out.push_back(static_cast<char>(e.op));
  out.append("\",");
  out.append(source_prefix(e.source));
  out.append(",\"ts\":");
  append_timestamp(e.ts, out);
  out.append(",\"position\":");
  json::encode(e.position, out);
  out.append("},\"key\":");
  json::encode(e.key, out);
  out.append(",\"before\":");
  if (e.op == Op::Truncate) {  // no row: the whole table was emptied
    out.append("null,\"after\":null}");
    return;
  }
  if (e.op == Op::Delete) {
    append_object(e.row, out);
    out.append(",\"after\":null}");
    return;
  }
  if (e.has_before) {
    append_object(e.before, out);
  } else {
    out.append("null");
  }
  out.append(",\"after\":");
  append_object(e.row, out);
  out.push_back('}');
}

void append_dead_letter(const Event& e, std::string& out) {
  const DeadLetterInfo* d = e.dead_letter.get();
  out.append("{\"error\":{\"stage\":");
  json::encode_string(d ? d->stage : std::string(), out);
  out.append(",\"kind\":");
  json::encode_string(d ? d->kind() : std::string(), out);
  out.append(",\"code\":");
  json::encode_string(d ? d->code.qualified() : std::string(), out);
  out.append(",\"message\":");
  json::encode_string(d ? secrets::redact(d->message) : std::string(), out);
  out.append(",\"attempts\":");
  out.append(std::to_string(d ? d->attempts : 0));
  out.append(",\"at\":");
  append_timestamp(d ? d->at : 0, out);
  out.append(",\"position\":");
  json::encode(e.position, out);
  out.append("},\"event\":");
  append_event(e, out);
  out.push_back('}');
}

void append_line(const Event& e, std::string& out) {
  if (e.dead_letter) {
    append_dead_letter(e, out);
  } else {
    append_event(e, out);
  }
  out.push_back('\n');
}

std::string encode(const Event& e) {
  std::string out;
  if (e.dead_letter) {
    append_dead_letter(e, out);
  } else {
    append_event(e, out);
  }
  return out;
}

}  // namespace sluice::event_codec
