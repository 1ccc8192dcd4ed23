// The evaluated options of `source mongodb`: the fields bound to its spec
// (mongodb_source_spec.cpp) and what from_config works out from them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/core/operator.h"

namespace sluice::operators::mongodb {

// In the order of the options' enum_values (mongodb_source_spec.cpp).
enum class SnapshotMode : uint8_t { Initial, Never };
enum class FullDocument : uint8_t { UpdateLookup, WhenAvailable, Default };

// What the change stream watches: one collection, several (a database stream filtered to
// them), a whole database, or the deployment (database empty).
struct StreamScope {
  std::string database;                  // "" = every database of the deployment
  std::vector<std::string> collections;  // empty = every collection of `database`
};

struct MongoSourceOptions {
  std::string uri;  // never logged; its password is a registered secret
  std::string database;
  std::vector<std::string> collections;
  SnapshotMode snapshot = SnapshotMode::Initial;
  FullDocument full_document = FullDocument::UpdateLookup;
  bool before_images = true;
  int64_t batch_size = 1000;
  int64_t reconnect_timeout_us = 600000000;
  std::string dead_letter;
  std::string on_error;
  std::string pipeline;
  std::string stage;

  StreamScope scope() const { return {database, collections}; }
  // Reads and checks the options, registers the URI's secrets.
  static result<MongoSourceOptions> from_config(const StageConfig& cfg);
};

}  // namespace sluice::operators::mongodb
