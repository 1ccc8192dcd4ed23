#include "operators/delta/parquet_read_nested_assembler.h"

#include <string>
#include <utility>

#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

void ParquetReadNestedAssembler::record(Object& out) {
  out.clear();
  for (const auto& c : columns_) {
    if (!c.has_next()) {
      throw ParquetReadError("column '" + c.name() + "' ends before the row group's last record");
    }
    if (c.peek_rep() != 0) {
      throw ParquetReadError("column '" + c.name() + "': a record starts at repetition level " +
                             std::to_string(c.peek_rep()));
    }
  }
  for (const ParquetNestedNode& f : schema_.root().children) {
    Value v;
    node(f, v);
    out.append(intern(f.name), std::move(v));
  }
}

ParquetReadNestedColumn& ParquetReadNestedAssembler::first(const ParquetNestedNode& n) {
  ParquetReadNestedColumn& c = columns_.at(n.first_leaf);
  if (!c.has_next()) {
    throw ParquetReadError("column '" + c.name() + "' ends inside a record");
  }
  return c;
}

void ParquetReadNestedAssembler::node(const ParquetNestedNode& n, Value& out) {
  if (n.optional() && first(n).peek_def() < n.def_level) {
    skip(n, n.def_level);
    out = Value();
    return;
  }
  switch (n.shape) {
    case ParquetNestedShape::Leaf:
      first(n).take(out);
      if (out.is_null()) {
        throw ParquetReadError("column '" + columns_[n.first_leaf].name() +
                               "': a required value is missing");
      }
      return;
    case ParquetNestedShape::Group: {
      Object o;
      for (const ParquetNestedNode& c : n.children) {
        Value v;
        node(c, v);
        o.append(intern(c.name), std::move(v));
      }
      out = Value::object(std::move(o));
      return;
    }
    case ParquetNestedShape::Map:
      map(n, out);
      return;
    case ParquetNestedShape::List:
      list(n, out);
      return;
  }
}

void ParquetReadNestedAssembler::map(const ParquetNestedNode& n, Value& out) {
  const ParquetNestedNode& kv = n.children.at(0);
  Object entries;
  if (first(kv).peek_def() < kv.def_level) {
    skip(kv, kv.def_level);
  } else {
    do {
      Value key;
      node(kv.children.at(0), key);
      Value value;
      node(kv.children.at(1), value);
      std::string name = key.type() == Type::String ? std::move(key.as_string()) : key.to_display();
      entries.append(intern(name), std::move(value));
    } while (continues(kv));
  }
  out = Value::object(std::move(entries));
}

void ParquetReadNestedAssembler::list(const ParquetNestedNode& n, Value& out) {
  const ParquetNestedNode& group = n.children.at(0);
  List elements;
  if (first(group).peek_def() < group.def_level) {
    skip(group, group.def_level);
  } else {
    do {
      Value v;
      node(group.children.at(0), v);
      elements.push_back(std::move(v));
    } while (continues(group));
  }
  out = Value::list(std::move(elements));
}

bool ParquetReadNestedAssembler::continues(const ParquetNestedNode& r) {
  const ParquetReadNestedColumn& c = columns_.at(r.first_leaf);
  if (!c.has_next()) return false;
  const uint16_t rep = c.peek_rep();
  if (rep > r.rep_level) {
    throw ParquetReadError("column '" + c.name() + "': repetition level " + std::to_string(rep) +
                           " after a whole entry at level " + std::to_string(r.rep_level));
  }
  return rep == r.rep_level;
}

void ParquetReadNestedAssembler::skip(const ParquetNestedNode& n, int below_def) {
  for (size_t l = n.first_leaf; l < n.end_leaf; ++l) {
    ParquetReadNestedColumn& c = columns_[l];
    if (!c.has_next() || c.peek_def() >= below_def) {
      throw ParquetReadError("column '" + c.name() + "': its levels disagree with column '" +
                             columns_[n.first_leaf].name() + "'");
    }
    c.take(scratch_);
  }
}

}  // namespace sluice::operators::delta
