#include "operators/file/file_source.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/json.h"
#include "base/logger.h"
#include "base/temporal.h"
#include "operators/common/stage_options.h"
#include "operators/file/csv_record_parser.h"
#include "operators/file/errc.h"
#include "operators/file/file_spec.h"

namespace sluice::operators::file {
namespace {

bool has_bom(std::string_view v) { return v.size() >= 3 && v.substr(0, 3) == "\xEF\xBB\xBF"; }

std::string joined(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
  return out;
}

// A JSON line without surrounding blanks (and CR).
std::string_view trimmed(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  size_t s = 0;
  while (s < line.size() && (line[s] == ' ' || line[s] == '\t')) ++s;
  line.remove_prefix(s);
  return line;
}

}  // namespace

FileSource::FileSource(const std::string& stage, const FileSourceOptions& o)
    : path_(o.path), format_(o.format), follow_(o.follow), tail_(path_), stage_(stage) {
  dead_letters_ = routes_bad_input(o.dead_letter, o.on_error);
  auto m = std::make_shared<SourceMeta>();
  m->connector = "file";
  m->name = stage;
  m->table = std::filesystem::path(path_).stem().string();
  meta_ = std::move(m);
}

result<std::unique_ptr<Source>> FileSource::make(const StageConfig& cfg) {
  auto o = bound_source_spec().read(cfg);
  if (!o.ok()) return o.err();
  return std::unique_ptr<Source>(new FileSource(cfg.name, o.value()));
}

result<void> FileSource::open(const std::string& state) {
  resume_offset_ = 0;
  line_ = 0;
  state_line_ = 0;
  index_ = 0;
  have_header_ = false;
  array_loaded_ = false;
  opened_ = false;
  if (!state.empty()) {
    try {
      if (format_ == Format::Json) {
        index_ = std::stoll(state);
      } else {
        size_t colon = state.find(':');
        resume_offset_ = std::stoull(state.substr(0, colon));
        if (colon != std::string::npos) state_line_ = std::stoull(state.substr(colon + 1));
      }
    } catch (const std::exception&) {
      return error::fatal(errc::read, "source file: bad checkpoint state '" + state + "'");
    }
  }
  if (format_ == Format::Json) return {};
  if (format_ == Format::Jsonl) line_ = state_line_;
  // CSV needs the header from offset 0 first; poll_lines seeks to resume_offset_ after it.
  auto r = tail_.open_at(format_ == Format::Csv ? 0 : resume_offset_);
  if (!r.ok()) return r.err();
  if (!*r && !follow_)
    return error::fatal(errc::open, "source file: cannot open " + path_ + ": no such file");
  opened_ = *r;
  return {};
}

std::string FileSource::checkpoint_state() const {
  if (format_ == Format::Json) return std::to_string(index_);
  bool reading = opened_ && (format_ != Format::Csv || have_header_);
  uint64_t off = reading ? tail_.offset() : resume_offset_;
  return std::to_string(off) + ":" + std::to_string(line_);
}

void FileSource::take_dead(std::vector<Event>& out) {
  for (auto& e : dead_) out.push_back(std::move(e));
  dead_.clear();
}

void FileSource::warn_skip(uint64_t line, const std::string& why, std::string raw) {
  if (dead_letters_) {
    static const Sym kPath = intern("path"), kLine = intern("line"), kRaw = intern("raw");
    Event& e = dead_.emplace_back();
    e.op = Op::Create;
    e.row.append(kPath, Value::string(path_));
    e.row.append(kLine, Value::int64(static_cast<int64_t>(line)));
    e.row.append(kRaw, Value::string(std::move(raw)));
    e.ts = temporal::now_micros();
    e.position =
        Value::int64(static_cast<int64_t>(format_ == Format::Json ? index_ : tail_.offset()));
    e.source = meta_;
    auto info = std::make_shared<DeadLetterInfo>();
    info->stage = stage_;
    info->code = errc::decode;
    info->message = path_ + ":" + std::to_string(line) + ": " + why;
    e.dead_letter = std::move(info);
    return;
  }
  ++skipped_;
  if (skipped_ <= 20 || skipped_ % 1000 == 0) {
    log::warn("file", path_ + ":" + std::to_string(line) + ": skipped malformed record (" + why +
                          "); " + std::to_string(skipped_) + " skipped so far");
  }
}

void FileSource::emit(Object&& row, int64_t position, int64_t now, std::vector<Event>& out) {
  Event& e = out.emplace_back();
  e.op = Op::Create;
  e.row = std::move(row);
  e.ts = now;
  e.position = Value::int64(position);
  e.source = meta_;
}

result<Source::Poll> FileSource::poll(size_t max, std::vector<Event>& out) {
  if (format_ == Format::Json) return poll_json(max, out);
  if (!opened_) {
    auto r = tail_.open_at(format_ == Format::Csv ? 0 : resume_offset_);
    if (!r.ok()) return r.err();
    if (!*r) return follow_ ? Poll::Idle : Poll::End;
    opened_ = true;
  }
  return poll_lines(max, out);
}

bool FileSource::csv_row(const std::vector<std::string>& fields, Object& row) {
  if (fields.size() != header_.size()) return false;
  row.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) row.append(header_[i], Value::string(fields[i]));
  return true;
}

result<Source::Poll> FileSource::poll_lines(size_t max, std::vector<Event>& out) {
  const int64_t now = temporal::now_micros();
  size_t produced = 0;
  bool eof = false;
  while (produced < max) {
    auto bom = skip_bom(eof);
    if (!bom.ok()) return bom.err();
    if (*bom) continue;
    auto step = format_ == Format::Csv ? csv_step(eof, now, out) : jsonl_step(eof, now, out);
    if (!step.ok()) return step.err();
    if (*step == LineStep::Stop) break;
    if (*step == LineStep::Emitted) ++produced;
  }
  if (produced > 0) return Poll::Data;
  return follow_ ? Poll::Idle : Poll::End;
}

result<void> FileSource::read_more(bool& eof) {
  auto r = tail_.fill();
  if (!r.ok()) return r.err();
  if (*r == 0) eof = true;
  return {};
}

result<bool> FileSource::skip_bom(bool& eof) {
  std::string_view v = tail_.view();
  if (tail_.offset() != 0 || v.empty()) return false;
  if (v.size() < 3 && !eof) {
    auto r = read_more(eof);
    if (!r.ok()) return r.err();
    return true;
  }
  if (!has_bom(v)) return false;
  tail_.consume(3);
  return true;
}

result<FileSource::LineStep> FileSource::csv_step(bool& eof, int64_t now, std::vector<Event>& out) {
  bool at_eof = eof && !follow_;
  auto o = CsvRecordParser::parse(tail_.view(), at_eof, fields_);
  if (o.status == CsvRecordParser::Status::Incomplete) {
    if (eof) return LineStep::Stop;
    auto r = read_more(eof);
    if (!r.ok()) return r.err();
    return LineStep::Next;
  }
  uint64_t first_line = line_ + 1;
  tail_.consume(o.consumed);
  line_ += o.newlines;
  if (!have_header_) {
    auto h = csv_header(o);
    if (!h.ok()) return h.err();
    return LineStep::Next;
  }
  if (o.status == CsvRecordParser::Status::Malformed) {
    warn_skip(first_line, o.error, joined(fields_));
    return LineStep::Next;
  }
  if (fields_.size() == 1 && fields_[0].empty() && header_.size() != 1) {
    return LineStep::Next;  // blank
  }
  Object row;
  if (!csv_row(fields_, row)) {
    warn_skip(first_line,
              "expected " + std::to_string(header_.size()) + " fields, got " +
                  std::to_string(fields_.size()),
              joined(fields_));
    return LineStep::Next;
  }
  emit(std::move(row), static_cast<int64_t>(tail_.offset()), now, out);
  return LineStep::Emitted;
}

result<void> FileSource::csv_header(const CsvRecordParser::Outcome& o) {
  if (o.status != CsvRecordParser::Status::Ok) {
    return error::fatal(errc::decode, "source file: " + path_ + ":1: bad CSV header: " + o.error);
  }
  header_.clear();
  for (const auto& f : fields_) header_.push_back(intern(f));
  have_header_ = true;
  if (resume_offset_ > tail_.offset()) {
    auto r = tail_.open_at(resume_offset_);
    if (!r.ok()) return r.err();
    line_ = state_line_;
  }
  return {};
}

result<FileSource::LineStep> FileSource::jsonl_step(bool& eof, int64_t now,
                                                    std::vector<Event>& out) {
  std::string_view v = tail_.view();
  size_t nl = v.find('\n');
  std::string_view line;
  if (nl == std::string_view::npos) {
    if (!eof) {
      auto r = read_more(eof);
      if (!r.ok()) return r.err();
      return LineStep::Next;
    }
    if (follow_ || v.empty()) return LineStep::Stop;  // wait for the line break
    line = v;
    tail_.consume(v.size());
  } else {
    line = v.substr(0, nl);
    tail_.consume(nl + 1);
  }
  ++line_;
  line = trimmed(line);
  if (line.empty()) return LineStep::Next;
  auto parsed = json::parse(line);
  if (!parsed.ok()) {
    warn_skip(line_, parsed.err().message, std::string(line));
    return LineStep::Next;
  }
  if (parsed->type() != Type::Object) {
    warn_skip(line_, std::string("a JSON ") + type_name(parsed->type()) + ", not an object",
              std::string(line));
    return LineStep::Next;
  }
  emit(std::move(parsed->as_object()), static_cast<int64_t>(tail_.offset()), now, out);
  return LineStep::Emitted;
}

result<Source::Poll> FileSource::poll_json(size_t max, std::vector<Event>& out) {
  if (!array_loaded_ || (follow_ && index_ >= static_cast<int64_t>(array_.size()) &&
                         tail_.disk_size() != array_size_on_disk_)) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      if (follow_) return Poll::Idle;
      return error::fatal(errc::open, "source file: cannot open " + path_);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    array_size_on_disk_ = text.size();
    std::string_view body = text;
    if (has_bom(body)) body.remove_prefix(3);
    auto parsed = json::parse(body);
    if (!parsed.ok()) {
      if (follow_) return Poll::Idle;  // maybe being rewritten; try again later
      return error::fatal(errc::decode, "source file: " + path_ + ": " + parsed.err().message);
    }
    if (parsed->type() != Type::List) {
      return error::fatal(errc::decode,
                          "source file: " + path_ + ": format json expects a top-level array");
    }
    array_ = std::move(parsed->as_list());
    array_loaded_ = true;
  }
  const int64_t now = temporal::now_micros();
  size_t produced = 0;
  while (produced < max && index_ < static_cast<int64_t>(array_.size())) {
    Value& v = array_[static_cast<size_t>(index_)];
    ++index_;
    if (v.type() != Type::Object) {
      warn_skip(static_cast<uint64_t>(index_),
                std::string("array element is a JSON ") + type_name(v.type()) + ", not an object",
                json::encode(v));
      continue;
    }
    emit(std::move(v.as_object()), index_, now, out);
    ++produced;
  }
  if (produced > 0) return Poll::Data;
  if (index_ >= static_cast<int64_t>(array_.size()) && !follow_) {
    array_.clear();
    array_.shrink_to_fit();
    return Poll::End;
  }
  return follow_ ? Poll::Idle : Poll::End;
}

}  // namespace sluice::operators::file
