#include "runtime/reload_service.h"

#include <cstdio>

#include "base/json.h"
#include "dsl/loader.h"
#include "operators/registry.h"

namespace sluice::runtime {

namespace {

ReloadOutcome reload_loaded(engine::Reloader* reloader, dsl::Loaded& loaded,
                            const std::string& only) {
  ReloadOutcome o;
  o.diagnostics = dsl::format(loaded);
  o.valid = loaded.ok();
  if (!o.valid) return o;
  if (reloader == nullptr) {
    o.report.error = "this node does not accept reloads";
    return o;
  }
  o.report = reloader->reload(std::make_shared<ast::File>(std::move(loaded.file)), only);
  return o;
}

std::string list(const std::vector<std::string>& v) {
  std::string o = "[";
  for (size_t i = 0; i < v.size(); ++i) o += (i ? ", " : "") + v[i];
  return o + "]";
}

std::string jstr(const std::string& s) {
  std::string o;
  json::encode_string(s, o);
  return o;
}

std::string jlist(const std::vector<std::string>& v) {
  std::string o = "[";
  for (size_t i = 0; i < v.size(); ++i) o += (i ? "," : "") + jstr(v[i]);
  return o + "]";
}

std::string ms(int64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(us) / 1000.0);
  return buf;
}

}  // namespace

ReloadOutcome ReloadService::reload_text(const std::string& name, const std::string& text,
                                         const std::string& only) {
  auto loaded = dsl::load_text(name, text, operators::registry().specs());
  return reload_loaded(reloader_.get(), loaded, only);
}

ReloadOutcome ReloadService::reload_file(const std::string& path) {
  auto loaded = dsl::load_file(path, operators::registry().specs());
  return reload_loaded(reloader_.get(), loaded, "");
}

std::string ReloadService::line(const engine::PipelineReload& r) {
  std::string o = "reload of " + r.pipeline + ": ";
  if (!r.ok) return o + "failed: " + r.error + " (the running graph keeps running)";
  if (r.action == "reloaded") {
    return o + "pause " + ms(r.pause_us) + " ms, kept " + list(r.kept) + ", replaced " +
           list(r.replaced) + ", added " + list(r.added) + ", removed " + list(r.removed);
  }
  if (r.action == "started") return o + "started, added " + list(r.added);
  if (r.action == "stopped") {
    return o + "stopped (drained and checkpointed), removed " + list(r.removed);
  }
  return o + r.action;
}

std::string ReloadService::json(const ReloadOutcome& o) {
  std::string j = "{\"ok\":";
  j += (o.valid && o.report.ok) ? "true" : "false";
  j += ",\"valid\":" + std::string(o.valid ? "true" : "false");
  if (!o.diagnostics.empty()) j += ",\"diagnostics\":" + jstr(o.diagnostics);
  if (!o.report.error.empty()) j += ",\"error\":" + jstr(o.report.error);
  j += ",\"pipelines\":[";
  for (size_t i = 0; i < o.report.pipelines.size(); ++i) {
    const auto& r = o.report.pipelines[i];
    if (i) j += ',';
    j += "{\"pipeline\":" + jstr(r.pipeline) + ",\"action\":" + jstr(r.action) +
         ",\"ok\":" + (r.ok ? "true" : "false");
    if (!r.error.empty()) j += ",\"error\":" + jstr(r.error);
    j += ",\"pause_ms\":" + ms(r.pause_us) + ",\"checkpoint\":" + std::to_string(r.checkpoint);
    j += ",\"kept\":" + jlist(r.kept) + ",\"replaced\":" + jlist(r.replaced) +
         ",\"added\":" + jlist(r.added) + ",\"removed\":" + jlist(r.removed);
    j += ",\"line\":" + jstr(line(r)) + "}";
  }
  return j + "]}";
}

}  // namespace sluice::runtime
