#include "operators/common/state/checkpoint_shipper.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace sluice::operators::state {
namespace {

result<std::string> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return error::fatal("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

result<void> write_all(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return error::fatal("cannot write " + p.string());
  return {};
}

// "<local> <remote>" lines.
std::map<std::string, std::string> parse_list(const std::string& text) {
  std::map<std::string, std::string> m;
  std::istringstream in(text);
  std::string local, remote;
  while (in >> local >> remote) m[local] = remote;
  return m;
}

uint64_t checkpoint_id(const std::string& name) {
  return name.rfind("ckpt-", 0) == 0 ? std::strtoull(name.c_str() + 5, nullptr, 10) : 0;
}

}  // namespace

result<void> CheckpointShipper::ship(const std::string& dir, const std::string& name) {
  std::string list;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string file = e.path().filename().string();
    if (file == kListName) continue;
    const bool table = e.path().extension() == ".sst";
    std::string remote;
    if (table) {
      auto it = shipped_.find(file);
      remote = it != shipped_.end() ? it->second : base_ + "/sst/" + tag_ + "-" + file;
    } else {
      remote = base_ + "/" + name + "/" + file;
    }
    if (!table || shipped_.count(file) == 0) {
      auto bytes = read_all(e.path());
      if (!bytes.ok()) return bytes.err();
      auto r = files_->put(remote, *bytes);
      if (!r.ok()) return r.err();
      if (table) shipped_[file] = remote;
    }
    list += file + " " + remote + "\n";
  }
  if (ec) return error::fatal("cannot list " + dir + ": " + ec.message());
  auto w = write_all(fs::path(dir) / kListName, list);
  if (!w.ok()) return w;
  return files_->put(base_ + "/" + name + "/" + kListName, list);
}

result<void> CheckpointShipper::fetch(const std::string& dir, const std::string& name) {
  auto list = files_->get(base_ + "/" + name + "/" + kListName);
  if (!list.ok()) return list.err();
  if (!*list)
    return error::fatal("the state checkpoint " + base_ + "/" + name +
                        " is not in the shared state store");
  const std::string tmp = dir + ".part";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return error::fatal("cannot create " + tmp + ": " + ec.message());
  for (const auto& [local, remote] : parse_list(**list)) {
    auto bytes = files_->get(remote);
    if (!bytes.ok()) return bytes.err();
    if (!*bytes)
      return error::fatal("the state file " + remote + " is missing from the shared state store");
    auto w = write_all(fs::path(tmp) / local, **bytes);
    if (!w.ok()) return w;
  }
  auto w = write_all(fs::path(tmp) / kListName, **list);
  if (!w.ok()) return w;
  fs::rename(tmp, dir, ec);
  if (ec) return error::fatal("cannot move " + tmp + " to " + dir + ": " + ec.message());
  return {};
}

void CheckpointShipper::adopt(const std::string& dir) {
  auto text = read_all(fs::path(dir) / kListName);
  if (!text.ok()) return;
  for (const auto& [local, remote] : parse_list(*text)) {
    if (fs::path(local).extension() == ".sst") shipped_[local] = remote;
  }
}

void CheckpointShipper::collect(const std::string& store_dir, uint64_t keep_id) {
  std::set<std::string> referenced;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(store_dir, ec)) {
    if (checkpoint_id(e.path().filename().string()) == 0) continue;
    auto text = read_all(e.path() / kListName);
    if (!text.ok()) continue;
    for (const auto& kv : parse_list(*text)) referenced.insert(kv.second);
  }
  auto names = files_->list(base_ + "/");
  if (!names.ok()) return;  // tried again at the next checkpoint
  std::vector<std::string> gone;
  const std::string sst = base_ + "/sst/";
  for (const std::string& n : *names) {
    if (n.rfind(sst, 0) == 0) {
      if (referenced.count(n) == 0) gone.push_back(n);
      continue;
    }
    const std::string rest = n.substr(base_.size() + 1);
    const uint64_t id = checkpoint_id(rest.substr(0, rest.find('/')));
    if (id != 0 && id < keep_id) gone.push_back(n);
  }
  // Table files of the working copy's own shipped set stay known only while referenced.
  for (auto it = shipped_.begin(); it != shipped_.end();) {
    it = referenced.count(it->second) == 0 ? shipped_.erase(it) : std::next(it);
  }
  if (!gone.empty()) (void)files_->remove(gone);
}

}  // namespace sluice::operators::state
