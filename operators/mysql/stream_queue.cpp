#include "operators/mysql/stream_queue.h"

#include <algorithm>

namespace sluice::operators::mysql {

void StreamQueue::push(StreamItem item) {
  size_t n = item.events.size() + 1;
  std::unique_lock<std::mutex> lk(mu_);
  not_full_.wait(lk, [&] { return stop_ || queued_ < capacity_; });
  if (stop_) return;
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(item));
  queued_ += n;
  if (was_empty) not_empty_.notify_one();
}

void StreamQueue::wake() {
  std::lock_guard<std::mutex> lk(mu_);
  not_full_.notify_all();
}

void StreamQueue::take_queued(size_t max) {
  std::lock_guard<std::mutex> lk(mu_);
  bool moved = false;
  while ((taken_rows_ < max || taken_.empty()) && !queue_.empty()) {
    StreamItem& f = queue_.front();
    queued_ -= f.events.size() + 1;
    taken_rows_ += f.events.size();
    taken_.push_back(std::move(f));
    queue_.pop_front();
    moved = true;
  }
  if (moved) not_full_.notify_all();
}

namespace {

// Rows and commits past `limit` wait (an error never does).
bool beyond(const StreamItem& it, const BinlogPosition* limit) {
  return limit != nullptr && it.kind != StreamItem::Kind::Error && it.position.valid() &&
         !position_le(it.position.file, it.position.pos, *limit);
}

}  // namespace

result<size_t> StreamQueue::drain(size_t max, std::vector<Event>& out,
                                  const std::function<void(size_t)>& on_rows,
                                  const std::function<void(const BinlogPosition&)>& on_commit,
                                  const BinlogPosition* limit,
                                  const std::function<bool(const Event&)>* stop_after) {
  take_queued(max);
  size_t n = 0;
  bool stopped = false;
  while (!taken_.empty() && !stopped) {
    StreamItem& it = taken_.front();
    if (taken_pos_ == 0 && beyond(it, limit)) break;
    if (it.kind == StreamItem::Kind::Row) {
      size_t take = std::min(max - n, it.events.size() - taken_pos_);
      if (take == 0 && !it.events.empty()) break;
      for (size_t i = 0; i < take; ++i) {
        out.push_back(std::move(it.events[taken_pos_ + i]));
        if (stop_after != nullptr && (*stop_after)(out.back())) {
          take = i + 1;
          stopped = true;
        }
      }
      taken_pos_ += take;
      taken_rows_ -= take;
      n += take;
      if (take) {
        on_rows(take);
        mark_delivered(it);
      }
      if (taken_pos_ < it.events.size()) break;
    } else if (it.kind == StreamItem::Kind::Commit) {
      on_commit(it.position);
      mark_delivered(it);
      if (it.model) delivered_model_ = std::move(it.model);
      if (it.xa) delivered_xa_ = std::move(it.xa);
    } else {
      if (n > 0) break;  // the rows before the error go out first (their count is kept)
      error e = std::move(it.err);
      taken_.pop_front();
      taken_pos_ = 0;
      return e;
    }
    taken_.pop_front();
    taken_pos_ = 0;
  }
  return n;
}

void StreamQueue::mark_delivered(const StreamItem& it) {
  if (!it.position.valid()) return;
  if (delivered_.file != it.position.file) delivered_.file = it.position.file;
  delivered_.pos = it.position.pos;
  if (it.position.server != 0) delivered_.server = it.position.server;
}

void StreamQueue::advance(const std::string& file, uint64_t pos, int64_t ts_us) {
  std::lock_guard<std::mutex> lk(mu_);
  if (read_.file != file) read_.file = file;
  read_.pos = pos;
  if (ts_us > read_ts_us_) read_ts_us_ = ts_us;
}

void StreamQueue::read_time(int64_t ts_us) {
  std::lock_guard<std::mutex> lk(mu_);
  if (ts_us > read_ts_us_) read_ts_us_ = ts_us;
}

int64_t StreamQueue::caught_up_time() {
  if (!taken_.empty()) return 0;
  std::lock_guard<std::mutex> lk(mu_);
  return queue_.empty() ? read_ts_us_ : 0;
}

bool StreamQueue::passed(const BinlogPosition& p) {
  if (!taken_.empty()) return taken_pos_ == 0 && beyond(taken_.front(), &p);
  std::lock_guard<std::mutex> lk(mu_);
  if (!queue_.empty()) return beyond(queue_.front(), &p);
  return read_.valid() && position_le(p.file, p.pos, read_);
}

bool StreamQueue::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mu_);
  if (!taken_.empty()) return true;
  return not_empty_.wait_for(lk, timeout, [&] { return !queue_.empty(); });
}

}  // namespace sluice::operators::mysql
