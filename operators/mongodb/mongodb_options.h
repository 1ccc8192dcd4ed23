// The evaluated options of one `mongodb` sink instance (see mongodb_spec.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "dsl/eval/expr.h"
#include "engine/core/operator.h"

namespace sluice::operators::mongodb {

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
  // server default. journal: -1 unset, 0 false, 1 true.
  bool w_majority = false;
  int64_t w = -1;
  int journal = -1;
  int64_t wtimeout_ms = 0;
  int64_t batch_rows = 1000;
  int64_t batch_delay_us = 100000;
  bool batch_adaptive = true;  // write when the input has caught up (Sink::idle)
  std::string pipeline;
  std::string stage;

  static result<MongoOptions> from_config(const StageConfig& cfg);
};

// Registers the URI, its password (raw and percent-decoded) and a TLS key-file password in it
// with secrets::add, so none of them can appear in logs, errors or dead letters. Works on
// malformed URIs too (it runs before the URI is parsed).
void register_uri_secrets(const std::string& uri);

}  // namespace sluice::operators::mongodb
