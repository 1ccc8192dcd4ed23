#include "base/value.h"

namespace sluice {

const Value* Object::find(Sym name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

Value* Object::find(Sym name) {
  for (auto& f : fields_) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

const Value* Object::find_path(const Sym* path, size_t n) const {
  const Object* cur = this;
  for (size_t i = 0; i < n; ++i) {
    const Value* v = cur->find(path[i]);
    if (v == nullptr) return nullptr;
    if (i + 1 == n) return v;
    if (v->type() != Type::Object) return nullptr;
    cur = &v->as_object();
  }
  return nullptr;
}

void Object::set(Sym name, Value v) {
  if (Value* cur = find(name)) {
    *cur = std::move(v);
    return;
  }
  fields_.push_back(Field{name, std::move(v)});
}

void Object::set_path(const Sym* path, size_t n, Value v) {
  if (n == 0) return;
  Object* cur = this;
  for (size_t i = 0; i + 1 < n; ++i) {
    Value* next = cur->find(path[i]);
    if (next == nullptr) {
      cur->fields_.push_back(Field{path[i], Value::object(Object())});
      next = &cur->fields_.back().value;
    } else if (next->type() != Type::Object) {
      *next = Value::object(Object());
    }
    cur = &next->as_object();
  }
  cur->set(path[n - 1], std::move(v));
}

bool Object::erase(Sym name) {
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    if (it->name == name) {
      fields_.erase(it);
      return true;
    }
  }
  return false;
}

bool Object::erase_path(const Sym* path, size_t n) {
  if (n == 0) return false;
  Object* cur = this;
  for (size_t i = 0; i + 1 < n; ++i) {
    Value* next = cur->find(path[i]);
    if (next == nullptr || next->type() != Type::Object) return false;
    cur = &next->as_object();
  }
  return cur->erase(path[n - 1]);
}

void Object::append(Sym name, Value v) { fields_.push_back(Field{name, std::move(v)}); }

bool Object::operator==(const Object& o) const {
  if (fields_.size() != o.fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    // Fast path: same order.
    if (fields_[i].name == o.fields_[i].name) {
      if (fields_[i].value != o.fields_[i].value) return false;
      continue;
    }
    const Value* v = o.find(fields_[i].name);
    if (v == nullptr || *v != fields_[i].value) return false;
  }
  return true;
}

}  // namespace sluice
