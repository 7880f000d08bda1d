// The unit of work every executor runs: an intrusive node the caller owns (a run function and
// a link), so submitting one allocates nothing. Derive from task, or wrap a callable in a
// callable_task that lives where the caller puts it (stack, member, arena).
//
//   struct hello : exec::task {
//     hello() : task(&hello::invoke) {}
//     static void invoke(exec::task& self) { std::puts("hello"); }
//   };
//   hello h;                          // owned by the caller; must outlive its run
//   pool.submit(h);                   // no allocation
//
//   exec::callable_task job([&] { ++counter; });
//   pool.submit(job);
//
// Rules every executor follows (docs/exec.md):
//   EX.TASK1  A submitted task runs exactly once, unless submit() throws (then it is not queued).
//   EX.TASK2  An executor never touches a task after calling its run function: the task may
//             free itself (or be resubmitted) from inside it.
//   EX.TASK3  A task is in at most one executor queue at a time: resubmit it only from its own
//             run function or after it has run (the link's checks catch a double submit).
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <spindle/core/intrusive/forward_hook.hpp>

namespace spindle::exec {

// The tag of the hook executors link tasks with (a task may use other hooks for itself).
struct task_tag;

// Where the submitter would like a task to run; every executor documents what it does with
// each hint, and may treat any hint as `any`.
enum class hint : std::uint8_t {
  any,             // run where the executor likes (its default placement)
  next,            // LIFO: before other queued work (e.g. the continuation of the running task)
  yield,           // queue end: after the work already queued (fairness, cooperative yield)
  inline_allowed,  // may run inside submit() itself, where the executor allows it
};

class task : public core::intrusive::forward_hook<task_tag> {
 public:
  using run_function = void (*)(task& self);

  explicit constexpr task(run_function body) noexcept : run_(body) {}

  task(const task&) = delete;
  task& operator=(const task&) = delete;
  task(task&&) = delete;
  task& operator=(task&&) = delete;
  ~task() = default;

  // Runs the task (executors call this; EX.TASK2: the task may be gone when it returns).
  void run() { run_(*this); }

 private:
  run_function run_;
};

// A task holding a callable, stored wherever the caller stores it (no allocation).
template <class F>
class callable_task final : public task {
 public:
  explicit callable_task(F fn) noexcept(std::is_nothrow_move_constructible_v<F>)
      : task(&callable_task::invoke), fn_(std::move(fn)) {}

 private:
  static void invoke(task& self) { static_cast<callable_task&>(self).fn_(); }

  F fn_;
};

}  // namespace spindle::exec
