#include "dsl/ast.h"

namespace sluice::ast {

const char* stage_type_name(StageType t) {
  switch (t) {
    case StageType::Source:
      return "source";
    case StageType::Transform:
      return "transform";
    case StageType::Aggregate:
      return "aggregate";
    case StageType::Join:
      return "join";
    case StageType::Sink:
      return "sink";
  }
  return "stage";
}

}  // namespace sluice::ast
