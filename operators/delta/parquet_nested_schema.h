// The schema of a Parquet file with nested columns (ParquetNestedWriter, ParquetNestedReader):
// a tree of groups, MAP and LIST groups (the 3-level structures of the Parquet spec's
// LogicalTypes) and primitive leaves, each required, optional or repeated, with the
// definition and repetition levels of every node and the leaf columns in file order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "operators/delta/parquet_format.h"

namespace sluice::operators::delta {

// SchemaElement.repetition_type.
enum class ParquetNestedRepetition : uint8_t { Required = 0, Optional = 1, Repeated = 2 };
// What a node is: a primitive column, a plain group (a struct), or a group annotated MAP
// (one repeated `key_value` group of `key` and `value`) or LIST (one repeated `list` group of
// one `element`).
enum class ParquetNestedShape : uint8_t { Leaf, Group, Map, List };

struct ParquetNestedNode {
  std::string name;
  ParquetNestedRepetition repetition = ParquetNestedRepetition::Optional;
  ParquetNestedShape shape = ParquetNestedShape::Leaf;
  int32_t physical = 6;     // Leaf: parquet.thrift's Type (6: BYTE_ARRAY)
  int32_t type_length = 0;  // Leaf: FIXED_LEN_BYTE_ARRAY's length
  bool utf8 = false;        // Leaf: a BYTE_ARRAY annotated STRING
  std::vector<ParquetNestedNode> children;
  // Set by ParquetNestedSchema: the definition level of the node when it is present (its own
  // and its ancestors' optional and repeated levels), its repetition level, and the leaves
  // below it (the node's own index for a leaf): [first_leaf, end_leaf).
  int def_level = 0;
  int rep_level = 0;
  size_t first_leaf = 0;
  size_t end_leaf = 0;

  bool optional() const { return repetition == ParquetNestedRepetition::Optional; }
};

// A leaf column: its path below the root (path_in_schema) and its type and maximum levels.
struct ParquetNestedLeaf {
  std::vector<std::string> path;
  int32_t physical = 6;
  int32_t type_length = 0;
  bool utf8 = false;
  int max_def = 0;
  int max_rep = 0;

  std::string dotted() const;  // "add.partitionValues.key_value.key"
};

class ParquetNestedSchema {
 public:
  ParquetNestedSchema() = default;
  // root: the message, a group of the top-level fields. Computes the levels and the leaves.
  explicit ParquetNestedSchema(ParquetNestedNode root);

  const ParquetNestedNode& root() const { return root_; }
  const std::vector<ParquetNestedLeaf>& leaves() const { return leaves_; }

  // Builders of the nodes a writer uses.
  static ParquetNestedNode leaf(std::string name, parquet::PhysicalType type, bool optional);
  static ParquetNestedNode string(std::string name, bool optional = true);
  static ParquetNestedNode group(std::string name, std::vector<ParquetNestedNode> fields,
                                 bool optional = true);
  // map<string, string>: optional group (MAP) { repeated group key_value { required key;
  // optional value } }.
  static ParquetNestedNode string_map(std::string name);
  // array<string>: optional group (LIST) { repeated group list { optional element } }.
  static ParquetNestedNode string_list(std::string name);

 private:
  void layout(ParquetNestedNode& n, int def, int rep, std::vector<std::string>& path);

  ParquetNestedNode root_;
  std::vector<ParquetNestedLeaf> leaves_;
};

}  // namespace sluice::operators::delta
