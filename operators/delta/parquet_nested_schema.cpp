#include "operators/delta/parquet_nested_schema.h"

#include <utility>

namespace sluice::operators::delta {

std::string ParquetNestedLeaf::dotted() const {
  std::string out;
  for (const std::string& p : path) {
    if (!out.empty()) out += '.';
    out += p;
  }
  return out;
}

ParquetNestedSchema::ParquetNestedSchema(ParquetNestedNode root) : root_(std::move(root)) {
  root_.repetition = ParquetNestedRepetition::Required;
  std::vector<std::string> path;
  root_.first_leaf = 0;
  for (ParquetNestedNode& c : root_.children) layout(c, 0, 0, path);
  root_.end_leaf = leaves_.size();
}

void ParquetNestedSchema::layout(ParquetNestedNode& n, int def, int rep,
                                 std::vector<std::string>& path) {
  n.def_level = def + (n.repetition == ParquetNestedRepetition::Required ? 0 : 1);
  n.rep_level = rep + (n.repetition == ParquetNestedRepetition::Repeated ? 1 : 0);
  n.first_leaf = leaves_.size();
  path.push_back(n.name);
  if (n.shape == ParquetNestedShape::Leaf) {
    ParquetNestedLeaf l;
    l.path = path;
    l.physical = n.physical;
    l.type_length = n.type_length;
    l.utf8 = n.utf8;
    l.max_def = n.def_level;
    l.max_rep = n.rep_level;
    leaves_.push_back(std::move(l));
  } else {
    for (ParquetNestedNode& c : n.children) layout(c, n.def_level, n.rep_level, path);
  }
  path.pop_back();
  n.end_leaf = leaves_.size();
}

ParquetNestedNode ParquetNestedSchema::leaf(std::string name, parquet::PhysicalType type,
                                            bool optional) {
  ParquetNestedNode n;
  n.name = std::move(name);
  n.repetition = optional ? ParquetNestedRepetition::Optional : ParquetNestedRepetition::Required;
  n.shape = ParquetNestedShape::Leaf;
  n.physical = static_cast<int32_t>(type);
  return n;
}

ParquetNestedNode ParquetNestedSchema::string(std::string name, bool optional) {
  ParquetNestedNode n = leaf(std::move(name), parquet::PhysicalType::BYTE_ARRAY, optional);
  n.utf8 = true;
  return n;
}

ParquetNestedNode ParquetNestedSchema::group(std::string name,
                                             std::vector<ParquetNestedNode> fields, bool optional) {
  ParquetNestedNode n;
  n.name = std::move(name);
  n.repetition = optional ? ParquetNestedRepetition::Optional : ParquetNestedRepetition::Required;
  n.shape = ParquetNestedShape::Group;
  n.children = std::move(fields);
  return n;
}

ParquetNestedNode ParquetNestedSchema::string_map(std::string name) {
  ParquetNestedNode kv = group("key_value", {string("key", false), string("value", true)});
  kv.repetition = ParquetNestedRepetition::Repeated;
  ParquetNestedNode n = group(std::move(name), {std::move(kv)});
  n.shape = ParquetNestedShape::Map;
  return n;
}

ParquetNestedNode ParquetNestedSchema::string_list(std::string name) {
  ParquetNestedNode list = group("list", {string("element", true)});
  list.repetition = ParquetNestedRepetition::Repeated;
  ParquetNestedNode n = group(std::move(name), {std::move(list)});
  n.shape = ParquetNestedShape::List;
  return n;
}

}  // namespace sluice::operators::delta
