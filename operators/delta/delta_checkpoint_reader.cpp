#include "operators/delta/delta_checkpoint_reader.h"

#include <algorithm>
#include <utility>

#include "base/json.h"
#include "operators/delta/delta_checkpoint_writer.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/parquet_nested_reader.h"

namespace sluice::operators::delta {

namespace {

constexpr size_t kCkptReadDigits = 20;
constexpr const char* kCkptReadInfix = ".checkpoint.";

// The version of a checkpoint's name (20 digits, ".checkpoint.", more); -1 for other names.
int64_t ckpt_read_version(const std::string& name) {
  const std::string infix = kCkptReadInfix;
  if (name.size() <= kCkptReadDigits + infix.size() ||
      name.compare(kCkptReadDigits, infix.size(), infix) != 0 ||
      !std::all_of(name.begin(), name.begin() + kCkptReadDigits,
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(name.substr(0, kCkptReadDigits));
}

bool ckpt_read_classic(const std::string& name) {
  return name.size() == kCkptReadDigits + 19 && name.ends_with(".checkpoint.parquet");
}

error ckpt_read_refused(const std::string& what) { return error::fatal(errc::log, what); }

}  // namespace

result<int64_t> DeltaCheckpointReader::choose(TableStore& store,
                                              const std::vector<std::string>& names) {
  int64_t classic = -1;
  std::string other;  // the newest checkpoint of another form
  int64_t other_version = -1;
  bool has_last = false;
  for (const std::string& name : names) {
    if (name == "_last_checkpoint") {
      has_last = true;
      continue;
    }
    const int64_t v = ckpt_read_version(name);
    if (v < 0) continue;
    if (ckpt_read_classic(name)) {
      classic = std::max(classic, v);
    } else if (v > other_version) {
      other_version = v;
      other = name;
    }
  }
  if (!has_last) return classic;
  auto last = last_checkpoint(store);
  if (!last.ok()) return last.err();
  // A form it does not read is no error when a classic checkpoint as new exists.
  if (!last->unreadable.empty() && last->version > classic) {
    return ckpt_read_refused(last->unreadable);
  }
  if (last->version > classic && last->version == other_version) {
    return ckpt_read_refused(store.location() + "/_delta_log/" + other +
                             ": a checkpoint in a form this sink does not read (multi-part or "
                             "v2); only classic single-file checkpoints are read");
  }
  return classic;
}

std::string DeltaCheckpointReader::unreadable_from(const std::vector<std::string>& names,
                                                   int64_t version) {
  for (const std::string& name : names) {
    if (ckpt_read_version(name) >= version && !ckpt_read_classic(name)) return name;
  }
  return {};
}

result<DeltaCheckpointReader::Last> DeltaCheckpointReader::last_checkpoint(TableStore& store) {
  const std::string file = store.location() + "/_delta_log/_last_checkpoint";
  auto text = store.read("_delta_log/_last_checkpoint");
  if (!text.ok()) return ckpt_read_refused("cannot read " + file + ": " + text.err().message);
  auto parsed = json::parse(text.value());
  Last last;
  last.version = parsed.ok() ? json_int(parsed.value(), "version", -1) : -1;
  if (last.version < 0) return ckpt_read_refused(file + ": not a last checkpoint (no version)");
  const std::string which = file + ": the checkpoint of version " + std::to_string(last.version);
  const int64_t parts = json_int(parsed.value(), "parts", 1);
  if (parts > 1) {
    last.unreadable = which + " is multi-part (" + std::to_string(parts) +
                      " parts): only classic single-file checkpoints are read";
  } else if (json_member(parsed.value(), "v2Checkpoint") != nullptr) {
    last.unreadable = which + " is a v2 checkpoint: not read by this sink";
  }
  return last;
}

result<void> DeltaCheckpointReader::read(TableStore& store, int64_t version,
                                         const std::function<result<void>(Value& action)>& apply) {
  const std::string rel = DeltaCheckpointWriter::checkpoint_path(version);
  const std::string file = store.location() + "/" + rel;
  auto bytes = store.read(rel);
  if (!bytes.ok()) return ckpt_read_refused("cannot read " + file + ": " + bytes.err().message);
  ParquetNestedReader reader;
  auto opened = reader.open(std::move(bytes.value()), file);
  if (!opened) return ckpt_read_refused("checkpoint " + opened.err().message);
  auto read = reader.read_rows([&](Object& row) { return apply_row(row, file, apply); });
  if (!read && read.err().code == make_error_code(errc::io)) {
    return ckpt_read_refused("checkpoint " + read.err().message);
  }
  return read;
}

result<void> DeltaCheckpointReader::apply_row(
    Object& row, const std::string& file, const std::function<result<void>(Value& action)>& apply) {
  for (Field& f : row.fields()) {
    if (f.value.is_null()) continue;
    const std::string name(sym_name(f.name));
    if (name == "checkpointMetadata" || name == "sidecar") {
      return ckpt_read_refused(file + ": a v2 checkpoint (it has a " + name +
                               " action): not read by this sink");
    }
    Object one;
    one.append(f.name, std::move(f.value));
    Value action = Value::object(std::move(one));
    if (auto r = apply(action); !r) return r;
  }
  return {};
}

}  // namespace sluice::operators::delta
