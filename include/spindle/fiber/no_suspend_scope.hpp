// A debug check that code holding a spinlock (or any other lock a fiber must not carry across
// a switch) never suspends the fiber or parks the thread: while a no_suspend_scope is open on
// a thread, fiber::detail::suspend() and fiber::waiter::park() stop the program with a message
// naming the scope.
//
//   core::spinlock lock_;
//   {
//     std::lock_guard guard(lock_);
//     fiber::no_suspend_scope no_suspend("fiber::mutex waiter queue");
//     queue_.push_back(w);                 // fine
//     fiber::yield();                      // stopped: "suspended inside no_suspend_scope ..."
//   }
//
// Open one wherever your own primitive holds a spinlock (core::spinlock, a lock bit in a state
// word): a fiber that suspends there would leave every other fiber and thread spinning on a lock
// whose holder is not running — on a one-worker executor, forever.
//
// Scopes nest (each remembers the one it hides). The check is on wherever SPINDLE_ASSERT is
// (builds without NDEBUG); with NDEBUG the scope does nothing. The layout is the same either
// way, so translation units built both ways agree about it.
#pragma once

#include <spindle/base/config.hpp>
#include <spindle/twist/thread_local.hpp>

namespace spindle::fiber {

class no_suspend_scope {
 public:
  // `what` names the lock in the report; it must outlive the scope (a string literal).
  explicit no_suspend_scope(const char* what) noexcept : what_(what) {
#ifndef NDEBUG
    outer_ = innermost_slot::get();
    innermost_slot::set(this);
#endif
  }

  ~no_suspend_scope() {
#ifndef NDEBUG
    SPINDLE_ASSERT(innermost_slot::get() == this,
                   "fiber::no_suspend_scope closed out of order (scopes must nest)");
    innermost_slot::set(outer_);
#endif
  }

  no_suspend_scope(const no_suspend_scope&) = delete;
  no_suspend_scope& operator=(const no_suspend_scope&) = delete;

  // The innermost scope open on the calling thread, or null (always null with NDEBUG).
  static const no_suspend_scope* innermost() noexcept {
#ifndef NDEBUG
    return innermost_slot::get();
#else
    return nullptr;
#endif
  }

  const char* what() const noexcept { return what_; }

 private:
  struct innermost_tag;
  using innermost_slot = twist::thread_local_ptr<no_suspend_scope, innermost_tag>;

  const char* what_;
  no_suspend_scope* outer_ = nullptr;  // the scope this one hides; written and read by its thread
};

namespace detail {

// Stops the program if a no_suspend_scope is open on this thread, or if the thread runs a
// strand's task (exec/detail/strand_task_scope.hpp; the rule: docs/fiber.md, "Fibers and
// strands"). `operation` names what was about to block. Debug builds only.
void check_may_block(const char* operation) noexcept;

}  // namespace detail

}  // namespace spindle::fiber
