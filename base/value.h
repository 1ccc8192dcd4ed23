// The typed value model of DSL.md §4. A Value never changes type silently.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/decimal.h"
#include "base/symbol.h"

namespace sluice {

enum class Type : uint8_t {
  Null,
  Bool,
  Int,      // int64
  UInt,     // uint64
  Float,    // double
  Decimal,  // exact
  String,   // UTF-8
  Bytes,
  Date,       // days since epoch
  Time,       // micros since midnight, may be negative (MySQL TIME)
  DateTime,   // micros since epoch, no zone
  Timestamp,  // micros since epoch, UTC
  Object,     // nested object / json object: ordered fields
  List,       // list / json array
};

const char* type_name(Type t);  // "null", "bool", "int", ... (as in DSL.md §4, Object is "object")

class Value;
struct Field;

// An ordered set of named fields. Rows are Objects. Lookups scan symbols (rows are small).
class Object {
 public:
  Object() = default;
  const Value* find(Sym name) const;
  Value* find(Sym name);
  // Resolves a dotted path (a.b.c) given as symbols; nullptr when any step is missing/not object.
  const Value* find_path(const Sym* path, size_t n) const;
  // Creates or overwrites; creates intermediate objects for paths.
  void set(Sym name, Value v);
  void set_path(const Sym* path, size_t n, Value v);
  bool erase(Sym name);
  bool erase_path(const Sym* path, size_t n);
  // Defined after Field: clang instantiates std::vector's constexpr members where they are
  // used, and Field is incomplete here.
  size_t size() const;
  bool empty() const;
  void reserve(size_t n);
  void clear();
  // Appends without checking for duplicates (builders that know names are unique).
  void append(Sym name, Value v);
  std::vector<Field>& fields() { return fields_; }
  const std::vector<Field>& fields() const { return fields_; }
  bool operator==(const Object& o) const;

 private:
  std::vector<Field> fields_;
};

using List = std::vector<Value>;

class Value {
 public:
  Value() noexcept : type_(Type::Null) { u_.i = 0; }
  ~Value() {
    if (owns_heap()) destroy();
  }
  Value(const Value& o) : type_(o.type_), dec_scale_(o.dec_scale_), dec_wide_(o.dec_wide_) {
    if (o.owns_heap()) {
      copy_heap(o);
    } else {
      u_ = o.u_;
    }
  }
  Value(Value&& o) noexcept
      : type_(o.type_), dec_scale_(o.dec_scale_), dec_wide_(o.dec_wide_), u_(o.u_) {
    o.type_ = Type::Null;
    o.dec_wide_ = false;
  }
  Value& operator=(const Value& o);
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      if (owns_heap()) destroy();
      type_ = o.type_;
      dec_scale_ = o.dec_scale_;
      dec_wide_ = o.dec_wide_;
      u_ = o.u_;
      o.type_ = Type::Null;
      o.dec_wide_ = false;
    }
    return *this;
  }

  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value int64(int64_t i);
  static Value uint64(uint64_t u);
  static Value float64(double d);
  static Value decimal(const Decimal& d);
  static Value string(std::string s);
  static Value bytes(std::string b);
  static Value date(int32_t days);
  static Value time(int64_t micros);
  static Value datetime(int64_t micros);
  static Value timestamp(int64_t micros);
  static Value object(Object o);
  static Value list(List l);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_numeric() const;  // Int, UInt, Float, Decimal

  bool as_bool() const { return u_.b; }
  int64_t as_int() const { return u_.i; }
  uint64_t as_uint() const { return u_.u; }
  double as_float() const { return u_.f; }
  Decimal as_decimal() const { return dec_wide_ ? *u_.wdec : Decimal(u_.dec, dec_scale_); }
  int32_t as_date() const { return static_cast<int32_t>(u_.i); }
  int64_t as_micros() const { return u_.i; }                // Time, DateTime, Timestamp
  const std::string& as_string() const { return *u_.str; }  // String and Bytes
  std::string& as_string() { return *u_.str; }
  const Object& as_object() const { return *u_.obj; }
  Object& as_object() { return *u_.obj; }
  const List& as_list() const { return *u_.list; }
  List& as_list() { return *u_.list; }

  // Deep, type-exact equality (Int 1 != Decimal 1; Decimal 1.5 == Decimal 1.50).
  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

  // Total order used by min/max/sort: null < bool < numbers (compared numerically across
  // Int/UInt/Decimal/Float) < strings < bytes < temporal (by type then value) < list < object.
  static int compare(const Value& a, const Value& b);
  size_t hash() const;

  // Exact display text: decimals with their digits, dates per DSL.md §10, objects/lists as JSON.
  std::string to_display() const;

 private:
  bool owns_heap() const {
    return type_ == Type::String || type_ == Type::Bytes || type_ == Type::Object ||
           type_ == Type::List || (type_ == Type::Decimal && dec_wide_);
  }
  // A value of type t whose payload set(u_) fills in.
  template <class Set>
  static Value with(Type t, Set set) {
    Value v;
    v.type_ = t;
    set(v.u_);
    return v;
  }
  void destroy() noexcept;
  void copy_heap(const Value& o);  // deep copy of o's heap payload into this (type already set)
  Type type_;
  uint8_t dec_scale_ = 0;
  bool dec_wide_ = false;  // a Decimal beyond 38 digits: u_.wdec owns a heap copy
  union U {
    bool b;
    int64_t i;
    uint64_t u;
    double f;
    int128 dec;
    Decimal* wdec;
    std::string* str;
    Object* obj;
    List* list;
  } u_;
};

struct Field {
  Sym name;
  Value value;
};

inline size_t Object::size() const { return fields_.size(); }
inline bool Object::empty() const { return fields_.empty(); }
inline void Object::reserve(size_t n) { fields_.reserve(n); }
inline void Object::clear() { fields_.clear(); }

// Exact numeric comparison of two numeric values (Int, UInt, Float, Decimal in any mix):
// -1, 0, 1, or 2 when unordered (a NaN is involved). Float against Decimal compares the
// decimal with the float's shortest text when their doubles tie.
int compare_numbers(const Value& a, const Value& b);

// Shortest round-trip text of a float ("1.5", "3.0", "1e+20"; "NaN", "Infinity", "-Infinity").
void format_float(double d, std::string& out);

struct ValueHash {
  size_t operator()(const Value& v) const { return v.hash(); }
};

}  // namespace sluice
