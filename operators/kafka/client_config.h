// Building librdkafka configurations from stage options.
#pragma once
#include <librdkafka/rdkafka.h>

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "engine/core/operator.h"

namespace sluice::operators::kafka {

// "name=value" strings of the `properties` option.
std::vector<std::pair<std::string, std::string>> read_properties(const StageConfig& cfg);

// A new configuration with the given settings applied in order; the caller owns it.
result<rd_kafka_conf_t*> make_conf(const std::vector<std::pair<std::string, std::string>>& kv);

std::vector<std::string> string_list(const StageConfig& cfg, const std::string& name);

}  // namespace sluice::operators::kafka
