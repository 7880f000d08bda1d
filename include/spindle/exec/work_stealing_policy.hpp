// The fast pool's policy (Go / Tokio style): per worker a bounded ring (local_queue) and a LIFO
// slot, one global injection queue, random-victim steal-half.
//
// Where a task goes (push):
//   - from outside the pool (any hint): the injection queue;
//   - from a worker, `any` or `next`: the worker's LIFO slot, so it runs next on this worker
//     (the usual "spawned task runs soon, cache-hot"); the slot's previous task moves to the
//     back of the ring, where thieves can take it;
//   - from a worker, `yield` (or `inline_allowed` not run inline): the back of the ring.
// Where a worker looks (pop), in order:
//   1. every kGlobalQueueInterval-th pop, the injection queue first (fairness to outside work);
//   2. the LIFO slot — at most kMaxLifoPollsInARow times in a row, then its task moves to the
//      back of the ring, so two tasks handing each other the slot cannot starve the rest;
//   3. the ring; 4. the injection queue, taking a batch into the ring.
// A searcher (steal) tries the other workers' rings from a random one on, taking half of the
// first non-empty one, then the injection queue. A full ring moves half of itself to the
// injection queue (local_queue.hpp). The LIFO slot is never stolen: it holds a task only while
// its worker runs the task that put it there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <spindle/exec/detail/injection_queue.hpp>
#include <spindle/exec/detail/local_queue.hpp>
#include <spindle/exec/scheduling_policy.hpp>

namespace spindle::exec {

class work_stealing_policy final : public scheduling_policy {
 public:
  // Go's value (a prime, so the check does not fall into step with a periodic workload).
  static constexpr std::uint32_t kGlobalQueueInterval = 61;
  // Tokio's value: enough for a continuation chain to stay hot, small enough to be fair.
  static constexpr std::uint32_t kMaxLifoPollsInARow = 3;

  explicit work_stealing_policy(std::size_t workers);
  ~work_stealing_policy() override;

  bool push(task& t, hint h, std::size_t worker) noexcept override;
  task* pop(std::size_t worker) noexcept override;
  task* steal(std::size_t worker) noexcept override;
  bool has_work() const noexcept override;

 private:
  struct worker_queues;

  task* take_from_injection(worker_queues& self) noexcept;

  std::size_t num_workers_;
  std::unique_ptr<worker_queues[]> workers_;
  detail::injection_queue injection_;
};

}  // namespace spindle::exec
