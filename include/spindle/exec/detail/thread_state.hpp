// The per-thread state executors keep — which executor runs the current task, which pool worker
// this thread is — in twist thread-locals, so each simulated thread (sim mode) has its own and
// every simulated run starts clean.
#pragma once

#include <cstddef>

#include <spindle/exec/executor.hpp>
#include <spindle/exec/task_failure.hpp>
#include <spindle/twist/thread_local.hpp>

namespace spindle::exec::detail {

// What a pool worker thread knows about itself; lives as long as the worker.
struct worker_identity {
  const executor* pool;
  std::size_t index;
};

struct current_executor_slot;
struct current_worker_slot;
using current_executor_ptr = twist::thread_local_ptr<executor, current_executor_slot>;
using current_worker_ptr = twist::thread_local_ptr<const worker_identity, current_worker_slot>;

// Makes `ex` the calling thread's current executor until the scope ends.
class current_executor_scope {
 public:
  explicit current_executor_scope(executor* ex) noexcept : previous_(current_executor_ptr::get()) {
    current_executor_ptr::set(ex);
  }
  ~current_executor_scope() { current_executor_ptr::set(previous_); }

  current_executor_scope(const current_executor_scope&) = delete;
  current_executor_scope& operator=(const current_executor_scope&) = delete;

 private:
  executor* previous_;
};

// Runs `t`; an exception escaping it goes to `on_failure` (with `where` named in the report).
// EX.TASK2: `t` is not touched after it has run.
void run_task(task& t, const executor& where, const error_handler& on_failure) noexcept;

}  // namespace spindle::exec::detail
