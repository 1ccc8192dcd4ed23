#include "runtime/management_api.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "base/event_codec.h"
#include "base/json.h"
#include "engine/actors/clock.h"
#include "runtime/live_view.h"
#include "runtime/tap_stream.h"

namespace sluice::runtime {
namespace {

std::string str(const std::string& s) {
  std::string out;
  json::encode_string(s, out);
  return out;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.body += '\n';
  return r;
}

HttpResponse error_response(int status, const std::string& message) {
  return json_response(status, "{\"error\":" + str(message) + "}");
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

size_t query_limit(const std::string& query, size_t def) {
  auto pos = query.find("limit=");
  if (pos == std::string::npos) return def;
  return static_cast<size_t>(std::strtoul(query.c_str() + pos + 6, nullptr, 10));
}

// The value of `name=` in a query string ("" when absent); no percent-decoding (stage names
// are identifiers).
std::string query_param(const std::string& query, const std::string& name) {
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string::npos) j = query.size();
    if (query.compare(i, name.size() + 1, name + "=") == 0) {
      return query.substr(i + name.size() + 1, j - i - name.size() - 1);
    }
    i = j + 1;
  }
  return {};
}

}  // namespace

ManagementApi::ManagementApi(std::shared_ptr<engine::LiveRegistry> live) : live_(std::move(live)) {}

ManagementApi::~ManagementApi() { stop_sampler(); }

void ManagementApi::start_sampler() {
  stop_ = false;
  sample();
  sampler_ = std::thread([this] {
    int ticks = 0;
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (++ticks % 10 == 0) sample();
    }
  });
}

void ManagementApi::stop_sampler() {
  stop_ = true;
  if (sampler_.joinable()) sampler_.join();
}

void ManagementApi::sample() {
  const int64_t now = engine::monotonic_us();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& p : live_->pipelines()) {
    for (const auto& s : p->stages) {
      Rate& r = rates_[p->name + "/" + s.name];
      const uint64_t in = s.counters->in.load(std::memory_order_relaxed);
      const uint64_t out = s.counters->out.load(std::memory_order_relaxed);
      if (r.at_us > 0 && now > r.at_us) {
        const double dt = static_cast<double>(now - r.at_us) / 1e6;
        r.in_per_s = static_cast<double>(in - r.in) / dt;
        r.out_per_s = static_cast<double>(out - r.out) / dt;
      }
      r.in = in;
      r.out = out;
      r.at_us = now;
    }
  }
}

ManagementApi::Rate ManagementApi::rate_of(const std::string& pipeline, const std::string& stage) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rates_.find(pipeline + "/" + stage);
  return it == rates_.end() ? Rate{} : it->second;
}

std::string ManagementApi::pipeline_json(const engine::LivePipeline& p, bool with_stages) {
  const auto st = engine::LiveRegistry::state_of(p);
  uint64_t errors = 0, dead = 0, read = 0, written = 0;
  double read_rate = 0, write_rate = 0;
  for (const auto& s : p.stages) {
    errors += s.counters->errors.load(std::memory_order_relaxed);
    dead += s.counters->dead.load(std::memory_order_relaxed);
    const Rate r = rate_of(p.name, s.name);
    if (s.type == "source") {
      read += s.counters->out.load(std::memory_order_relaxed);
      read_rate += r.out_per_s;
    } else if (s.type == "sink") {
      written += s.counters->out.load(std::memory_order_relaxed);
      write_rate += r.out_per_s;
    }
  }
  std::string o = "{\"name\":" + str(p.name) + ",\"state\":" + str(st.state);
  if (!st.reason.empty()) o += ",\"reason\":" + str(st.reason);
  o += ",\"restarts\":" + std::to_string(st.restarts);
  o += ",\"last_checkpoint\":{\"id\":" + std::to_string(st.last_checkpoint) + ",\"at\":" +
       (st.last_checkpoint_at ? num(static_cast<double>(st.last_checkpoint_at) / 1e6) : "null") +
       ",\"age_seconds\":" +
       (st.last_checkpoint_at
            ? num(static_cast<double>(engine::wall_clock_us() - st.last_checkpoint_at) / 1e6)
            : "null") +
       "}";
  o += ",\"lag_seconds\":" + num(pipeline_lag_seconds(p));
  o += ",\"records_read\":" + std::to_string(read) +
       ",\"records_written\":" + std::to_string(written);
  o += ",\"read_per_second\":" + num(read_rate) + ",\"written_per_second\":" + num(write_rate);
  o += ",\"errors\":" + std::to_string(errors) + ",\"dead_letters\":" + std::to_string(dead);
  if (with_stages) {
    o += ",\"stages\":[";
    bool first = true;
    for (const auto& s : p.stages) {
      const auto& c = *s.counters;
      const Rate r = rate_of(p.name, s.name);
      if (!first) o += ',';
      first = false;
      o += "{\"name\":" + str(s.name) + ",\"type\":" + str(s.type) + ",\"kind\":" + str(s.kind);
      o += ",\"from\":[";
      for (size_t i = 0; i < s.from.size(); ++i) o += (i ? "," : "") + str(s.from[i]);
      o += "]";
      if (!s.dead_letter.empty()) o += ",\"dead_letter\":" + str(s.dead_letter);
      o += ",\"parallelism\":" + std::to_string(s.parallelism);
      o += ",\"in\":" + std::to_string(c.in.load()) + ",\"out\":" + std::to_string(c.out.load());
      o += ",\"in_per_second\":" + num(r.in_per_s) + ",\"out_per_second\":" + num(r.out_per_s);
      o += ",\"dead_letters\":" + std::to_string(c.dead.load()) +
           ",\"errors\":" + std::to_string(c.errors.load()) +
           ",\"retries\":" + std::to_string(c.retries.load()) +
           ",\"restarts\":" + std::to_string(c.restarts.load());
      if (c.retrying.load()) o += ",\"retrying\":true";
      o += ",\"in_flight\":" + std::to_string(in_flight(p, s));
      if (const int taps = c.tap.readers(); taps > 0) {
        o += ",\"tap\":{\"readers\":" + std::to_string(taps) +
             ",\"seen\":" + std::to_string(c.tap.seen()) +
             ",\"copied\":" + std::to_string(c.tap.copied()) + "}";
      }
      const uint64_t batches = c.batch_us.count.load();
      o += ",\"batches\":" + std::to_string(batches) + ",\"avg_batch_ms\":" +
           num(batches
                   ? static_cast<double>(c.batch_us.sum.load()) / 1e3 / static_cast<double>(batches)
                   : 0);
      if (s.type == "source") {
        o += ",\"paused\":" + std::string(c.paused.load() ? "true" : "false");
        o += ",\"lag_seconds\":" + num(static_cast<double>(c.lag_us.load()) / 1e6);
        const std::string health = c.health();
        if (!health.empty()) o += ",\"health\":" + str(health);
        const int64_t total = c.progress_total.load();
        if (total >= 0) {
          o += ",\"progress\":{\"done\":" + std::to_string(c.progress_done.load()) +
               ",\"total\":" + std::to_string(total);
          const auto tables = c.table_progress.get();
          if (!tables.empty()) {
            o += ",\"tables\":[";
            for (size_t i = 0; i < tables.size(); ++i) {
              o += std::string(i ? "," : "") + "{\"table\":" + str(tables[i].table) +
                   ",\"done\":" + std::to_string(tables[i].done) +
                   ",\"total\":" + std::to_string(tables[i].total) + "}";
            }
            o += "]";
          }
          o += "}";
        }
      }
      o += "}";
    }
    o += "]";
  }
  o += "}";
  return o;
}

std::string ManagementApi::dead_letters_json(const engine::LivePipeline& p, size_t limit) {
  std::vector<Event> all;
  for (const auto& s : p.stages) {
    auto recent = s.counters->dead_letters.recent();
    for (auto& e : recent) all.push_back(std::move(e));
  }
  std::stable_sort(all.begin(), all.end(), [](const Event& a, const Event& b) {
    return a.dead_letter->at < b.dead_letter->at;
  });
  if (all.size() > limit) all.erase(all.begin(), all.end() - static_cast<ptrdiff_t>(limit));
  std::string o = "{\"pipeline\":" + str(p.name) + ",\"count\":" + std::to_string(all.size()) +
                  ",\"dead_letters\":[";
  for (size_t i = 0; i < all.size(); ++i) {
    if (i) o += ',';
    event_codec::append_dead_letter(all[i], o);
  }
  o += "]}";
  return o;
}

std::string ManagementApi::known_pipelines() const {
  std::string names;
  for (const auto& p : live_->pipelines()) names += (names.empty() ? "" : ", ") + p->name;
  return names.empty() ? " (this node runs none)" : " (pipelines: " + names + ")";
}

HttpResponse ManagementApi::no_stage(const engine::LivePipeline& p, const std::string& stage) {
  std::string names;
  for (const auto& s : p.stages) names += (names.empty() ? "" : ", ") + s.name;
  return error_response(
      404, "pipeline '" + p.name + "' has no stage '" + stage + "' (stages: " + names + ")");
}

HttpResponse ManagementApi::tap(const engine::LivePipeline& p, const std::string& stage,
                                size_t limit) {
  if (!p.find_stage(stage)) return no_stage(p, stage);
  const auto st = engine::LiveRegistry::state_of(p);
  if (st.state == "completed" || st.state == "failed") {
    return error_response(409, "pipeline '" + p.name + "' is " + st.state + ": nothing flows");
  }
  auto stream = std::make_shared<TapStream>(live_, p.name, stage, limit);
  HttpResponse r;
  r.content_type = "application/x-ndjson";
  r.stream = [stream](std::string& chunk) { return stream->next(chunk); };
  return r;
}

// Hot reload: the body is the new file; 422 with the check diagnostics when it is invalid.
HttpResponse ManagementApi::reload(const HttpRequest& req, const std::string& only) {
  if (!reload_) return error_response(501, "this node was started without hot reload");
  if (req.body.empty()) {
    return error_response(400, "POST the new pipeline file as the body (sluice reload FILE)");
  }
  std::string name;
  const std::string q = req.query;
  if (auto pos = q.find("file="); pos != std::string::npos) {
    for (size_t i = pos + 5; i < q.size() && q[i] != '&'; ++i) {
      if (q[i] == '%' && i + 2 < q.size()) {
        name += static_cast<char>(std::strtol(q.substr(i + 1, 2).c_str(), nullptr, 16));
        i += 2;
      } else {
        name += q[i] == '+' ? ' ' : q[i];
      }
    }
  }
  if (name.empty()) name = "<reload>";
  const ReloadOutcome o = reload_->reload_text(name, req.body, only);
  const int status = !o.valid ? 422 : o.report.ok ? 200 : 409;
  return json_response(status, ReloadService::json(o));
}

HttpResponse ManagementApi::list_pipelines() {
  std::string o = "{\"pipelines\":[";
  bool first = true;
  for (const auto& p : live_->pipelines()) {
    if (!first) o += ',';
    first = false;
    o += pipeline_json(*p, false);
  }
  return json_response(200, o + "]}");
}

HttpResponse ManagementApi::pause(const engine::LivePipeline& p, bool paused) {
  const auto st = engine::LiveRegistry::state_of(p);
  if (st.state == "completed" || st.state == "failed") {
    return error_response(409, "pipeline '" + p.name + "' is " + st.state);
  }
  live_->set_paused(p.name, paused);
  return json_response(200, "{\"pipeline\":" + str(p.name) +
                                ",\"state\":" + str(engine::LiveRegistry::state_of(p).state) + "}");
}

HttpResponse ManagementApi::replay(const engine::LivePipeline& p, const HttpRequest& req) {
  const auto st = engine::LiveRegistry::state_of(p);
  if (st.state == "completed" || st.state == "failed") {
    return error_response(
        409, "pipeline '" + p.name + "' is " + st.state + ": nothing runs to replay into");
  }
  const std::string stage = query_param(req.query, "stage");
  if (!stage.empty() && !p.find_stage(stage)) return no_stage(p, stage);
  auto r = engine::LiveRegistry::replay_dead_letters(p, stage, query_limit(req.query, SIZE_MAX));
  if (r.replayed.empty() && !r.refused.empty()) {
    std::string why;
    for (const auto& x : r.refused) why += (why.empty() ? "" : "; ") + x;
    return error_response(409, why);
  }
  std::string o = "{\"pipeline\":" + str(p.name) + ",\"replayed\":" + std::to_string(r.total()) +
                  ",\"stages\":{";
  for (size_t i = 0; i < r.replayed.size(); ++i) {
    if (i) o += ',';
    o += str(r.replayed[i].first) + ":" + std::to_string(r.replayed[i].second);
  }
  o += "},\"refused\":[";
  for (size_t i = 0; i < r.refused.size(); ++i) {
    if (i) o += ',';
    o += str(r.refused[i]);
  }
  return json_response(200, o + "]}");
}

HttpResponse ManagementApi::handle(const HttpRequest& req) {
  const auto parts = split_path(req.path);
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";
  if (parts.size() == 1 && parts[0] == "reload") {
    if (!post) return error_response(405, "use POST /reload with the new file as the body");
    return reload(req, "");
  }
  if (parts.empty() || parts[0] != "pipelines") {
    return error_response(404, "unknown path " + req.path +
                                   " (try /pipelines, /pipelines/NAME; /metrics is on --metrics)");
  }
  if (parts.size() == 1) {
    if (!get) return error_response(405, "use GET /pipelines");
    return list_pipelines();
  }
  auto p = live_->find(parts[1]);
  if (!p) return error_response(404, "no pipeline named '" + parts[1] + "'" + known_pipelines());
  if (parts.size() == 2) {
    if (!get) return error_response(405, "use GET /pipelines/" + p->name);
    return json_response(200, pipeline_json(*p, true));
  }
  const std::string& action = parts[2];
  if (parts.size() == 3 && (action == "pause" || action == "resume")) {
    if (!post) return error_response(405, "use POST /pipelines/" + p->name + "/" + action);
    return pause(*p, action == "pause");
  }
  if (parts.size() == 3 && action == "reload") {
    if (!post) return error_response(405, "use POST /pipelines/" + p->name + "/reload");
    return reload(req, p->name);
  }
  if (parts.size() == 3 && action == "dead-letters") {
    if (!get) return error_response(405, "use GET /pipelines/" + p->name + "/dead-letters");
    return json_response(200, dead_letters_json(*p, query_limit(req.query, 100)));
  }
  if (parts.size() == 5 && action == "stages" && parts[4] == "tap") {
    if (req.method != "GET") {
      return error_response(405, "use GET /pipelines/" + p->name + "/stages/STAGE/tap");
    }
    return tap(*p, parts[3], query_limit(req.query, 0));
  }
  if (parts.size() == 3 && action == "snapshot") {
    if (!post && req.method != "DELETE") {
      return error_response(405, "use POST (or DELETE to stop) /pipelines/" + p->name +
                                     "/snapshot with {\"tables\": [\"db.table\"]}");
    }
    return snapshot(*p, req);
  }
  if (parts.size() == 4 && action == "dead-letters" && parts[3] == "replay") {
    if (!post)
      return error_response(405, "use POST /pipelines/" + p->name + "/dead-letters/replay");
    return replay(*p, req);
  }
  return error_response(404, "unknown path " + req.path);
}

HttpResponse ManagementApi::snapshot(const engine::LivePipeline& p, const HttpRequest& req) {
  const bool stop = req.method == "DELETE";
  Value args = Value::object(Object());
  if (!req.body.empty()) {
    auto v = json::parse(req.body);
    if (!v.ok() || v->type() != Type::Object) {
      return error_response(400, "the body must be a JSON object: {\"tables\": [\"db.table\"]}");
    }
    args = std::move(v).value();
  }
  const Value* tables = args.as_object().find(intern("tables"));
  if (!stop && (tables == nullptr || tables->type() != Type::List || tables->as_list().empty())) {
    return error_response(400, "name the tables to read: {\"tables\": [\"db.table\"]}");
  }
  const std::string stage = query_param(req.query, "stage");
  if (!stage.empty() && !p.find_stage(stage)) return no_stage(p, stage);
  const auto st = engine::LiveRegistry::state_of(p);
  if (st.state == "completed" || st.state == "failed") {
    return error_response(409, "pipeline '" + p.name + "' is " + st.state);
  }
  auto answers =
      engine::LiveRegistry::command(p, stage, stop ? "stop-snapshot" : "snapshot", args, 30'000);
  if (answers.empty()) return error_response(409, "pipeline '" + p.name + "' has no source");
  std::string o = "{\"pipeline\":" + str(p.name) + ",\"stages\":{", why;
  bool any = false;
  for (size_t i = 0; i < answers.size(); ++i) {
    auto& [name, r] = answers[i];
    if (i) o += ',';
    o += str(name) + ":" + (r.ok() ? "{\"ok\":" + str(*r) : "{\"error\":" + str(r.err().message)) +
         "}";
    if (r.ok()) any = true;
    if (!r.ok()) why += (why.empty() ? "" : "; ") + name + ": " + r.err().message;
  }
  if (!any) return error_response(409, why);
  return json_response(200, o + "}}");
}

}  // namespace sluice::runtime
