#include "operators/kafka/client_config.h"

#include "base/secrets.h"
#include "operators/kafka/errc.h"

namespace sluice::operators::kafka {

std::vector<std::pair<std::string, std::string>> read_properties(
    const std::vector<std::string>& properties) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& p : properties) {
    size_t eq = p.find('=');
    if (eq == std::string::npos) continue;
    std::string name = p.substr(0, eq);
    std::string value = p.substr(eq + 1);
    if (name.find("password") != std::string::npos || name.find("secret") != std::string::npos) {
      secrets::add(value);
    }
    kv.emplace_back(std::move(name), std::move(value));
  }
  return kv;
}

result<rd_kafka_conf_t*> make_conf(const std::vector<std::pair<std::string, std::string>>& kv) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : kv) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return error::fatal(errc::client, "kafka setting " + k + ": " + err);
    }
  }
  return conf;
}

}  // namespace sluice::operators::kafka
