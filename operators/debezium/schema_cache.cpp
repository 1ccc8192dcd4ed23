#include "operators/debezium/schema_cache.h"

#include <cstring>

#include "base/json.h"
#include "operators/debezium/errc.h"

namespace sluice::operators::debezium {

std::shared_ptr<const FieldSchema> SchemaCache::match_prefix(std::string_view text, size_t& len) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::string& t = entries_[i].text;
    if (t.size() <= text.size() && std::memcmp(t.data(), text.data(), t.size()) == 0) {
      if (i != 0) std::swap(entries_[0], entries_[i]);
      len = t.size();
      return entries_[0].schema;
    }
  }
  return nullptr;
}

result<std::shared_ptr<const FieldSchema>> SchemaCache::get(std::string_view text) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::string& t = entries_[i].text;
    if (t.size() == text.size() && std::memcmp(t.data(), text.data(), t.size()) == 0) {
      if (i != 0) std::swap(entries_[0], entries_[i]);
      return entries_[0].schema;
    }
  }
  auto parsed = json::parse(text);
  if (!parsed.ok()) return error::permanent(errc::schema, "schema: " + parsed.err().message);
  auto compiled = compile_schema(*parsed);
  if (!compiled.ok()) return compiled.err();
  auto s = std::make_shared<const FieldSchema>(std::move(compiled).value());
  if (entries_.size() >= capacity_) entries_.pop_back();
  entries_.insert(entries_.begin(), Entry{std::string(text), s});
  return s;
}

}  // namespace sluice::operators::debezium
