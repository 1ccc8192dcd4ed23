#include "operators/postgres/table_writer.h"

#include <pqxx/pqxx>

#include "base/json.h"
#include "operators/postgres/binary_copy.h"
#include "operators/postgres/copy_encoder.h"
#include "operators/postgres/full_identity_sql.h"
#include "operators/postgres/raw_copy.h"

namespace sluice::operators::postgres {
namespace {

constexpr size_t kChunk = 1 << 20;
// Binary COPY data goes out in pieces of this size while the rest is encoded.
constexpr size_t kPiece = 256 << 10;
constexpr const char* kOpColumn = "sluice_op";
// Updates/deletes of a table without a key sent in one round trip.
constexpr size_t kStatements = 256;

// The last position encoded: snapshot rows (and the rows of one binlog event) share theirs.
class PositionCache {
 public:
  // The JSON text of `p` (cdc_position).
  const std::string& json(const Value& p) {
    if (last_ == nullptr || !(*last_ == p)) text_ = json::encode(p);
    last_ = &p;
    return text_;
  }

 private:
  const Value* last_ = nullptr;
  std::string text_;
};

void append_field(const WriteColumn& c, const WriteItem& it, std::string& out, PositionCache& pos) {
  switch (c.src) {
    case WriteColumn::Src::Field: {
      const Value* v = it.row->find(c.sym);
      if (v == nullptr) {
        out += "\\N";
      } else {
        append_copy_value(*v, c.kind, out);
      }
      return;
    }
    case WriteColumn::Src::Op:
      out += it.is_delete ? "d" : op_code(it.ev->op);
      return;
    case WriteColumn::Src::Ts:
      if (it.ev->ts == 0) {
        out += "\\N";
      } else {
        append_copy_value(Value::timestamp(it.ev->ts), c.kind, out);
      }
      return;
    case WriteColumn::Src::Pos:
      if (it.ev->position.is_null()) {
        out += "\\N";
      } else {
        append_copy_escaped(pos.json(it.ev->position), out);
      }
      return;
    case WriteColumn::Src::Deleted:
      out += it.is_delete ? "t" : "f";
      return;
  }
}

std::string column_list(const WriteGroup& g, const char* prefix = "") {
  std::string s;
  for (size_t i = 0; i < g.cols.size(); ++i) {
    if (i > 0) s += ", ";
    s += prefix;
    s += quote_ident(g.cols[i].name);
  }
  return s;
}

// One tuple of binary COPY data; false (with a partial tuple in `out`) when a column or value
// has no exact binary form.
bool encode_binary_row(const WriteGroup& g, const WriteItem& it, const std::vector<BinType>& bin,
                       bool staging, Mode mode, PositionCache& pos, std::string& out) {
  append_binary_int16(static_cast<int16_t>(g.cols.size() + (staging ? 1 : 0)), out);
  for (size_t c = 0; c < g.cols.size(); ++c) {
    const WriteColumn& col = g.cols[c];
    switch (col.src) {
      case WriteColumn::Src::Field: {
        static const Value kNull;
        const Value* v = it.row->find(col.sym);
        if (!append_binary_field(v == nullptr ? kNull : *v, bin[c], col.kind, out)) return false;
        break;
      }
      case WriteColumn::Src::Op:
        if (bin[c] != BinType::Text) return false;
        append_binary_bytes(it.is_delete ? "d" : op_code(it.ev->op), out);
        break;
      case WriteColumn::Src::Ts: {
        Value ts = it.ev->ts == 0 ? Value::null() : Value::timestamp(it.ev->ts);
        if (!append_binary_field(ts, bin[c], col.kind, out)) return false;
        break;
      }
      case WriteColumn::Src::Pos:
        if (bin[c] != BinType::Text) return false;
        if (it.ev->position.is_null()) {
          append_binary_field(Value::null(), bin[c], col.kind, out);
          break;
        }
        append_binary_bytes(pos.json(it.ev->position), out);
        break;
      case WriteColumn::Src::Deleted:
        if (!append_binary_field(Value::boolean(it.is_delete), bin[c], col.kind, out)) {
          return false;
        }
        break;
    }
  }
  if (staging) append_binary_bytes(it.is_delete && mode == Mode::Upsert ? "d" : "u", out);
  return true;
}

}  // namespace

std::string TableWriter::signature(const WriteGroup& g) const {
  std::string s = g.table->quoted;
  for (const auto& c : g.cols) {
    s += '|';
    s += c.name;
    s += ' ';
    s += c.type;
  }
  return s;
}

void TableWriter::prepare(pqxx::transaction_base& tx, const WriteGroup& g) {
  if (g.direct || g.truncate || g.full_identity) return;
  std::string sig = signature(g);
  if (staging_.count(sig) > 0 || created_.count(sig) > 0) return;
  std::string name = "sluice_stage_" + std::to_string(++counter_);
  std::string sql = "CREATE TEMP TABLE " + quote_ident(name) + " (";
  for (const auto& c : g.cols) sql += quote_ident(c.name) + " " + c.type + ", ";
  sql += std::string(kOpColumn) + " \"char\") ON COMMIT DELETE ROWS";
  tx.exec(sql);
  created_.emplace(std::move(sig), std::move(name));
}

bool TableWriter::binary_columns(const WriteGroup& g) {
  bin_.clear();
  for (const auto& c : g.cols) {
    bin_.push_back(bin_type_for(c.type));
    if (bin_.back() == BinType::None) return false;
  }
  return true;
}

void TableWriter::copy_rows(pqxx::transaction_base& tx, const std::string& target,
                            const WriteGroup& g, size_t lo, size_t hi, bool staging,
                            size_t& n_upserts, size_t& n_deletes) {
  auto count = [&](const WriteItem& it) {
    (staging && it.is_delete && mode_ == Mode::Upsert ? n_deletes : n_upserts)++;
  };
  // Binary while every column and value has an exact binary form; from the first value
  // without one, the rest of the range goes by text COPY (both store the same values).
  if (binary_ && binary_columns(g)) {
    std::string cols = column_list(g);
    if (staging) cols += std::string(", ") + kOpColumn;
    BinaryCopyIn copy(dynamic_cast<pqxx::dbtransaction&>(tx), target, std::move(cols));
    buf_.clear();
    append_binary_header(buf_);
    PositionCache pos;
    size_t i = lo;
    for (; i < hi; ++i) {
      const size_t mark = buf_.size();
      if (!encode_binary_row(g, g.items[i], bin_, staging, mode_, pos, buf_)) {
        buf_.resize(mark);
        break;
      }
      count(g.items[i]);
      if (buf_.size() >= kPiece) copy.put(buf_);  // PostgreSQL works on it meanwhile
    }
    if (i > lo) {
      append_binary_int16(-1, buf_);
      copy.end(buf_);
      ++binary_copies_;
    }
    lo = i;
    if (lo == hi) return;
  }
  std::vector<std::string> names;
  names.reserve(g.cols.size() + 1);
  for (const auto& c : g.cols) names.push_back(quote_ident(c.name));
  if (staging) names.emplace_back(kOpColumn);
  pqxx::stream_to stream(tx, target, names);
  buf_.clear();
  PositionCache pos;
  for (size_t i = lo; i < hi; ++i) {
    const WriteItem& it = g.items[i];
    for (size_t c = 0; c < g.cols.size(); ++c) {
      if (c > 0) buf_.push_back('\t');
      append_field(g.cols[c], it, buf_, pos);
    }
    if (staging) buf_ += it.is_delete && mode_ == Mode::Upsert ? "\td" : "\tu";
    count(it);
    if (buf_.size() >= kChunk || i + 1 == hi) {
      stream << RawCopyChunk{&buf_};
      buf_.clear();
    } else {
      buf_.push_back('\n');
    }
  }
  stream.complete();
}

void TableWriter::truncate(pqxx::transaction_base& tx, const WriteGroup& g) {
  const TableInfo& t = *g.table;
  if (mode_ != Mode::SoftDelete) {
    std::string sql = "TRUNCATE " + t.quoted;
    for (const TableInfo* other : g.truncate_with) sql += ", " + other->quoted;
    tx.exec(sql);
    return;
  }
  // soft_delete: every live row is marked deleted; the metadata columns (when the table has
  // them) record the truncate's op, time and position.
  const Event& e = *g.events[0];
  std::string sql = "UPDATE " + t.quoted + " SET cdc_deleted = true";
  if (t.column("cdc_operation") != nullptr) sql += ", cdc_operation = 't'";
  if (t.column("cdc_timestamp") != nullptr) {
    std::string ts;
    if (e.ts != 0) append_copy_value(Value::timestamp(e.ts), ColKind::Plain, ts);
    sql += ", cdc_timestamp = " +
           (ts.empty() ? std::string("NULL") : quote_literal(ts) + "::timestamptz");
  }
  if (t.column("cdc_position") != nullptr) {
    sql += ", cdc_position = " +
           (e.position.is_null() ? std::string("NULL") : quote_literal(json::encode(e.position)));
  }
  tx.exec(sql + " WHERE NOT cdc_deleted");
}

void TableWriter::apply(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo, size_t hi) {
  if (g.truncate) {
    truncate(tx, g);
    return;
  }
  if (lo >= hi) return;
  size_t n_upserts = 0, n_deletes = 0;
  if (g.full_identity) {
    apply_full_identity(tx, g, lo, hi);
    return;
  }
  if (g.direct) {
    copy_rows(tx, g.table->quoted, g, lo, hi, false, n_upserts, n_deletes);
    return;
  }
  std::string sig = signature(g);
  auto it = staging_.find(sig);
  const std::string& stage =
      it != staging_.end() ? it->second : created_.at(sig);  // prepare() ran first
  std::string qstage = quote_ident(stage);
  if (!used_.insert(stage).second) tx.exec("TRUNCATE " + qstage);
  copy_rows(tx, qstage, g, lo, hi, true, n_upserts, n_deletes);
  std::string keys;
  for (size_t i = 0; i < g.key_cols.size(); ++i) {
    if (i > 0) keys += ", ";
    keys += quote_ident(g.cols[g.key_cols[i]].name);
  }
  if (n_upserts > 0) {
    std::string cols = column_list(g);
    // OVERRIDING SYSTEM VALUE: a key the table declares GENERATED ALWAYS AS IDENTITY takes the
    // source's values, as COPY writes them (no effect on other columns and tables).
    std::string sql = "INSERT INTO " + g.table->quoted + " (" + cols +
                      ") OVERRIDING SYSTEM VALUE SELECT " + cols + " FROM " + qstage + " WHERE " +
                      kOpColumn + " = 'u' ON CONFLICT (" + keys + ") DO ";
    std::string set;
    for (size_t c = 0; c < g.cols.size(); ++c) {
      bool is_key = false;
      for (size_t k : g.key_cols) is_key = is_key || k == c;
      if (is_key) continue;
      if (!set.empty()) set += ", ";
      std::string q = quote_ident(g.cols[c].name);
      set += q + " = EXCLUDED." + q;
    }
    sql += set.empty() ? "NOTHING" : "UPDATE SET " + set;
    tx.exec(sql);
  }
  if (n_deletes > 0) {
    std::string sql = "DELETE FROM " + g.table->quoted + " t USING " + qstage + " s WHERE s." +
                      kOpColumn + " = 'd'";
    for (size_t k : g.key_cols) {
      std::string q = quote_ident(g.cols[k].name);
      sql += " AND t." + q + " = s." + q;
    }
    tx.exec(sql);
  }
}

void TableWriter::apply_full_identity(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo,
                                      size_t hi) {
  // In order: runs of creates by one COPY, runs of updates/deletes as one multi-statement.
  size_t n_upserts = 0, n_deletes = 0;
  std::string sql;
  auto is_insert = [&](size_t i) {
    return !g.items[i].is_delete && g.items[i].ev->op != Op::Update;
  };
  while (lo < hi) {
    size_t end = lo;
    if (is_insert(lo)) {
      while (end < hi && is_insert(end)) ++end;
      copy_rows(tx, g.table->quoted, g, lo, end, false, n_upserts, n_deletes);
    } else {
      sql.clear();
      while (end < hi && !is_insert(end) && end - lo < kStatements) {
        append_full_identity_change(g, g.items[end++], mode_, sql);
      }
      tx.exec(sql);
    }
    lo = end;
  }
}

void TableWriter::committed() {
  for (auto& [sig, name] : created_) staging_.emplace(sig, name);
  created_.clear();
  used_.clear();
}

void TableWriter::aborted() {
  created_.clear();
  used_.clear();
}

void TableWriter::reset() {
  staging_.clear();
  created_.clear();
  used_.clear();
}

}  // namespace sluice::operators::postgres
