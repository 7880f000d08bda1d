// The compute pool's policy: one queue shared by all workers (FIFO).
//
// Hints: `any`, `yield` (and `inline_allowed` not run inline): to the back. `next`: to the
// front — with the mutex queue; the lock-free queue has no front, so `next` goes to the back
// there. The lock-free queue is bounded (lock_free_capacity); when it is full, tasks spill into
// a mutex-guarded list that workers drain after the ring, so submit never fails and order
// between the two is not FIFO.
#pragma once

#include <cstddef>
#include <memory>

#include <spindle/exec/detail/bounded_mpmc_queue.hpp>
#include <spindle/exec/detail/injection_queue.hpp>
#include <spindle/exec/pool_options.hpp>
#include <spindle/exec/scheduling_policy.hpp>

namespace spindle::exec {

class global_queue_policy final : public scheduling_policy {
 public:
  explicit global_queue_policy(global_queue_kind kind = global_queue_kind::mutex,
                               std::size_t lock_free_capacity = 1024);

  bool push(task& t, hint h, std::size_t worker) noexcept override;
  task* pop(std::size_t worker) noexcept override;
  task* steal(std::size_t worker) noexcept override { return pop(worker); }
  bool has_work() const noexcept override;

 private:
  global_queue_kind kind_;
  detail::injection_queue list_;                   // the mutex queue, or the ring's spill-over
  std::unique_ptr<detail::bounded_mpmc_queue> ring_;  // lock_free only
};

}  // namespace spindle::exec
