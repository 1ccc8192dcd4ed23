// The evaluated options of one `mongodb` sink instance: the fields bound to the spec
// (mongodb_spec.cpp) and what from_config works out from them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "dsl/eval/expr.h"
#include "engine/core/operator.h"
#include "operators/mongodb/uri_secrets.h"

namespace sluice::operators::mongodb {

// In the order of the options' enum_values (mongodb_spec.cpp).
enum class Mode : uint8_t { Upsert, Append };
enum class Update : uint8_t { Replace, Set };

struct MongoOptions {
  std::string uri;  // never logged; its password is a registered secret
  std::string database;
  eval::ExprPtr collection;  // per record; null: collection_constant, else @table
  std::string collection_constant;
  Mode mode = Mode::Upsert;
  Update update = Update::Replace;
  std::vector<std::string> key;  // field names (dotted paths allowed); empty = record key
  // write_concern { w journal timeout }: w_majority, or w >= 0; w < 0 and !w_majority = the
  // server default (w_value: the option as written, "majority" or a number).
  Value w_value;
  bool w_majority = false;
  int64_t w = -1;
  std::optional<bool> journal;  // unset: the server's default
  int64_t wtimeout_us = 0;
  int64_t batch_rows = 1000;
  int64_t batch_delay_us = 100000;
  bool batch_adaptive = true;  // write when the input has caught up (Sink::idle)
  std::string pipeline;
  std::string stage;

  static result<MongoOptions> from_config(const StageConfig& cfg);
};

}  // namespace sluice::operators::mongodb
