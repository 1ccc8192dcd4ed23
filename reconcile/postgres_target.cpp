#include "reconcile/postgres_target.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "operators/postgres/copy_encoder.h"
#include "operators/postgres/table_catalog.h"
#include "operators/postgres/type_map.h"
#include "reconcile/errc.h"
#include "reconcile/postgres_canonical.h"

namespace sluice::reconcile {
namespace {

namespace pg = operators::postgres;

std::string type_of(const operators::mysql::ColumnSchema& c) {
  return c.is_json ? "json" : c.data_type;
}

// The columns the sink adds with metadata_columns / soft deletes: not compared.
bool metadata_column(const std::string& n) {
  return n == "cdc_operation" || n == "cdc_timestamp" || n == "cdc_position" || n == "cdc_deleted";
}

bool integer_type(const std::string& t) {
  return t == "bigint" || t == "integer" || t == "smallint";
}

// A key read from PostgreSQL as the value the sink deletes by.
Value key_value_of(const std::string& type, const std::string& text) {
  if (integer_type(type)) {
    try {
      return Value::int64(std::stoll(text));
    } catch (const std::exception&) {
      return Value::string(text);
    }
  }
  return Value::string(text);
}

}  // namespace

struct PostgresTarget::Session {
  explicit Session(const std::string& url) : conn(url), tx(conn) {}
  pqxx::connection conn;
  pqxx::nontransaction tx;
};

PostgresTarget::PostgresTarget(std::string url, pg::QualifiedName table)
    : url_(std::move(url)), table_(std::move(table)) {}

PostgresTarget::~PostgresTarget() = default;

result<void> PostgresTarget::connect() {
  if (session_) return {};
  try {
    session_ = std::make_unique<Session>(url_);
    session_->tx.exec("SET TIME ZONE 'UTC'");
    session_->tx.exec("SET bytea_output = 'hex'");
  } catch (const std::exception& e) {
    session_.reset();
    return error::permanent(errc::connect, "PostgreSQL " + name() + ": " + e.what());
  }
  return {};
}

result<void> PostgresTarget::begin(const RowLayout& layout) {
  std::string cols;
  types_.clear();
  names_.clear();
  documents_ = layout.documents;
  key_columns_ = layout.key_columns;
  key_ = "";
  if (documents_) return read_columns();
  if (auto c = connect(); !c) return c;
  auto table = target_columns();
  if (!table.ok()) return table.err();
  // The column the sink writes a source column to (MySQL's names ignore case: `CustomerName`
  // goes to a table's `customername`), or null when the table has none.
  auto column_of = [&](const std::string& name) -> const TargetColumn* {
    const std::string n = pg::matching_column(
        *table, [](const TargetColumn& c) -> const std::string& { return c.name; },
        pg::pg_identifier(name), [](const std::string&) { return false; });
    for (const auto& c : *table) {
      if (c.name == n) return &c;
    }
    return nullptr;
  };
  uncompared_.assign(layout.columns.size(), false);
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    const TargetColumn* c = column_of(layout.columns[i]->name);
    const std::string column = c ? c->name : pg::pg_identifier(layout.columns[i]->name);
    // A column PostgreSQL generates is not written by the sink: NULL on both sides.
    uncompared_[i] = i >= layout.key_columns && c && c->generated;
    cols += (i ? ", " : "") + (uncompared_[i] ? std::string("NULL") : pg::quote_ident(column));
    // JSON kept in a text column, written into a json or jsonb one: compared as JSON.
    types_.push_back(c && c->json ? "json" : type_of(*layout.columns[i]));
    if (i == 0 && layout.chunked) key_ = pg::quote_ident(column);
  }
  select_ = "SELECT " + cols + " FROM " + table_.quoted();
  return {};
}

result<std::vector<PostgresTarget::TargetColumn>> PostgresTarget::target_columns() {
  std::vector<TargetColumn> columns;
  try {
    auto r = session_->tx.exec(
        std::string("SELECT a.attname, ") + pg::kGeneratedAttribute +
        ", a.atttypid IN ('json'::regtype, 'jsonb'::regtype) FROM pg_attribute a WHERE "
        "a.attrelid = to_regclass(" +
        session_->tx.quote(table_.quoted()) + ") AND a.attnum > 0 AND NOT a.attisdropped");
    for (const auto& row : r) {
      columns.push_back({row[0].c_str(), row[1].as<bool>(), row[2].as<bool>()});
    }
  } catch (const std::exception& e) {
    return error::permanent(errc::compare, "PostgreSQL " + name() + ": " + e.what());
  }
  return columns;
}

result<void> PostgresTarget::read_columns() {
  if (auto c = connect(); !c) return c;
  key_columns_ = 1;
  names_ = {"_id"};
  types_ = {"text"};
  select_.clear();
  try {
    auto r = session_->tx.exec(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass(" +
        session_->tx.quote(table_.quoted()) +
        ") AND a.attnum > 0 AND NOT a.attisdropped "
        // Generated columns are PostgreSQL's, never written by the sink: not compared.
        "AND NOT (" +
        std::string(pg::kGeneratedAttribute) + ") ORDER BY a.attnum");
    std::vector<std::pair<std::string, std::string>> cols;
    bool has_id = false;
    for (const auto& row : r) {
      std::string n = row[0].c_str(), t = row[1].c_str();
      if (n == "_id") {
        types_[0] = t;
        has_id = true;
      } else if (!metadata_column(n)) {
        cols.emplace_back(std::move(n), std::move(t));
      }
    }
    if (r.empty()) return {};  // no table yet: every document is missing
    if (!has_id) {
      return error::permanent(errc::compare,
                              "PostgreSQL " + name() + ": the table has no _id column");
    }
    for (auto& [n, t] : cols) {
      names_.push_back(std::move(n));
      types_.push_back(std::move(t));
    }
  } catch (const std::exception& e) {
    return error::permanent(errc::compare, "PostgreSQL " + name() + ": " + e.what());
  }
  std::string list;
  for (size_t i = 0; i < names_.size(); ++i) list += (i ? ", " : "") + pg::quote_ident(names_[i]);
  select_ = "SELECT " + list + " FROM " + table_.quoted();
  return {};
}

std::string PostgresTarget::cell(size_t i, const char* text) const {
  return documents_ ? postgres_column_canonical(types_[i], text)
                    : postgres_canonical(types_[i], text, true);
}

result<RowDigest> PostgresTarget::source_document(const Object& row) {
  std::vector<std::string> cells(names_.size(), std::string(kNullCell));
  // A field's column is its name as the sink makes it (pg_identifier: 63 bytes at most).
  for (const Field& f : row.fields()) {
    const std::string& n = sym_name(f.name);
    auto at = std::find(names_.begin(), names_.end(), pg::pg_identifier(n));
    if (at == names_.end()) {
      if (!f.value.is_null()) cells.push_back(unknown_field_cell(n, f.value));
    } else if (!f.value.is_null()) {
      size_t i = static_cast<size_t>(at - names_.begin());
      cells[i] =
          postgres_column_canonical(types_[i], pg::pg_text(f.value, pg::col_kind_for(types_[i])));
    }
  }
  RowDigest d = digest_row(cells, 1);
  d.key_text = {cells[0]};
  return d;
}

result<RowDigest> PostgresTarget::source_row(const operators::mysql::SqlRow& row) {
  std::vector<std::string> cells(types_.size());
  for (size_t i = 0; i < types_.size() && i < row.size(); ++i) {
    cells[i] = row[i] && !uncompared_[i] ? postgres_canonical(types_[i], *row[i], false)
                                         : std::string(kNullCell);
  }
  return digest_row(cells, key_columns_);
}

std::string PostgresTarget::range_query(const KeyRange& range) const {
  std::string where;
  if (!key_.empty() && !range.lo.empty()) where += key_ + " > " + range.lo;
  if (!key_.empty() && !range.hi.empty())
    where += (where.empty() ? "" : " AND ") + key_ + " <= " + range.hi;
  return where.empty() ? select_ : select_ + " WHERE " + where;
}

result<void> PostgresTarget::rows(const KeyRange& range,
                                  const std::function<void(RowDigest&&)>& each) {
  if (select_.empty()) return {};  // documents: no table yet
  try {
    pqxx::result res = session_->tx.exec(range_query(range));
    std::vector<std::string> cells(types_.size());
    for (const auto& row : res) {
      for (size_t i = 0; i < types_.size(); ++i) {
        const auto f = row[static_cast<int>(i)];
        cells[i] = f.is_null() ? std::string(kNullCell) : cell(i, f.c_str());
      }
      RowDigest d = digest_row(cells, key_columns_);
      if (documents_ && !row[0].is_null()) {
        d.key_text = {cells[0]};
        d.key_value = key_value_of(types_[0], row[0].c_str());
      }
      each(std::move(d));
    }
  } catch (const std::exception& e) {
    return error::permanent(errc::compare, "PostgreSQL " + name() + ": " + e.what());
  }
  return {};
}

result<void> PostgresTarget::carry_over(const std::string& repair_pipeline, const std::string& sink,
                                        engine::Checkpoint& cp) {
  if (auto c = connect(); !c) return error::permanent(errc::repair, c.err().message);
  try {
    auto& tx = session_->tx;
    auto exists = tx.exec("SELECT to_regclass('public.sluice_checkpoints') IS NOT NULL");
    if (!exists[0][0].as<bool>()) return {};
    auto r = tx.exec("SELECT seq FROM public.sluice_checkpoints WHERE pipeline = " +
                     tx.quote(repair_pipeline) + " AND stage = " + tx.quote(sink));
    if (!r.empty() && !r[0][0].is_null())
      cp.stages[sink] = {"{\"seq\":" + std::to_string(r[0][0].as<int64_t>()) + "}"};
  } catch (const std::exception& e) {
    return error::permanent(errc::repair, std::string("PostgreSQL: ") + e.what());
  }
  return {};
}

}  // namespace sluice::reconcile
