// Commands for a source from the management API (`POST /pipelines/P/snapshot`): the API thread
// add()s one and waits on its future; the source's actor take()s them between polls, runs
// Source::command and sets the answer.
#pragma once
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/value.h"

namespace sluice::engine {

class CommandInbox {
 public:
  struct Command {
    std::string name;
    Value args;
    std::shared_ptr<std::promise<result<std::string>>> reply;
  };
  std::future<result<std::string>> add(std::string name, Value args) {
    auto reply = std::make_shared<std::promise<result<std::string>>>();
    auto f = reply->get_future();
    std::lock_guard<std::mutex> lock(mu_);
    items_.push_back({std::move(name), std::move(args), std::move(reply)});
    pending_.store(true, std::memory_order_release);
    return f;
  }
  bool pending() const { return pending_.load(std::memory_order_acquire); }
  std::vector<Command> take() {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.store(false, std::memory_order_release);
    return std::exchange(items_, {});
  }

 private:
  std::mutex mu_;
  std::vector<Command> items_;
  std::atomic<bool> pending_{false};
};

}  // namespace sluice::engine
