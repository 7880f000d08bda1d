// The work-stealing pool (Go / Tokio style) for many small tasks: per-worker rings and LIFO
// slots, a global injection queue, steal-half, and parking that keeps an idle pool at ~0% CPU.
// A worker_pool with a work_stealing_policy.
//
//   exec::fast_pool pool;                       // hardware-concurrency workers
//   exec::submit(pool, [&] { spawn_children(pool); });
//   pool.wait_idle();
//
// Hints and queue rules: work_stealing_policy.hpp; lifecycle and errors: worker_pool.hpp.
#pragma once

#include <memory>
#include <utility>

#include <spindle/exec/pool_options.hpp>
#include <spindle/exec/work_stealing_policy.hpp>
#include <spindle/exec/worker_pool.hpp>

namespace spindle::exec {

class fast_pool final : public worker_pool {
 public:
  explicit fast_pool(pool_options options = {})
      : worker_pool(std::make_unique<work_stealing_policy>(resolved_worker_count(options)),
                    std::move(options)) {}
};

}  // namespace spindle::exec
