#include "operators/delta/delta_log.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "base/json.h"
#include "base/logger.h"
#include "operators/delta/delta_checkpoint_reader.h"
#include "operators/delta/delta_checkpoint_writer.h"
#include "operators/delta/delta_schema.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/local_table_store.h"

namespace sluice::operators::delta {
namespace {

constexpr int kReaderVersion = 1;
constexpr int kWriterVersion = 2;
constexpr int64_t kDeltaLogPruneEvery = 1000;  // commits between prunings of the tombstones

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

// The member `name` of an action when it is there and not null (a checkpoint row's actions
// are objects with every field, most of them null).
Value* delta_log_present(Value& v, const char* name) {
  if (v.type() != Type::Object) return nullptr;
  Value* m = v.as_object().find(intern(name));
  return m != nullptr && !m->is_null() ? m : nullptr;
}

bool delta_log_bool(const Value& v, const char* name, bool def) {
  const Value* m = json_member(v, name);
  return m != nullptr && m->type() == Type::Bool ? m->as_bool() : def;
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
  auto it = state_.txn.find(app_id);
  return it == state_.txn.end() ? -1 : it->second;
}

result<void> DeltaLog::load() {
  version_ = -1;
  schema_.clear();
  table_id_.clear();
  state_ = DeltaLogState{};
  loaded_checkpoint_ = -1;
  std::vector<int64_t> versions;
  auto names = store_->list_log();
  if (!names.ok()) return names.err();
  for (const std::string& name : names.value()) {
    int64_t v = version_of(name);
    if (v >= 0) versions.push_back(v);
  }
  auto start = DeltaCheckpointReader::choose(*store_, names.value());
  if (!start.ok()) return start.err();
  if (start.value() >= 0) {
    if (auto r = load_checkpoint(start.value()); !r) return r;
  }
  std::sort(versions.begin(), versions.end());
  for (int64_t v : versions) {
    if (v <= version_) continue;  // in the checkpoint
    if (v != version_ + 1) {
      std::string m = dir() + "/_delta_log: version " + std::to_string(version_ + 1) +
                      " is missing (found " + std::to_string(v) + ")";
      const std::string other = DeltaCheckpointReader::unreadable_from(names.value(), version_ + 1);
      if (!other.empty()) {
        m += "; it is in " + other +
             ", a checkpoint in a form this sink does not read "
             "(multi-part or v2)";
      }
      return error::fatal(errc::log, m);
    }
    if (auto r = apply_commit(v); !r) return r;
    version_ = v;
  }
  prune_tombstones();
  // A newer version only in a checkpoint it does not read: not a state to write on.
  if (const std::string other = DeltaCheckpointReader::unreadable_from(names.value(), version_ + 1);
      !other.empty()) {
    return error::fatal(errc::log, dir() + "/_delta_log/" + other + ": version " +
                                       std::to_string(version_ + 1) +
                                       " or later is in a checkpoint in a form this sink does "
                                       "not read (multi-part or v2)");
  }
  return {};
}

result<void> DeltaLog::load_checkpoint(int64_t version) {
  const std::string file = dir() + "/" + DeltaCheckpointWriter::checkpoint_path(version);
  auto read = DeltaCheckpointReader::read(
      *store_, version, [&](Value& action) { return apply_action(action, file); });
  if (!read) return read;
  if (state_.protocol.is_null() || state_.metadata.is_null()) {
    return error::fatal(errc::log, file + ": a checkpoint without its protocol or metaData");
  }
  version_ = version;
  loaded_checkpoint_ = version;
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
  return apply_action(parsed.value(), file);
}

result<void> DeltaLog::apply_action(Value& action, const std::string& file) {
  if (Value* p = delta_log_present(action, "protocol")) {
    const int64_t w = json_int(*p, "minWriterVersion", 0);
    const int64_t r = json_int(*p, "minReaderVersion", 0);
    if (w > kWriterVersion || r > kReaderVersion) {
      return error::fatal(errc::log, file + ": the table needs reader version " +
                                         std::to_string(r) + " and writer version " +
                                         std::to_string(w) + "; this sink writes 1 and 2");
    }
    state_.protocol = std::move(*p);
  } else if (Value* m = delta_log_present(action, "metaData")) {
    if (auto applied = apply_metadata(*m, file); !applied) return applied;
    state_.metadata = std::move(*m);
  } else if (const Value* x = delta_log_present(action, "txn")) {
    state_.txn[json_string(*x, "appId")] = json_int(*x, "version", -1);
  } else if (const Value* a = delta_log_present(action, "add")) {
    AddFile f{json_string(*a, "path"),          json_int(*a, "size"),
              json_int(*a, "modificationTime"), 0,
              json_string(*a, "stats"),         delta_log_bool(*a, "dataChange", true)};
    state_.tombstones.erase(f.path);
    state_.live[f.path] = std::move(f);
  } else if (const Value* rm = delta_log_present(action, "remove")) {
    std::string path = json_string(*rm, "path");
    state_.live.erase(path);
    state_.tombstones[path] =
        DeltaTombstone{json_int(*rm, "deletionTimestamp", 0), json_int(*rm, "size", -1),
                       delta_log_bool(*rm, "dataChange", true),
                       delta_log_bool(*rm, "extendedFileMetadata", false)};
  }
  return {};
}

result<void> DeltaLog::apply_metadata(const Value& m, const std::string& file) {
  auto cols = parse_schema_string(json_string(m, "schemaString"));
  if (!cols.ok()) return error::fatal(errc::log, file + ": " + cols.err().message);
  schema_ = std::move(cols.value());
  table_id_ = json_string(m, "id");
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
  // Expired tombstones go now and then, checkpoints or not (a scan of them all).
  if (version % kDeltaLogPruneEvery == 0) prune_tombstones();
  if (checkpoint_every_ > 0 && version > 0 && version % checkpoint_every_ == 0) {
    if (auto r = write_checkpoint(); !r) {
      log::warn("delta",
                dir() + ": the checkpoint of version " + std::to_string(version) +
                    " was not written (the table is correct without it): " + r.err().message);
    }
  }
  return version;
}

result<void> DeltaLog::write_checkpoint() {
  if (version_ < 0) return error::fatal(errc::log, dir() + ": no version to checkpoint");
  prune_tombstones();
  return DeltaCheckpointWriter::write(*store_, version_, state_, now_millis());
}

void DeltaLog::prune_tombstones() {
  const int64_t oldest = now_millis() - DeltaCheckpointWriter::kTombstoneRetentionMillis;
  std::erase_if(state_.tombstones,
                [&](const auto& t) { return t.second.deletion_timestamp < oldest; });
}

}  // namespace sluice::operators::delta
