#include "operators/delta/parquet_nested_shredder.h"

#include <limits>
#include <stdexcept>

#include "operators/delta/errc.h"
#include "operators/delta/parquet_read_names.h"

namespace sluice::operators::delta {

namespace {

// What node() throws when a value does not fit; shred() makes it an error.
class NestedShredMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool nested_fits(parquet::PhysicalType type, const Value& v) {
  using P = parquet::PhysicalType;
  switch (type) {
    case P::BOOLEAN:
      return v.type() == Type::Bool;
    case P::INT32:
      return v.type() == Type::Int && v.as_int() >= std::numeric_limits<int32_t>::min() &&
             v.as_int() <= std::numeric_limits<int32_t>::max();
    case P::INT64:
      return v.type() == Type::Int;
    case P::DOUBLE:
      return v.type() == Type::Float;
    case P::BYTE_ARRAY:
      return v.type() == Type::String || v.type() == Type::Bytes;
    default:
      return false;
  }
}

}  // namespace

result<void> ParquetNestedShredder::shred(const std::vector<Value>& row,
                                          std::vector<ParquetNestedTriple>& out) {
  out.clear();
  keys_.clear();
  out_ = &out;
  const auto& fields = schema_.root().children;
  if (row.size() != fields.size()) {
    return error::permanent(errc::type_mismatch, "parquet: a record of " +
                                                     std::to_string(row.size()) + " fields for " +
                                                     std::to_string(fields.size()));
  }
  try {
    for (size_t i = 0; i < fields.size(); ++i) node(fields[i], &row[i], 0);
  } catch (const NestedShredMismatch& e) {
    out.clear();
    return error::permanent(errc::type_mismatch, std::string("parquet: ") + e.what());
  }
  return {};
}

void ParquetNestedShredder::node(const ParquetNestedNode& n, const Value* v, int rep) {
  if (v == nullptr || v->is_null()) {
    if (!n.optional()) mismatch(n, "null in a required field");
    nulls(n, rep, n.def_level - 1);
    return;
  }
  switch (n.shape) {
    case ParquetNestedShape::Leaf:
      leaf(n, *v, rep);
      return;
    case ParquetNestedShape::Group:
      if (v->type() != Type::Object)
        mismatch(n, std::string(type_name(v->type())) + " for a group");
      for (const ParquetNestedNode& c : n.children)
        node(c, v->as_object().find(intern(c.name)), rep);
      return;
    case ParquetNestedShape::Map:
      if (v->type() != Type::Object) mismatch(n, std::string(type_name(v->type())) + " for a map");
      map_entries(n, v->as_object(), rep);
      return;
    case ParquetNestedShape::List:
      if (v->type() != Type::List) mismatch(n, std::string(type_name(v->type())) + " for a list");
      list_elements(n, v->as_list(), rep);
      return;
  }
}

void ParquetNestedShredder::map_entries(const ParquetNestedNode& n, const Object& entries,
                                        int rep) {
  const ParquetNestedNode& kv = n.children.at(0);  // repeated group key_value
  if (entries.empty()) {
    nulls(kv, rep, n.def_level);
    return;
  }
  bool first = true;
  for (const Field& f : entries.fields()) {
    const int r = first ? rep : kv.rep_level;
    first = false;
    keys_.push_back(Value::string(std::string(sym_name(f.name))));
    leaf(kv.children.at(0), keys_.back(), r);
    node(kv.children.at(1), &f.value, r);
  }
}

void ParquetNestedShredder::list_elements(const ParquetNestedNode& n, const List& elements,
                                          int rep) {
  const ParquetNestedNode& group = n.children.at(0);  // repeated group list
  if (elements.empty()) {
    nulls(group, rep, n.def_level);
    return;
  }
  for (size_t i = 0; i < elements.size(); ++i) {
    node(group.children.at(0), &elements[i], i == 0 ? rep : group.rep_level);
  }
}

void ParquetNestedShredder::leaf(const ParquetNestedNode& n, const Value& v, int rep) {
  if (!nested_fits(static_cast<parquet::PhysicalType>(n.physical), v)) {
    mismatch(n, std::string(type_name(v.type())) + " value for a " +
                    parquet::physical_type_name(n.physical) + " column");
  }
  out_->push_back({static_cast<uint32_t>(n.first_leaf), static_cast<uint16_t>(rep),
                   static_cast<uint16_t>(n.def_level), &v});
}

void ParquetNestedShredder::nulls(const ParquetNestedNode& n, int rep, int def) {
  for (size_t l = n.first_leaf; l < n.end_leaf; ++l) {
    out_->push_back({static_cast<uint32_t>(l), static_cast<uint16_t>(rep),
                     static_cast<uint16_t>(def), nullptr});
  }
}

void ParquetNestedShredder::mismatch(const ParquetNestedNode& n, const std::string& what) const {
  const std::string name =
      n.shape == ParquetNestedShape::Leaf ? schema_.leaves().at(n.first_leaf).dotted() : n.name;
  throw NestedShredMismatch("field '" + name + "': " + what);
}

}  // namespace sluice::operators::delta
