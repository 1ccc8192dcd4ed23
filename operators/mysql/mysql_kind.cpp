#include "operators/mysql/mysql_kind.h"

#include "operators/mysql/mysql_source.h"
#include "operators/mysql/mysql_spec.h"

namespace sluice::operators::mysql {

OperatorKind source_kind() {
  OperatorKind k;
  k.spec = source_spec();
  k.source = [](const StageConfig& c) -> result<std::unique_ptr<Source>> {
    auto cfg = read_config(c);
    if (!cfg.ok()) return cfg.err();
    return std::unique_ptr<Source>(std::make_unique<MySqlSource>(std::move(cfg).value()));
  };
  return k;
}

}  // namespace sluice::operators::mysql
