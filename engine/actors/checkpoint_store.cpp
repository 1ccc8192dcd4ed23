#include "engine/actors/checkpoint_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "base/json.h"
#include "base/utf8.h"
#include "engine/core/errc.h"

namespace sluice::engine {
namespace {

// A minimal reader for the checkpoint format: objects, arrays, strings, integers.
class Reader {
 public:
  explicit Reader(const std::string& t) : t_(t) {}
  void ws() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  bool eat(char c) {
    ws();
    if (i_ < t_.size() && t_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    ws();
    return i_ < t_.size() && t_[i_] == c;
  }
  bool string(std::string& s) {
    if (!eat('"')) return false;
    s.clear();
    while (i_ < t_.size() && t_[i_] != '"') {
      char c = t_[i_++];
      if (c != '\\') {
        s += c;
        continue;
      }
      if (i_ >= t_.size()) return false;
      char e = t_[i_++];
      switch (e) {
        case 'n':
          s += '\n';
          break;
        case 'r':
          s += '\r';
          break;
        case 't':
          s += '\t';
          break;
        case 'b':
          s += '\b';
          break;
        case 'f':
          s += '\f';
          break;
        case 'u': {
          unsigned cp = 0;
          const char* h = t_.data() + i_;
          if (i_ + 4 > t_.size() || std::from_chars(h, h + 4, cp, 16).ptr != h + 4) return false;
          i_ += 4;
          append_utf8(s, cp);
          break;
        }
        default:
          s += e;
      }
    }
    return eat('"');
  }
  bool integer(int64_t& v) {
    ws();
    size_t start = i_;
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    auto [end, ec] = std::from_chars(t_.data() + start, t_.data() + i_, v);
    return ec == std::errc() && end == t_.data() + i_;  // not "-", nor beyond int64
  }
  // Skips any JSON value (forward compatibility).
  bool skip() {
    ws();
    if (peek('"')) {
      std::string s;
      return string(s);
    }
    if (eat('{')) {
      if (eat('}')) return true;
      do {
        std::string k;
        if (!string(k) || !eat(':') || !skip()) return false;
      } while (eat(','));
      return eat('}');
    }
    if (eat('[')) {
      if (eat(']')) return true;
      do {
        if (!skip()) return false;
      } while (eat(','));
      return eat(']');
    }
    while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '-' ||
                              t_[i_] == '.' || t_[i_] == '+')) {
      ++i_;
    }
    return true;
  }
  size_t pos() const { return i_; }

 private:
  const std::string& t_;
  size_t i_ = 0;
};

result<void> fsync_path(const std::string& p, int flags) {
  int fd = ::open(p.c_str(), flags);
  if (fd < 0)
    return error::fatal(errc::checkpoint_failed, "cannot open " + p + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    return error::fatal(errc::checkpoint_failed, "fsync " + p + ": " + std::strerror(errno));
  return {};
}

std::mutex& backend_mu() {
  static std::mutex mu;
  return mu;
}
std::shared_ptr<CheckpointBackend>& backend_slot() {
  static std::shared_ptr<CheckpointBackend> b;
  return b;
}

}  // namespace

void CheckpointStore::set_backend(std::shared_ptr<CheckpointBackend> backend) {
  std::lock_guard<std::mutex> lock(backend_mu());
  backend_slot() = std::move(backend);
}

std::shared_ptr<CheckpointBackend> CheckpointStore::backend() {
  std::lock_guard<std::mutex> lock(backend_mu());
  return backend_slot();
}

std::string Checkpoint::state_of(const std::string& stage, int instance) const {
  if (auto it = sources.find(stage); it != sources.end() && instance == 0) return it->second;
  auto it = stages.find(stage);
  if (it == stages.end() || instance < 0 || static_cast<size_t>(instance) >= it->second.size()) {
    return "";
  }
  return it->second[instance];
}

std::vector<std::string> Checkpoint::states_of(const std::string& stage) const {
  std::vector<std::string> out;
  if (auto it = stages.find(stage); it != stages.end()) out = it->second;
  if (auto it = sources.find(stage); it != sources.end()) {
    if (out.empty()) out.resize(1);
    out[0] = it->second;
  }
  return out;
}

std::string CheckpointStore::encode(const std::string& pipeline, const Checkpoint& cp) {
  std::string out = "{\"version\":1,\"pipeline\":";
  json::encode_string(pipeline, out);
  out += ",\"checkpoint\":" + std::to_string(cp.id);
  out += ",\"written_at\":" + std::to_string(cp.written_at);
  out += ",\"sources\":{";
  bool first = true;
  for (const auto& [name, st] : cp.sources) {
    if (!first) out += ',';
    first = false;
    json::encode_string(name, out);
    out += ':';
    json::encode_string(st, out);
  }
  out += "},\"stages\":{";
  first = true;
  for (const auto& [name, states] : cp.stages) {
    if (!first) out += ',';
    first = false;
    json::encode_string(name, out);
    out += ":[";
    for (size_t i = 0; i < states.size(); ++i) {
      if (i) out += ',';
      json::encode_string(states[i], out);
    }
    out += ']';
  }
  out += "}}\n";
  return out;
}

result<Checkpoint> CheckpointStore::decode(const std::string& text) {
  Reader r(text);
  Checkpoint cp;
  auto bad = [&]() {
    return error::fatal(errc::checkpoint_failed,
                        "malformed checkpoint file near byte " + std::to_string(r.pos()));
  };
  if (!r.eat('{')) return bad();
  if (r.eat('}')) return cp;
  do {
    std::string key;
    if (!r.string(key) || !r.eat(':')) return bad();
    if (key == "checkpoint") {
      int64_t v = 0;
      if (!r.integer(v) || v < 0) return bad();
      cp.id = static_cast<uint64_t>(v);
    } else if (key == "written_at") {
      if (!r.integer(cp.written_at)) return bad();
    } else if (key == "sources") {
      if (!r.eat('{')) return bad();
      if (!r.eat('}')) {
        do {
          std::string name, st;
          if (!r.string(name) || !r.eat(':') || !r.string(st)) return bad();
          cp.sources[name] = st;
        } while (r.eat(','));
        if (!r.eat('}')) return bad();
      }
    } else if (key == "stages") {
      if (!r.eat('{')) return bad();
      if (!r.eat('}')) {
        do {
          std::string name;
          if (!r.string(name) || !r.eat(':') || !r.eat('[')) return bad();
          auto& v = cp.stages[name];
          if (!r.eat(']')) {
            do {
              std::string st;
              if (!r.string(st)) return bad();
              v.push_back(std::move(st));
            } while (r.eat(','));
            if (!r.eat(']')) return bad();
          }
        } while (r.eat(','));
        if (!r.eat('}')) return bad();
      }
    } else if (!r.skip()) {
      return bad();
    }
  } while (r.eat(','));
  if (!r.eat('}')) return bad();
  return cp;
}

result<std::optional<Checkpoint>> CheckpointStore::load() const {
  if (auto b = backend()) {
    auto text = b->load(dir_);
    if (!text.ok()) return text.err();
    if (!text->has_value()) return std::optional<Checkpoint>{};
    auto cp = decode(**text);
    if (!cp.ok())
      return error::fatal(errc::checkpoint_failed,
                          "checkpoint of " + dir_ + ": " + cp.err().message);
    return std::optional<Checkpoint>(std::move(cp).value());
  }
  std::ifstream in(path(), std::ios::binary);
  if (!in) return std::optional<Checkpoint>{};
  std::stringstream ss;
  ss << in.rdbuf();
  auto cp = decode(ss.str());
  if (!cp.ok()) return error::fatal(errc::checkpoint_failed, path() + ": " + cp.err().message);
  return std::optional<Checkpoint>(std::move(cp).value());
}

result<void> CheckpointStore::save(const std::string& pipeline, const Checkpoint& cp) const {
  if (auto b = backend()) return b->save(dir_, pipeline, encode(pipeline, cp));
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    return error::fatal(errc::checkpoint_failed,
                        "cannot create state directory " + dir_ + ": " + ec.message());
  const std::string tmp = path() + ".tmp";
  const std::string text = encode(pipeline, cp);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return error::fatal(errc::checkpoint_failed,
                        "cannot write " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return error::fatal(errc::checkpoint_failed, "write " + tmp + ": " + std::strerror(e));
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return error::fatal(errc::checkpoint_failed, "fsync " + tmp + ": " + std::strerror(e));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path().c_str()) != 0) {
    return error::fatal(errc::checkpoint_failed, "rename " + tmp + ": " + std::strerror(errno));
  }
  return fsync_path(dir_, O_RDONLY | O_DIRECTORY);
}

}  // namespace sluice::engine
