// The scheduling policy of a worker_pool: which queue a submitted task goes to, what each hint
// means, where a worker looks for its next task. The pool owns the threads, parking, lifecycle
// and errors (worker_pool.hpp) and calls the policy; the policy owns the queues and never
// blocks. The compute pool is a worker_pool with a global_queue_policy, the fast pool one with a
// work_stealing_policy; a user builds another pool from their own policy:
//
//   class my_policy final : public exec::scheduling_policy { ... };
//   exec::worker_pool pool(std::make_unique<my_policy>(), options);
//
// Contract (the pool's parking protocol relies on it; worker_pool.cpp, WP.PARK1-WP.PARK5):
//   SP.POL1  push() makes the task findable by pop(worker)/steal(...) and by has_work() — except a
//            task pushed by worker w where only w looks (a LIFO slot): then push returns false,
//            and w's next pop(w) returns it (w is running, so it will call pop).
//   SP.POL2  pop(w) and steal(w) are called only by worker w; push(t, h, w) only by worker w or,
//            with w == not_a_worker, by any thread. None of them blocks for long (locks only).
//   SP.POL3  has_work() is true whenever some task is queued where any worker could take it (it
//            may be true spuriously). The pool calls it after a seq_cst fence.
//   SP.POL4  has_surplus(w), called only by worker w, is a hint: true if w's own queues hold
//            tasks other workers could steal. Only speed depends on it (worker_pool, WP.SEARCH3).
#pragma once

#include <cstddef>

#include <spindle/exec/executor.hpp>
#include <spindle/exec/task.hpp>

namespace spindle::exec {

class scheduling_policy {
 public:
  virtual ~scheduling_policy() = default;

  // Queues `t` submitted with hint `h` by worker `worker` (or not_a_worker). Returns whether
  // other workers can take it (SP.POL1): the pool then wakes a parked worker if none is searching.
  // hint::inline_allowed never reaches the policy unless the pool chose not to run it inline.
  virtual bool push(task& t, hint h, std::size_t worker) noexcept = 0;

  // Worker `worker`'s next task from its own queues (and, now and then, shared ones), or nullptr.
  virtual task* pop(std::size_t worker) noexcept = 0;

  // Worker `worker` looking for work anywhere (other workers' queues, shared queues), or nullptr.
  virtual task* steal(std::size_t worker) noexcept = 0;

  // SP.POL3.
  virtual bool has_work() const noexcept = 0;

  // SP.POL4. The default says no: a policy without per-worker queues has no surplus of its own.
  virtual bool has_surplus(std::size_t /*worker*/) const noexcept { return false; }
};

}  // namespace spindle::exec
