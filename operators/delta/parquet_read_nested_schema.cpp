#include "operators/delta/parquet_read_nested_schema.h"

#include <initializer_list>

#include "operators/delta/parquet_format.h"
#include "operators/delta/parquet_read_error.h"

namespace sluice::operators::delta {

namespace {

constexpr int kNestedReadMaxDepth = 32;

// Whether an element is annotated (its logical type, else its converted type) as one of
// `logical` / `converted`.
bool annotated(const ParquetReadSchema::Element& e,
               std::initializer_list<parquet::LogicalField> logical,
               std::initializer_list<parquet::ConvertedType> converted) {
  for (auto l : logical) {
    if (e.logical == parquet::code(l)) return true;
  }
  for (auto c : converted) {
    if (e.converted == parquet::code(c)) return true;
  }
  return false;
}

std::string nested_read_quoted(const std::string& name) { return "field '" + name + "'"; }

}  // namespace

ParquetNestedSchema ParquetReadNestedSchema::read(ParquetReadThrift& in, TType type) {
  uint32_t n = in.list(type, TType::T_STRUCT, "FileMetaData.schema");
  if (n == 0) throw ParquetReadError("the schema is empty");
  std::vector<Element> elements;
  for (uint32_t i = 0; i < n; ++i) elements.push_back(ParquetReadSchema::element(in, false));
  const Element& root = elements[0];
  if (root.type || !root.num_children || *root.num_children <= 0) {
    throw ParquetReadError("the schema's root '" + root.name + "' is not a group of columns");
  }
  size_t at = 0;
  ParquetNestedNode tree = build(elements, at, 0);
  if (at != elements.size()) {
    throw ParquetReadError("the schema has " + std::to_string(elements.size() - at) +
                           " elements after its root's last field");
  }
  return ParquetNestedSchema(std::move(tree));
}

ParquetNestedNode ParquetReadNestedSchema::build(const std::vector<Element>& elements, size_t& at,
                                                 int depth) {
  if (depth > kNestedReadMaxDepth) {
    throw ParquetReadError("the schema is nested deeper than " +
                           std::to_string(kNestedReadMaxDepth) + " levels");
  }
  const Element& e = elements.at(at++);
  const bool group = !e.type || (e.num_children && *e.num_children > 0);
  if (!group) return leaf(e);
  if (!e.num_children || *e.num_children <= 0) {
    throw ParquetReadError(nested_read_quoted(e.name) + " is a group without fields");
  }
  ParquetNestedNode n;
  n.name = e.name;
  n.repetition = static_cast<ParquetNestedRepetition>(e.repetition.value_or(0));
  if (e.repetition && (*e.repetition < 0 || *e.repetition > 2)) {
    throw ParquetReadError(nested_read_quoted(e.name) + " has repetition type " +
                           std::to_string(*e.repetition));
  }
  n.shape = ParquetNestedShape::Group;
  using L = parquet::LogicalField;
  using C = parquet::ConvertedType;
  if (annotated(e, {L::MAP}, {C::MAP, C::MAP_KEY_VALUE})) {
    n.shape = ParquetNestedShape::Map;
  } else if (annotated(e, {L::LIST}, {C::LIST})) {
    n.shape = ParquetNestedShape::List;
  }
  for (int32_t i = 0; i < *e.num_children; ++i) {
    if (at >= elements.size()) {
      throw ParquetReadError(nested_read_quoted(e.name) + " has " +
                             std::to_string(*e.num_children) +
                             " fields but the schema ends before them");
    }
    n.children.push_back(build(elements, at, depth + 1));
  }
  check_shape(n);
  return n;
}

ParquetNestedNode ParquetReadNestedSchema::leaf(const Element& e) {
  ParquetNestedNode n;
  n.name = e.name;
  n.shape = ParquetNestedShape::Leaf;
  const int32_t repetition = e.repetition.value_or(-1);
  if (repetition != 0 && repetition != 1) {
    throw ParquetReadError(nested_read_quoted(e.name) + " has repetition type " +
                           std::to_string(repetition) +
                           ": only required and optional leaves (and repeated groups of maps "
                           "and lists) are supported");
  }
  n.repetition = static_cast<ParquetNestedRepetition>(repetition);
  n.physical = *e.type;
  if (n.physical < 0 ||
      n.physical > static_cast<int32_t>(parquet::PhysicalType::FIXED_LEN_BYTE_ARRAY)) {
    throw ParquetReadError(nested_read_quoted(e.name) + " has physical type " +
                           std::to_string(n.physical));
  }
  n.type_length = e.type_length.value_or(0);
  if (n.physical == static_cast<int32_t>(parquet::PhysicalType::FIXED_LEN_BYTE_ARRAY) &&
      n.type_length <= 0) {
    throw ParquetReadError(nested_read_quoted(e.name) + " is FIXED_LEN_BYTE_ARRAY of length " +
                           std::to_string(n.type_length));
  }
  using L = parquet::LogicalField;
  using C = parquet::ConvertedType;
  n.utf8 = n.physical == static_cast<int32_t>(parquet::PhysicalType::BYTE_ARRAY) &&
           annotated(e, {L::STRING, L::ENUM, L::JSON}, {C::UTF8, C::ENUM, C::JSON});
  return n;
}

void ParquetReadNestedSchema::check_shape(const ParquetNestedNode& n) {
  if (n.repetition == ParquetNestedRepetition::Repeated && n.shape != ParquetNestedShape::Group) {
    throw ParquetReadError(nested_read_quoted(n.name) + " is a repeated map or list");
  }
  if (n.shape == ParquetNestedShape::Group) {
    for (const ParquetNestedNode& c : n.children) {
      if (c.repetition == ParquetNestedRepetition::Repeated) {
        throw ParquetReadError(nested_read_quoted(c.name) +
                               " is repeated outside a map or a list: not supported");
      }
    }
    return;
  }
  const bool map = n.shape == ParquetNestedShape::Map;
  const ParquetNestedNode& r = n.children.front();
  // MAP: one repeated group of (key, value); LIST: one repeated group of one element.
  if (n.children.size() != 1 || r.repetition != ParquetNestedRepetition::Repeated ||
      r.shape != ParquetNestedShape::Group || r.children.size() != (map ? 2u : 1u) ||
      (map && r.children[0].shape != ParquetNestedShape::Leaf)) {
    throw ParquetReadError(nested_read_quoted(n.name) + " is a " + (map ? "MAP" : "LIST") +
                           " group not in the spec's 3-level form");
  }
}

}  // namespace sluice::operators::delta
