#include "operators/mysql/mysql_kind.h"

#include "operators/mysql/mysql_source.h"
#include "operators/mysql/mysql_spec.h"

namespace sluice::operators::mysql {

OperatorKind source_kind() {
  return OperatorKind::of_source(
      bound_source_spec().spec(), [](const StageConfig& c) -> result<std::unique_ptr<Source>> {
        auto cfg = read_config(c);
        if (!cfg.ok()) return cfg.err();
        return std::unique_ptr<Source>(std::make_unique<MySqlSource>(std::move(cfg).value()));
      });
}

}  // namespace sluice::operators::mysql
