// A fixed set of workers sharing one global FIFO queue: the simple, predictable pool for
// coarse tasks (compute jobs, blocking-ish work). A worker_pool with a global_queue_policy.
//
//   exec::compute_pool pool({.workers = 4, .name = "compute"});
//   exec::submit(pool, [] { heavy(); });
//   pool.wait_idle();
//
// The queue is a mutex-guarded list (default) or Vyukov's bounded lock-free MPMC ring
// (options.global_queue = global_queue_kind::lock_free). Hints: see global_queue_policy.hpp;
// lifecycle and errors: worker_pool.hpp.
#pragma once

#include <memory>
#include <utility>

#include <spindle/exec/global_queue_policy.hpp>
#include <spindle/exec/pool_options.hpp>
#include <spindle/exec/worker_pool.hpp>

namespace spindle::exec {

class compute_pool final : public worker_pool {
 public:
  explicit compute_pool(pool_options options = {})
      : worker_pool(std::make_unique<global_queue_policy>(options.global_queue,
                                                          options.lock_free_capacity),
                    std::move(options)) {}
};

}  // namespace spindle::exec
