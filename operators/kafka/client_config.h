// Building librdkafka configurations from stage options.
#pragma once
#include <librdkafka/rdkafka.h>

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sluice::operators::kafka {

// The `properties` option's "name=value" strings as pairs; values of names with "password"
// or "secret" in them are registered as secrets.
std::vector<std::pair<std::string, std::string>> read_properties(
    const std::vector<std::string>& properties);

// A new configuration with the given settings applied in order; the caller owns it.
result<rd_kafka_conf_t*> make_conf(const std::vector<std::pair<std::string, std::string>>& kv);

}  // namespace sluice::operators::kafka
