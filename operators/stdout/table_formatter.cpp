#include "operators/stdout/table_formatter.h"

#include <algorithm>

#include "base/event_codec.h"
#include "base/secrets.h"

namespace sluice::operators::stdout_sink {
namespace {

bool same_schema(const Object& row, const std::vector<Sym>& schema) {
  const auto& fs = row.fields();
  if (fs.size() != schema.size()) return false;
  for (size_t i = 0; i < fs.size(); ++i) {
    if (fs[i].name != schema[i]) return false;
  }
  return true;
}

std::string cell_text(const Value& v) {
  std::string t = v.type() == Type::String ? v.as_string() : v.to_display();
  for (char& c : t) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return t;
}

size_t columns(const std::string& s) {  // UTF-8 code points
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void pad_cell(const std::string& text, size_t width, std::string& out) {
  size_t cols = columns(text);
  if (cols <= width) {
    out.append(text);
    out.append(width - cols, ' ');
    return;
  }
  // cut to width-1 code points, then an ellipsis
  size_t kept = 0, i = 0;
  while (i < text.size() && kept < width - 1) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    ++kept;
  }
  out.append(text, 0, i);
  out.append("\xE2\x80\xA6");
}

}  // namespace

void TableFormatter::header(const std::vector<Event>& events, size_t from, std::string& out) {
  const Object& row = events[from].row;
  schema_.clear();
  for (const Field& f : row.fields()) schema_.push_back(f.name);
  widths_.assign(schema_.size() + 1, 0);
  widths_[0] = 2;
  for (size_t i = 0; i < schema_.size(); ++i) {
    widths_[i + 1] = std::min(kMaxWidth, std::max<size_t>(1, columns(sym_name(schema_[i]))));
  }
  for (size_t k = from; k < events.size(); ++k) {
    const Event& e = events[k];
    if (e.dead_letter) continue;
    if (!same_schema(e.row, schema_)) break;
    const auto& fs = e.row.fields();
    for (size_t i = 0; i < fs.size(); ++i) {
      widths_[i + 1] =
          std::min(kMaxWidth, std::max(widths_[i + 1], columns(cell_text(fs[i].value))));
    }
  }
  have_schema_ = true;
  pad_cell("op", widths_[0], out);
  for (size_t i = 0; i < schema_.size(); ++i) {
    out.append(" | ");
    pad_cell(sym_name(schema_[i]), widths_[i + 1], out);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out.push_back('\n');
  out.append(widths_[0], '-');
  for (size_t i = 0; i < schema_.size(); ++i) {
    out.append("-+-");
    out.append(widths_[i + 1], '-');
  }
  out.push_back('\n');
}

void TableFormatter::format(const std::vector<Event>& events, std::string& out) {
  for (size_t k = 0; k < events.size(); ++k) {
    const Event& e = events[k];
    if (e.dead_letter) {
      out.append("! DEAD ");
      out.append(e.dead_letter->stage);
      out.append(" ");
      out.append(e.dead_letter->kind());
      out.append(": ");
      out.append(secrets::redact(e.dead_letter->message));
      out.append(" | ");
      event_codec::append_event(e, out);
      out.push_back('\n');
      continue;
    }
    if (e.op == Op::Truncate) {  // no row: one line naming the table; the header stays
      out.append("t TRUNCATE ");
      if (e.source) {
        out.append(e.source->db.empty() ? e.source->table : e.source->db + "." + e.source->table);
      }
      out.push_back('\n');
      continue;
    }
    if (!have_schema_ || !same_schema(e.row, schema_)) header(events, k, out);
    pad_cell(op_code(e.op), widths_[0], out);
    const auto& fs = e.row.fields();
    for (size_t i = 0; i < fs.size(); ++i) {
      out.append(" | ");
      pad_cell(cell_text(fs[i].value), widths_[i + 1], out);
    }
    // trailing spaces are noise
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out.push_back('\n');
  }
}

}  // namespace sluice::operators::stdout_sink
