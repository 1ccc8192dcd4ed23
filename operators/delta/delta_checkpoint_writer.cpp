#include "operators/delta/delta_checkpoint_writer.h"

#include <cstdio>

#include "operators/delta/delta_checkpoint_schema.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/parquet_nested_writer.h"

namespace sluice::operators::delta {

namespace {

// A member of a JSON object as a Value of the checkpoint's column type, Null when absent or
// of another type.
Value ckpt_write_int(const Value& obj, const char* name) {
  const Value* m = json_member(obj, name);
  if (m == nullptr || (m->type() != Type::Int && m->type() != Type::UInt)) return {};
  return Value::int64(json_int(obj, name));
}

Value ckpt_write_string(const Value& obj, const char* name) {
  const Value* m = json_member(obj, name);
  return m != nullptr && m->type() == Type::String ? *m : Value();
}

// A map<string,string> member: its entries (values other than strings as their JSON text);
// an empty map when absent.
Value ckpt_write_string_map(const Value& obj, const char* name) {
  const Value* m = json_member(obj, name);
  Object out;
  if (m != nullptr && m->type() == Type::Object) {
    for (const Field& f : m->as_object().fields()) {
      if (f.value.is_null() || f.value.type() == Type::String) {
        out.append(f.name, f.value);
      } else {
        out.append(f.name, Value::string(f.value.to_display()));
      }
    }
  }
  return Value::object(std::move(out));
}

void ckpt_write_set(Object& o, const char* name, Value v) { o.append(intern(name), std::move(v)); }

std::vector<Value> ckpt_write_row(size_t column, Value action) {
  std::vector<Value> row(kCheckpointColumns);
  row[column] = std::move(action);
  return row;
}

std::string ckpt_write_last(int64_t version, size_t rows, size_t bytes, size_t adds) {
  return "{\"version\":" + std::to_string(version) + ",\"size\":" + std::to_string(rows) +
         ",\"sizeInBytes\":" + std::to_string(bytes) +
         ",\"numOfAddFiles\":" + std::to_string(adds) + "}";
}

}  // namespace

std::string DeltaCheckpointWriter::checkpoint_path(int64_t version) {
  char name[48];
  std::snprintf(name, sizeof name, "%020lld.checkpoint.parquet", static_cast<long long>(version));
  return std::string("_delta_log/") + name;
}

result<void> DeltaCheckpointWriter::write(TableStore& store, int64_t version,
                                          const DeltaLogState& state, int64_t now) {
  auto all = rows(state, now);
  if (!all.ok()) return all.err();
  ParquetNestedWriter writer(delta_checkpoint_schema());
  for (const auto& row : all.value()) {
    if (auto r = writer.append(row); !r) return r;
  }
  auto bytes = writer.finish();
  if (!bytes.ok()) return bytes.err();
  const std::string path = checkpoint_path(version);
  if (auto p = store.publish(path, bytes.value()); !p) {
    // Written before (a retry, another writer): a checkpoint of a version is always the same.
    if (p.err().message.find("exists") == std::string::npos) return p;
  }
  return store.put("_delta_log/_last_checkpoint",
                   ckpt_write_last(version, all->size(), bytes->size(), state.live.size()));
}

result<std::vector<std::vector<Value>>> DeltaCheckpointWriter::rows(const DeltaLogState& state,
                                                                    int64_t now) {
  auto protocol = protocol_row(state.protocol);
  if (!protocol.ok()) return protocol.err();
  auto metadata = metadata_row(state.metadata);
  if (!metadata.ok()) return metadata.err();
  std::vector<std::vector<Value>> out;
  out.reserve(2 + state.txn.size() + state.live.size() + state.tombstones.size());
  out.push_back(ckpt_write_row(kCheckpointProtocol, std::move(protocol.value())));
  out.push_back(ckpt_write_row(kCheckpointMetaData, std::move(metadata.value())));
  for (const auto& [app, version] : state.txn) {
    Object t;
    ckpt_write_set(t, "appId", Value::string(app));
    ckpt_write_set(t, "version", Value::int64(version));
    out.push_back(ckpt_write_row(kCheckpointTxn, Value::object(std::move(t))));
  }
  for (const auto& [path, a] : state.live)
    out.push_back(ckpt_write_row(kCheckpointAdd, add_row(a)));
  for (const auto& [path, t] : state.tombstones) {
    if (t.deletion_timestamp + kTombstoneRetentionMillis < now) continue;  // expired
    out.push_back(ckpt_write_row(kCheckpointRemove, remove_row(path, t)));
  }
  return out;
}

result<Value> DeltaCheckpointWriter::protocol_row(const Value& p) {
  Value reader = ckpt_write_int(p, "minReaderVersion");
  Value writer = ckpt_write_int(p, "minWriterVersion");
  if (reader.is_null() || writer.is_null()) {
    return error::fatal(errc::log, "the table has no protocol action to checkpoint");
  }
  Object o;
  ckpt_write_set(o, "minReaderVersion", std::move(reader));
  ckpt_write_set(o, "minWriterVersion", std::move(writer));
  return Value::object(std::move(o));
}

result<Value> DeltaCheckpointWriter::metadata_row(const Value& m) {
  if (m.type() != Type::Object) {
    return error::fatal(errc::log, "the table has no metaData action to checkpoint");
  }
  List partitions;
  if (const Value* p = json_member(m, "partitionColumns");
      p != nullptr && p->type() == Type::List) {
    partitions = p->as_list();
  }
  if (!partitions.empty()) {
    // Its files' partitionValues are not kept by this log (sink delta writes no partitions).
    return error::fatal(errc::log, "a partitioned table is not checkpointed by this sink");
  }
  const Value* format = json_member(m, "format");
  Object f;
  ckpt_write_set(f, "provider",
                 format != nullptr ? ckpt_write_string(*format, "provider") : Value());
  ckpt_write_set(
      f, "options",
      format != nullptr ? ckpt_write_string_map(*format, "options") : Value::object(Object()));
  Object o;
  for (const char* name : {"id", "name", "description"}) {
    ckpt_write_set(o, name, ckpt_write_string(m, name));
  }
  ckpt_write_set(o, "format", Value::object(std::move(f)));
  ckpt_write_set(o, "schemaString", ckpt_write_string(m, "schemaString"));
  ckpt_write_set(o, "partitionColumns", Value::list(List()));
  ckpt_write_set(o, "createdTime", ckpt_write_int(m, "createdTime"));
  ckpt_write_set(o, "configuration", ckpt_write_string_map(m, "configuration"));
  return Value::object(std::move(o));
}

Value DeltaCheckpointWriter::add_row(const AddFile& a) {
  Object o;
  ckpt_write_set(o, "path", Value::string(a.path));
  ckpt_write_set(o, "partitionValues", Value::object(Object()));
  ckpt_write_set(o, "size", Value::int64(a.size));
  ckpt_write_set(o, "modificationTime", Value::int64(a.modification_time));
  ckpt_write_set(o, "dataChange", Value::boolean(a.data_change));
  ckpt_write_set(o, "stats", a.stats.empty() ? Value() : Value::string(a.stats));
  return Value::object(std::move(o));
}

Value DeltaCheckpointWriter::remove_row(const std::string& path, const DeltaTombstone& t) {
  Object o;
  ckpt_write_set(o, "path", Value::string(path));
  ckpt_write_set(o, "deletionTimestamp", Value::int64(t.deletion_timestamp));
  ckpt_write_set(o, "dataChange", Value::boolean(t.data_change));
  ckpt_write_set(o, "extendedFileMetadata", Value::boolean(t.extended));
  // This log's tables are not partitioned: an extended remove's partitionValues are empty.
  ckpt_write_set(o, "partitionValues", t.extended ? Value::object(Object()) : Value());
  ckpt_write_set(o, "size", t.size >= 0 ? Value::int64(t.size) : Value());
  return Value::object(std::move(o));
}

}  // namespace sluice::operators::delta
