#include "operators/mysql/snapshot_marks.h"

namespace sluice::operators::mysql {

SnapshotMark snapshot_mark(bool first_in_table, bool last_in_table, bool first_table,
                           bool last_table) {
  if (last_in_table && last_table) return SnapshotMark::Last;
  if (first_in_table && first_table) return SnapshotMark::First;
  if (last_in_table) return SnapshotMark::LastInTable;
  if (first_in_table) return SnapshotMark::FirstInTable;
  return SnapshotMark::Middle;
}

std::shared_ptr<const LogOrigin> snapshot_origin(const Value& position) {
  if (position.type() != Type::Object) return nullptr;
  static const Sym kFile = intern("file"), kPos = intern("pos");
  const Value* file = position.as_object().find(kFile);
  const Value* pos = position.as_object().find(kPos);
  if (file == nullptr || file->type() != Type::String) return nullptr;
  auto o = std::make_shared<LogOrigin>();
  o->file = file->as_string();
  if (pos != nullptr && pos->type() == Type::Int) o->pos = pos->as_int();
  return o;
}

void mark_incremental(std::vector<Event>& out, size_t from) {
  std::shared_ptr<const LogOrigin> last;
  const Value* last_pos = nullptr;
  for (size_t i = from; i < out.size(); ++i) {
    Event& e = out[i];
    if (e.op != Op::Read || e.origin) continue;
    e.snapshot_mark = SnapshotMark::Incremental;
    if (last_pos == nullptr || !(*last_pos == e.position)) {
      last = snapshot_origin(e.position);
      last_pos = &e.position;
    }
    e.origin = last;
  }
}

}  // namespace sluice::operators::mysql
