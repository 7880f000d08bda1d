// Marks the calling thread while it runs one task of a strand, so that layers above exec can
// catch code that treats the strand as a lock and then blocks inside it (debug builds):
//
//   strand::run_batch():  strand_task_scope inside(strand, t);  run t
//   fiber's check:        if (const strand_task_scope* s = strand_task_scope::innermost()) stop
//   fiber's step:         resumable_body_scope body(fiber_task);  resume the fiber
//
// Why the fiber layer needs it (docs/fiber.md, "Fibers and strands"): a strand's tasks run one
// at a time, start to end, so a task may touch the strand's state without a lock. A fiber that
// suspends inside such a task ends it early: the strand runs its next task while the suspended
// code is still "inside". A thread that parks inside one stalls the strand (and a wait for a
// task queued behind it never ends).
//
// Nesting. Scopes nest: strands stacked on strands, a strand task that pumps a manual executor
// that runs another strand's runner. Each remembers the scope it hides and restores it. A
// resumable_body_scope starts a region of its own for a body with a life beyond the task
// around it (a fiber's step): inside it the thread counts as inside a strand task only if that
// strand runs the body itself, because a fiber that suspends returns to whatever pumped it —
// the enclosing strand task goes on and is not released.
//
// Cost. Like fiber::no_suspend_scope: the checks are on wherever SPINDLE_ASSERT is (builds
// without NDEBUG); with NDEBUG both scopes do nothing and innermost() is null. The layout is
// the same either way, so translation units built both ways agree about it.
#pragma once

#include <spindle/base/config.hpp>
#include <spindle/exec/task.hpp>
#include <spindle/twist/thread_local.hpp>

namespace spindle::exec {

class strand;

namespace detail {

class strand_task_scope {
 public:
  // `running` is the strand's task about to run; it is only compared, never dereferenced
  // (it may be gone once it has run, EX.TASK2).
  strand_task_scope(const strand& owner, const task& running) noexcept
      : strand_(&owner), running_(&running) {
#ifndef NDEBUG
    outer_ = innermost_slot::get();
    innermost_slot::set(this);
#endif
  }

  ~strand_task_scope() {
#ifndef NDEBUG
    SPINDLE_ASSERT(innermost_slot::get() == this,
                   "exec::detail::strand_task_scope closed out of order (scopes must nest)");
    innermost_slot::set(outer_);
#endif
  }

  strand_task_scope(const strand_task_scope&) = delete;
  strand_task_scope& operator=(const strand_task_scope&) = delete;

  // The innermost strand task running on the calling thread, or null (always null with NDEBUG).
  static const strand_task_scope* innermost() noexcept {
#ifndef NDEBUG
    return innermost_slot::get();
#else
    return nullptr;
#endif
  }

  const strand& owner() const noexcept { return *strand_; }
  const task* running() const noexcept { return running_; }

 private:
  friend class resumable_body_scope;
  struct innermost_tag;
  using innermost_slot = twist::thread_local_ptr<strand_task_scope, innermost_tag>;

  const strand* strand_;
  const task* running_;
  strand_task_scope* outer_ = nullptr;  // the scope this one hides; written and read by its thread
};

// Opened around the resumption of a body that lives beyond the task running it (a fiber's
// step): while it is open, the strand scopes open on the thread are hidden, unless the
// innermost one runs `body` itself (then the body is that strand's task and stays inside it).
class resumable_body_scope {
 public:
  explicit resumable_body_scope(const task& body) noexcept {
#ifndef NDEBUG
    strand_task_scope* innermost = strand_task_scope::innermost_slot::get();
    if (innermost != nullptr && innermost->running_ != &body) {
      hidden_ = innermost;
      strand_task_scope::innermost_slot::set(nullptr);
    }
#else
    (void)body;
    (void)hidden_;  // kept so both builds agree about the layout
#endif
  }

  ~resumable_body_scope() {
#ifndef NDEBUG
    if (hidden_ == nullptr) return;
    SPINDLE_ASSERT(strand_task_scope::innermost_slot::get() == nullptr,
                   "exec::detail::resumable_body_scope closed with a strand scope still open");
    strand_task_scope::innermost_slot::set(hidden_);
#endif
  }

  resumable_body_scope(const resumable_body_scope&) = delete;
  resumable_body_scope& operator=(const resumable_body_scope&) = delete;

 private:
  strand_task_scope* hidden_ = nullptr;  // restored when the scope closes; this thread's only
};

}  // namespace detail

}  // namespace spindle::exec
