// Hot reload from the CLI side: checks a pipeline file (the same diagnostics as `sluice
// check`) and, when valid, hands it to the running engine through engine::Reloader. Used by
// `run --watch` and the control endpoint (POST /reload, POST /pipelines/NAME/reload).
#pragma once
#include <memory>
#include <string>

#include "engine/actors/reloader.h"

namespace sluice::runtime {

struct ReloadOutcome {
  bool valid = false;       // the file passed the checks
  std::string diagnostics;  // dsl::format() of the load (errors and warnings)
  engine::ReloadReport report;
};

class ReloadService {
 public:
  explicit ReloadService(std::shared_ptr<engine::Reloader> reloader)
      : reloader_(std::move(reloader)) {}
  // `name` is the file name used in diagnostics; only = "" reloads the whole file.
  ReloadOutcome reload_text(const std::string& name, const std::string& text,
                            const std::string& only = "");
  ReloadOutcome reload_file(const std::string& path);

  // "reload of P: pause N ms, kept [a, b], replaced [...], added [...], removed [...]"
  // (or "reload of P: started|stopped|unchanged|failed: reason").
  static std::string line(const engine::PipelineReload& r);
  // The JSON answer of the control endpoint.
  static std::string json(const ReloadOutcome& o);

 private:
  std::shared_ptr<engine::Reloader> reloader_;
};

}  // namespace sluice::runtime
