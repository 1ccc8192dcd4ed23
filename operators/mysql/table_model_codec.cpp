// SchemaModel::encode / decode (table_model.h): one line of space-separated records, each of
// comma-separated fields with '%', ',', ' ' and control bytes written %XX:
//   sm1 s,<server charset> d,<db>,<charset> ... t,<db>,<table>,<charset>,<n keys>,<key>...,<n
//   columns> c,<name>,<data_type>,<column_type>,<charset>,<extra>,<has default>,<default>,
//   <nullable>,<json> ...   (each table's columns follow it)
#include <charconv>
#include <cstdio>

#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {
namespace {

constexpr const char* kModelCodecMagic = "sm1";

void codec_field(std::string& out, const std::string& s) {
  out.push_back(',');
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '%' || ch == ',' || u <= 0x20 || u == 0x7f) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
}

std::string codec_bool(bool b) { return b ? "1" : "0"; }

int codec_hex(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

// The fields of one record, decoded; nullopt when an escape is broken.
std::optional<std::vector<std::string>> codec_split(const std::string& record) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < record.size(); ++i) {
    const char ch = record[i];
    if (ch == ',') {
      out.emplace_back();
    } else if (ch == '%') {
      const int hi = i + 2 < record.size() ? codec_hex(record[i + 1]) : -1;
      const int lo = hi >= 0 ? codec_hex(record[i + 2]) : -1;
      if (lo < 0) return std::nullopt;
      out.back().push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.back().push_back(ch);
    }
  }
  return out;
}

std::optional<size_t> codec_count(const std::string& s) {
  size_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n > 100000) return std::nullopt;
  return n;
}

std::optional<bool> codec_flag(const std::string& s) {
  if (s == "0" || s == "1") return s == "1";
  return std::nullopt;
}

// "c" fields -> a column.
result<InfoColumn> codec_column(const std::vector<std::string>& f) {
  if (f.size() != 10) return error::permanent("schema model: bad column record");
  auto has_default = codec_flag(f[6]), nullable = codec_flag(f[8]), json = codec_flag(f[9]);
  if (!has_default || !nullable || !json) return error::permanent("schema model: bad flag");
  InfoColumn c;
  c.name = f[1];
  c.data_type = f[2];
  c.column_type = f[3];
  c.charset = f[4];
  c.extra = f[5];
  c.has_default = *has_default;
  c.default_text = f[7];
  c.nullable = *nullable;
  c.is_json = *json;
  return c;
}

// "t" fields -> the table (without its columns) and how many columns follow.
result<std::pair<TableModel, size_t>> codec_table(const std::vector<std::string>& f) {
  auto keys = f.size() >= 6 ? codec_count(f[4]) : std::nullopt;
  if (!keys || f.size() != 6 + *keys) return error::permanent("schema model: bad table record");
  auto columns = codec_count(f.back());
  if (!columns) return error::permanent("schema model: bad column count");
  TableModel t;
  t.charset = f[3];
  t.primary_key.assign(f.begin() + 5, f.begin() + 5 + static_cast<long>(*keys));
  return std::make_pair(std::move(t), *columns);
}

}  // namespace

std::string SchemaModel::encode() const {
  std::string out = kModelCodecMagic;
  out += " s";
  codec_field(out, server_charset_);
  for (const auto& [db, charset] : databases_) {
    out += " d";
    codec_field(out, db);
    codec_field(out, charset);
  }
  for (const auto& [key, t] : tables_) {
    out += " t";
    codec_field(out, key.first);
    codec_field(out, key.second);
    codec_field(out, t.charset);
    codec_field(out, std::to_string(t.primary_key.size()));
    for (const auto& k : t.primary_key) codec_field(out, k);
    codec_field(out, std::to_string(t.columns.size()));
    for (const auto& c : t.columns) {
      out += " c";
      for (const std::string* s : {&c.name, &c.data_type, &c.column_type, &c.charset, &c.extra}) {
        codec_field(out, *s);
      }
      codec_field(out, codec_bool(c.has_default));
      codec_field(out, c.default_text);
      codec_field(out, codec_bool(c.nullable));
      codec_field(out, codec_bool(c.is_json));
    }
  }
  return out;
}

result<SchemaModel> SchemaModel::decode(const std::string& text) {
  SchemaModel m;
  size_t pos = text.find(' ');
  if (text.substr(0, pos) != kModelCodecMagic) return error::permanent("schema model: not one");
  TableModel* open = nullptr;  // the table whose columns are being read
  size_t missing = 0;          // its columns still to come
  while (pos != std::string::npos) {
    const size_t end = text.find(' ', pos + 1);
    auto f = codec_split(text.substr(pos + 1, end == std::string::npos ? end : end - pos - 1));
    pos = end;
    if (!f) return error::permanent("schema model: bad escape");
    const std::string& kind = (*f)[0];
    if (kind == "c" && missing > 0) {
      auto c = codec_column(*f);
      if (!c.ok()) return c.err();
      open->columns.push_back(std::move(c).value());
      --missing;
    } else if (missing > 0) {
      return error::permanent("schema model: a table's columns are missing");
    } else if (kind == "s" && f->size() == 2) {
      m.server_charset_ = (*f)[1];
    } else if (kind == "d" && f->size() == 3) {
      m.databases_[(*f)[1]] = (*f)[2];
    } else if (kind == "t") {
      auto t = codec_table(*f);
      if (!t.ok()) return t.err();
      open = &(m.tables_[{(*f)[1], (*f)[2]}] = std::move(t->first));
      missing = t->second;
    } else {
      return error::permanent("schema model: unknown record '" + kind + "'");
    }
  }
  if (missing > 0) return error::permanent("schema model: a table's columns are missing");
  return m;
}

}  // namespace sluice::operators::mysql
