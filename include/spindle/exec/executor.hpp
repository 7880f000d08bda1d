// The executor interface: something that accepts intrusive tasks and runs each exactly once.
// It is one virtual function, so users write their own executors (docs/exec.md):
//
//   class my_executor final : public exec::executor {
//    public:
//     void submit(exec::task& t, exec::hint) override { queue_.push_back(t); }
//   };
//
// Submitting to an executor that has stopped is an error reported by an exception,
// executor_stopped, thrown by submit(): the task was not queued and still belongs to the
// caller. (An exception rather than a return value: a dropped task must not go unnoticed, and a
// return value can be ignored.)
//
//   EX.SUBMIT1  submit() throws only when it did not queue (or run) the task. An exception that
//               escapes a task never leaves submit(), even when the task runs inline: it goes to
//               the executor's error handler (task_failure.hpp).
//
// The managed convenience exec::submit(executor, callable) allocates one task for the callable
// and frees it after it has run (or at once, if submit throws).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <spindle/exec/task.hpp>

namespace spindle::exec {

class executor {
 public:
  executor() = default;
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;
  virtual ~executor() = default;

  // Queues `t` to run once (EX.TASK1), placed according to `h` where the executor honours it.
  // Throws executor_stopped if the executor no longer accepts tasks; `t` is then untouched.
  virtual void submit(task& t, hint h = hint::any) = 0;

  // A name for error reports and worker threads.
  virtual std::string_view name() const noexcept { return "executor"; }

  // Whether one of this executor's tasks may go on to run work that was submitted to this
  // executor with hint::any or hint::next while it ran, on the same thread, instead of queueing it: the
  // fiber hand-off (fiber/detail/fiber_block.hpp, HANDOFF). The pools say yes; executors whose
  // users count tasks (manual_executor's run_next) or order them (strand) keep the default.
  virtual bool allows_direct_handoff() const noexcept { return false; }
};

// Thrown by submit() to an executor that has stopped. The task was not queued.
class executor_stopped : public std::logic_error {
 public:
  explicit executor_stopped(std::string_view executor_name)
      : std::logic_error("spindle::exec: submit to executor '" + std::string(executor_name) +
                         "' after it stopped; the task was not queued") {}
};

// The executor running the calling thread's current task (a pool's worker, a strand's batch,
// a manual executor's run_next ...), or nullptr outside any.
executor* current_executor() noexcept;

// Returned by current_worker_index() on a thread that is not a pool worker.
inline constexpr std::size_t not_a_worker = static_cast<std::size_t>(-1);

// The index (0 .. workers-1) of the pool worker running the calling thread, or not_a_worker.
std::size_t current_worker_index() noexcept;

namespace detail {

// A callable on the heap that deletes itself after running (managed submit).
template <class F>
class heap_task final : public task {
 public:
  template <class G>
  explicit heap_task(G&& fn) : task(&heap_task::invoke), fn_(std::forward<G>(fn)) {}

 private:
  static void invoke(task& self) {
    std::unique_ptr<heap_task> owner(static_cast<heap_task*>(&self));  // freed even if fn_ throws
    owner->fn_();
  }

  F fn_;
};

}  // namespace detail

// Managed submit: runs `fn()` once on `ex`. Allocates one task, freed after it runs. Throws
// executor_stopped (after freeing it) if `ex` has stopped.
template <class F>
  requires std::is_invocable_v<std::decay_t<F>&>
void submit(executor& ex, F&& fn, hint h = hint::any) {
  auto owned = std::make_unique<detail::heap_task<std::decay_t<F>>>(std::forward<F>(fn));
  ex.submit(*owned, h);  // throws only if the task was not queued (EX.SUBMIT1): `owned` frees it
  owned.release();       // EX.TASK1: it runs exactly once and deletes itself
}

}  // namespace spindle::exec
