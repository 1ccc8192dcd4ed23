#include "operators/delta/delta_log.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "base/json.h"
#include "operators/delta/delta_schema.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/local_table_store.h"

namespace sluice::operators::delta {
namespace {

constexpr int kReaderVersion = 1;
constexpr int kWriterVersion = 2;

// 20 digits + ".json" -> the version; -1 for any other name.
int64_t version_of(const std::string& name) {
  if (name.size() != 25 || name.compare(20, 5, ".json") != 0) return -1;
  if (!std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(name.substr(0, 20));
}

std::string new_table_id() {
  std::random_device rd;
  std::mt19937_64 g((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = g();
  uint64_t b = g();
  a = (a & ~0xF000ULL) | 0x4000ULL;                         // version 4
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

void add_action(const AddFile& a, std::string& out) {
  out += "{\"add\":{\"path\":";
  json::encode_string(a.path, out);
  out += ",\"partitionValues\":{},\"size\":" + std::to_string(a.size);
  out += ",\"modificationTime\":" + std::to_string(a.modification_time);
  out += a.data_change ? ",\"dataChange\":true" : ",\"dataChange\":false";
  out += ",\"stats\":";
  json::encode_string(a.stats, out);
  out += "}}\n";
}

void remove_action(const RemoveFile& r, int64_t now, std::string& out) {
  out += "{\"remove\":{\"path\":";
  json::encode_string(r.path, out);
  out += ",\"deletionTimestamp\":" + std::to_string(now);
  out += r.data_change ? ",\"dataChange\":true" : ",\"dataChange\":false";
  out +=
      ",\"extendedFileMetadata\":true,\"partitionValues\":{},\"size\":" + std::to_string(r.size) +
      "}}\n";
}

}  // namespace

DeltaLog::DeltaLog(const std::string& table_dir)
    : store_(std::make_shared<LocalTableStore>(table_dir)) {}

std::string DeltaLog::commit_path(int64_t version) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld.json", static_cast<long long>(version));
  return std::string("_delta_log/") + name;
}

int64_t DeltaLog::txn_version(const std::string& app_id) const {
  auto it = txn_.find(app_id);
  return it == txn_.end() ? -1 : it->second;
}

result<void> DeltaLog::load() {
  version_ = -1;
  schema_.clear();
  txn_.clear();
  live_.clear();
  std::vector<int64_t> versions;
  auto names = store_->list_log();
  if (!names.ok()) return names.err();
  for (const std::string& name : names.value()) {
    if (name == "_last_checkpoint") {
      return error::fatal(errc::log, dir() +
                                         ": the log has a checkpoint; reading checkpointed "
                                         "logs is not built yet");
    }
    int64_t v = version_of(name);
    if (v >= 0) versions.push_back(v);
  }
  std::sort(versions.begin(), versions.end());
  for (size_t i = 0; i < versions.size(); ++i) {
    if (versions[i] != static_cast<int64_t>(i)) {
      return error::fatal(errc::log, dir() + "/_delta_log: version " + std::to_string(i) +
                                         " is missing (found " + std::to_string(versions[i]) + ")");
    }
    if (auto r = apply_commit(versions[i]); !r) return r;
    version_ = versions[i];
  }
  return {};
}

result<void> DeltaLog::apply_commit(int64_t version) {
  const std::string file = dir() + "/" + commit_path(version);
  auto text = store_->read(commit_path(version));
  if (!text.ok()) return error::fatal(errc::log, "cannot read " + file + ": " + text.err().message);
  size_t start = 0;
  const std::string& t = text.value();
  while (start < t.size()) {
    size_t end = t.find('\n', start);
    if (end == std::string::npos) end = t.size();
    if (end > start) {
      if (auto r = apply_line(t.substr(start, end - start), file); !r) return r;
    }
    start = end + 1;
  }
  return {};
}

result<void> DeltaLog::apply_line(const std::string& line, const std::string& file) {
  auto parsed = json::parse(line);
  if (!parsed.ok()) return error::fatal(errc::log, file + ": " + parsed.err().message);
  const Value& action = parsed.value();
  if (const Value* p = json_member(action, "protocol")) {
    const int64_t w = json_int(*p, "minWriterVersion", 0);
    const int64_t r = json_int(*p, "minReaderVersion", 0);
    if (w > kWriterVersion || r > kReaderVersion) {
      return error::fatal(errc::log, file + ": the table needs reader version " +
                                         std::to_string(r) + " and writer version " +
                                         std::to_string(w) + "; this sink writes 1 and 2");
    }
  } else if (const Value* m = json_member(action, "metaData")) {
    auto cols = parse_schema_string(json_string(*m, "schemaString"));
    if (!cols.ok()) return error::fatal(errc::log, file + ": " + cols.err().message);
    schema_ = std::move(cols.value());
    table_id_ = json_string(*m, "id");
  } else if (const Value* x = json_member(action, "txn")) {
    txn_[json_string(*x, "appId")] = json_int(*x, "version", -1);
  } else if (const Value* a = json_member(action, "add")) {
    AddFile f{json_string(*a, "path"), json_int(*a, "size"), json_int(*a, "modificationTime"), 0,
              json_string(*a, "stats")};
    live_[f.path] = std::move(f);
  } else if (const Value* r = json_member(action, "remove")) {
    live_.erase(json_string(*r, "path"));
  }
  return {};
}

std::string DeltaLog::actions_of(const CommitSpec& c, int64_t version) const {
  const int64_t now = now_millis();
  std::string out =
      "{\"commitInfo\":{\"timestamp\":" + std::to_string(now) + ",\"operation\":\"" + c.operation +
      "\",\"operationParameters\":{},\"isBlindAppend\":" + (c.removes.empty() ? "true" : "false") +
      ",\"engineInfo\":\"sluice\"}}\n";
  if (version == 0) {
    out += "{\"protocol\":{\"minReaderVersion\":" + std::to_string(kReaderVersion) +
           ",\"minWriterVersion\":" + std::to_string(kWriterVersion) + "}}\n";
  }
  if (version == 0 || !same_schema(schema_, c.schema)) {
    out += "{\"metaData\":{\"id\":\"" + (table_id_.empty() ? new_table_id() : table_id_) +
           "\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":";
    json::encode_string(schema_string(c.schema), out);
    out += ",\"partitionColumns\":[],\"configuration\":{},\"createdTime\":" + std::to_string(now) +
           "}}\n";
  }
  if (c.txn_version >= 0) {
    out += "{\"txn\":{\"appId\":";
    json::encode_string(c.app_id, out);
    out += ",\"version\":" + std::to_string(c.txn_version) +
           ",\"lastUpdated\":" + std::to_string(now) + "}}\n";
  }
  for (const RemoveFile& r : c.removes) remove_action(r, now, out);
  for (const AddFile& a : c.adds) add_action(a, out);
  return out;
}

result<int64_t> DeltaLog::commit(const CommitSpec& c) {
  const int64_t version = version_ + 1;
  const std::string text = actions_of(c, version);
  if (auto p = store_->publish(commit_path(version), text); !p) return p.err();
  // Apply what was written, as a reader of the log would.
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (auto r = apply_line(text.substr(start, end - start), commit_path(version)); !r) {
      return r.err();
    }
    start = end + 1;
  }
  version_ = version;
  return version;
}

}  // namespace sluice::operators::delta
