#include "operators/delta/s3_table_store.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "base/logger.h"
#include "operators/delta/delta_files.h"
#include "operators/delta/errc.h"

namespace sluice::operators::delta {

S3Location S3TableStore::object(const std::string& rel) const {
  return S3Location{at_.bucket, at_.key.empty() ? rel : at_.key + "/" + rel};
}

result<void> S3TableStore::prepare() {
  // What an earlier run staged and did not upload belongs to no commit.
  std::error_code ec;
  std::filesystem::remove_all(staging_, ec);
  if (auto d = make_dirs(staging_); !d) return d;
  auto supported = client_->conditional_put_supported(
      at_.bucket, object("_delta_log/.sluice-probe-" + std::to_string(::getpid())).key);
  if (!supported.ok()) return supported.err();
  if (!supported.value()) {
    log::warn("delta", url_ +
                           ": the store does not refuse a PUT of an existing key "
                           "(If-None-Match: *); a second writer of this table would "
                           "overwrite log versions: let one pipeline write it");
  }
  return {};
}

result<std::vector<std::string>> S3TableStore::list_log() {
  const std::string prefix = object("_delta_log/").key;
  auto keys = client_->list(at_.bucket, prefix);
  if (!keys.ok()) return keys.err();
  std::vector<std::string> out;
  for (const auto& [key, size] : keys.value()) {
    if (key.size() > prefix.size() && key.find('/', prefix.size()) == std::string::npos) {
      out.push_back(key.substr(prefix.size()));
    }
  }
  return out;
}

result<std::string> S3TableStore::read(const std::string& rel) { return client_->get(object(rel)); }

result<void> S3TableStore::publish(const std::string& rel, const std::string& bytes) {
  return client_->put_if_absent(object(rel), bytes);
}

result<void> S3TableStore::put(const std::string& rel, const std::string& bytes) {
  return client_->put(object(rel), bytes);
}

result<int64_t> S3TableStore::finish(const std::string& rel) {
  const std::string path = local_path(rel);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return error::fatal(errc::io, path + ": " + ec.message());
  // A transient failure (a timeout, a 503) is tried again before the caller gives up.
  result<void> put = client_->put_file(object(rel), path);
  for (int attempt = 1; !put && put.err().kind == failure_kind::transient && attempt < 4;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt * attempt));
    put = client_->put_file(object(rel), path);
  }
  if (!put) return put.err();
  ::unlink(path.c_str());
  return static_cast<int64_t>(size);
}

void S3TableStore::discard(const std::string& rel) { ::unlink(local_path(rel).c_str()); }

}  // namespace sluice::operators::delta
