// Makes CAF's message passing visible to ThreadSanitizer. Debian's libcaf_core is not built
// with -fsanitize=thread, so TSan sees neither the mailbox's atomics (a message built by one
// thread and read by the receiver on another) nor the scheduler's hand-over of an actor from
// one worker thread to the next: it would report both as races. An actor class derives from
// TsanVisible<caf::event_based_actor> instead: a send releases the receiver (before the
// enqueue) and a run of the actor acquires it first and releases it at the end, which is the
// ordering CAF guarantees. Without -fsanitize=thread this is caf::event_based_actor itself.
#pragma once
#include <caf/all.hpp>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace sluice::engine {

template <class Base>
class TsanVisible : public Base {
 public:
  using Base::Base;

#if defined(__SANITIZE_THREAD__)
  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override {
    __tsan_release(this);
    Base::enqueue(std::move(ptr), eu);
  }

  // A run handles the messages that arrive while it lasts too: acquire before each, and
  // release after each. The release at the end of resume() alone comes too late: inside
  // Base::resume CAF marks the mailbox blocked after the last message, and a sender may
  // schedule the actor on another worker before this thread gets to release.
  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    __tsan_acquire(this);
    auto r = Base::consume(x);
    __tsan_release(this);
    return r;
  }

  // The first run makes the behaviour (make_behavior) before it looks at the mailbox; a
  // message that arrives then may be handled on another worker before this run ends.
  void initialize() override {
    __tsan_acquire(this);
    Base::initialize();
    __tsan_release(this);
  }

  caf::resumable::resume_result resume(caf::execution_unit* eu, size_t max) override {
    __tsan_acquire(this);
    auto r = Base::resume(eu, max);
    __tsan_release(this);
    return r;
  }
#endif
};

}  // namespace sluice::engine
