// The management API of `sluice run --api ADDR` (behind guard_api: token, no cross-origin):
//   GET  /pipelines                            every pipeline: state, lag, counts, rates
//   GET  /pipelines/{name}                     the same plus its stages
//   POST /pipelines/{name}/pause|resume        sources stop / start polling
//   POST /reload[?file=NAME]                   hot reload: the body is the whole new file
//   POST /pipelines/{name}/reload[?file=NAME]  hot reload of that pipeline of the body's file
//                                              (both 501 when the node runs without a reloader)
//   GET  /pipelines/{name}/dead-letters[?limit=N]  the most recent dead letters (newest last)
//   POST /pipelines/{name}/dead-letters/replay[?stage=S&limit=N]  held dead letters back in
//   GET  /pipelines/{name}/stages/{stage}/tap[?limit=N]  a sample of the records leaving the
//                                              stage, streamed as JSON lines (chunked)
//   POST /pipelines/{name}/snapshot[?stage=S]  {"tables": ["db.t"], "filters": {"db.t": "SQL"}}:
//                                              the sources re-read those tables while
//                                              streaming; DELETE (tables optional) stops that
// Rates (records/s) come from a sampler thread that reads the counters every second.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/actors/live_registry.h"
#include "runtime/http_server.h"
#include "runtime/reload_service.h"

namespace sluice::runtime {

class ManagementApi {
 public:
  explicit ManagementApi(std::shared_ptr<engine::LiveRegistry> live);
  ~ManagementApi();
  ManagementApi(const ManagementApi&) = delete;
  ManagementApi& operator=(const ManagementApi&) = delete;

  HttpResponse handle(const HttpRequest& req);
  // Enables POST /reload and POST /pipelines/{name}/reload (`sluice run` sets it).
  void set_reload_service(std::shared_ptr<ReloadService> s) { reload_ = std::move(s); }
  // Starts / stops the rate sampler thread.
  void start_sampler();
  void stop_sampler();
  // Takes one sample now (tests and the sampler).
  void sample();

 private:
  struct Rate {
    uint64_t in = 0, out = 0;
    int64_t at_us = 0;
    double in_per_s = 0, out_per_s = 0;
  };
  std::string pipeline_json(const engine::LivePipeline& p, bool with_stages);
  std::string dead_letters_json(const engine::LivePipeline& p, size_t limit);
  std::string known_pipelines() const;
  static HttpResponse no_stage(const engine::LivePipeline& p, const std::string& stage);
  HttpResponse tap(const engine::LivePipeline& p, const std::string& stage, size_t limit);
  HttpResponse snapshot(const engine::LivePipeline& p, const HttpRequest& req);
  HttpResponse reload(const HttpRequest& req, const std::string& only);
  HttpResponse list_pipelines();
  HttpResponse pause(const engine::LivePipeline& p, bool paused);
  // POST /pipelines/P/dead-letters/replay.
  HttpResponse replay(const engine::LivePipeline& p, const HttpRequest& req);
  Rate rate_of(const std::string& pipeline, const std::string& stage);

  std::shared_ptr<engine::LiveRegistry> live_;
  std::shared_ptr<ReloadService> reload_;
  std::mutex mu_;
  std::map<std::string, Rate> rates_;  // "pipeline/stage"
  std::atomic<bool> stop_{false};
  std::thread sampler_;
};

}  // namespace sluice::runtime
