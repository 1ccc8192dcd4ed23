#include "runtime/status_view.h"

#include <cstdio>

#include "runtime/api_client.h"
#include "runtime/json_fields.h"

namespace sluice::runtime {
namespace {

bool flag(const Value& v, const char* name) {
  const Value* f = json_field(v, name);
  return f && f->type() == Type::Bool && f->as_bool();
}

void add(std::string& note, const std::string& part) { note += note.empty() ? part : ", " + part; }

}  // namespace

result<std::vector<Value>> fetch_pipelines(const std::string& endpoint, const std::string& only) {
  auto list = api_get_json(endpoint, "/pipelines");
  if (!list.ok()) return list.err();
  const Value* ps = json_field(*list, "pipelines");
  if (!ps || ps->type() != Type::List) {
    return error::permanent("unexpected answer from " + endpoint + "/pipelines");
  }
  std::vector<Value> out;
  for (const auto& p : ps->as_list()) {
    const std::string name = json_text(json_field(p, "name"));
    if (!only.empty() && name != only) continue;
    auto d = api_get_json(endpoint, "/pipelines/" + name);
    out.push_back(d.ok() ? std::move(d).value() : p);  // gone meanwhile: without stages
  }
  return out;
}

std::string human_count(double n) {
  char buf[32];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1fG", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  } else if (n >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

std::string stage_type(const Value& stage) {
  std::string type = json_text(json_field(stage, "type"));
  const std::string kind = json_text(json_field(stage, "kind"));
  return kind.empty() || kind == type ? type : type + " " + kind;
}

std::string stage_note(const Value& s) {
  std::string note;
  if (json_text(json_field(s, "type")) == "source") {
    char buf[96];
    std::snprintf(buf, sizeof buf, "lag %.2fs", json_number(json_field(s, "lag_seconds")));
    note = buf;
    if (const Value* pr = json_field(s, "progress")) {
      const double total = json_number(json_field(*pr, "total"));
      std::snprintf(buf, sizeof buf, "%.1f%% of %s",
                    total > 0 ? 100 * json_number(json_field(*pr, "done")) / total : 100.0,
                    human_count(total).c_str());
      add(note, buf);
      if (const Value* ts = json_field(*pr, "tables"); ts && ts->type() == Type::List) {
        for (const auto& t : ts->as_list()) {
          const double tt = json_number(json_field(t, "total"));
          std::snprintf(buf, sizeof buf, "%.1f%%",
                        tt > 0 ? 100 * json_number(json_field(t, "done")) / tt : 100.0);
          add(note, "reading " + json_text(json_field(t, "table")) + " " + buf);
        }
      }
    }
    if (const Value* h = json_field(s, "health"); h && h->type() == Type::String) {
      add(note, h->as_string());
    }
    if (flag(s, "paused")) add(note, "paused");
  }
  if (flag(s, "retrying")) add(note, "retrying after an error");
  return note;
}

}  // namespace sluice::runtime
