#include "runtime/test_record.h"

#include <memory>

#include "base/json.h"

namespace sluice::runtime {
namespace {

bool is_meta(Sym name) {
  const std::string& s = sym_name(name);
  return !s.empty() && s[0] == '@';
}

Op op_of(const std::string& code) {
  switch (code.empty() ? 'c' : code[0]) {
    case 'u':
      return Op::Update;
    case 'd':
      return Op::Delete;
    case 'r':
      return Op::Read;
    case 't':
      return Op::Truncate;
    default:
      return Op::Create;
  }
}

bool same_value(const Value& a, const Value& b);

// The same fields (any order), each the same value and type.
bool same_fields(const Object& a, const Object& b) {
  if (a.size() != b.size()) return false;
  for (const auto& f : a.fields()) {
    const Value* other = b.find(f.name);
    if (other == nullptr || !same_value(f.value, *other)) return false;
  }
  return true;
}

bool same_value(const Value& a, const Value& b) {
  if (a.type() == Type::Object && b.type() == Type::Object) {
    return same_fields(a.as_object(), b.as_object());
  }
  if (a.type() == Type::List && b.type() == Type::List) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!same_value(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

Object row_of(const Object& record) {
  Object row;
  for (const auto& f : record.fields()) {
    if (!is_meta(f.name)) row.append(f.name, f.value);
  }
  return row;
}

// The metadata of an event under the names a test record uses.
Value meta_of(const Event& e, const std::string& name) {
  if (name == "@op") return Value::string(op_code(e.op));
  if (name == "@before") return e.has_before ? Value::object(e.before) : Value();
  if (name == "@key") return e.key;
  if (name == "@ts") return e.ts != 0 ? Value::timestamp(e.ts) : Value();
  if (!e.source) return Value();
  const std::string& s = name == "@table" ? e.source->table : e.source->db;
  return s.empty() ? Value() : Value::string(s);
}

std::string shown(const Value& v) { return json::encode(v) + " (" + type_name(v.type()) + ")"; }

}  // namespace

Event test_event(const Object& record, const std::string& stage, int64_t index) {
  Event e;
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "test";
  meta->name = stage;
  e.row = row_of(record);
  e.position = Value::int64(index);
  if (const Value* v = record.find(intern("@op"))) e.op = op_of(v->as_string());
  if (const Value* v = record.find(intern("@before")); v != nullptr && !v->is_null()) {
    e.before = v->as_object();
    e.has_before = true;
  }
  if (const Value* v = record.find(intern("@key"))) e.key = *v;
  if (const Value* v = record.find(intern("@ts"))) e.ts = v->as_micros();
  if (const Value* v = record.find(intern("@table"))) meta->table = v->as_string();
  if (const Value* v = record.find(intern("@db"))) meta->db = v->as_string();
  e.source = std::move(meta);
  return e;
}

bool record_matches(const Object& expected, const Event& actual) {
  size_t fields = 0;
  for (const auto& f : expected.fields()) {
    if (is_meta(f.name)) {
      if (!same_value(f.value, meta_of(actual, sym_name(f.name)))) return false;
      continue;
    }
    ++fields;
    const Value* got = actual.row.find(f.name);
    if (got == nullptr || !same_value(f.value, *got)) return false;
  }
  return fields == actual.row.size();  // field names are unique (dsl::check_tests)
}

std::string show_expected(const Object& expected) { return json::encode(Value::object(expected)); }

std::string show_actual(const Event& actual, const Object& meta_like) {
  Object out;
  if (actual.op != Op::Create || meta_like.find(intern("@op")) != nullptr) {
    out.append(intern("@op"), Value::string(op_code(actual.op)));
  }
  for (const auto& f : meta_like.fields()) {
    if (is_meta(f.name) && sym_name(f.name) != "@op") {
      out.append(f.name, meta_of(actual, sym_name(f.name)));
    }
  }
  for (const auto& f : actual.row.fields()) out.append(f.name, f.value);
  return json::encode(Value::object(out));
}

std::vector<std::string> record_differences(const Object& expected, const Event& actual) {
  std::vector<std::string> out;
  for (const auto& f : expected.fields()) {
    const std::string& name = sym_name(f.name);
    if (is_meta(f.name)) {
      Value got = meta_of(actual, name);
      if (!same_value(f.value, got)) {
        out.push_back(name + ": expected " + shown(f.value) + ", got " + shown(got));
      }
      continue;
    }
    const Value* got = actual.row.find(f.name);
    if (got == nullptr) {
      out.push_back(name + ": expected " + shown(f.value) + ", but the record has no such field");
    } else if (!same_value(f.value, *got)) {
      out.push_back(name + ": expected " + shown(f.value) + ", got " + shown(*got));
    }
  }
  for (const auto& f : actual.row.fields()) {
    if (expected.find(f.name) == nullptr) {
      out.push_back(sym_name(f.name) + ": not expected, got " + shown(f.value));
    }
  }
  return out;
}

}  // namespace sluice::runtime
