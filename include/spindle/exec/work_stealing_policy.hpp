// The fast pool's policy: per worker a LIFO slot, an owner-LIFO work-stealing deque and a FIFO
// ring; one global injection queue; random-victim stealing. Fork-join work is walked
// depth-first by its worker and breadth-first by thieves (TBB's and Cilk's discipline), while
// outside work and yields keep FIFO order (Go's and Tokio's).
//
// Where a task goes (push):
//   - from outside the pool (any hint): the injection queue;
//   - from a worker, `any` or `next`: the worker's LIFO slot, so it runs next on this worker
//     (cache-hot, and no wakeup: SP.POL1); the slot's previous task moves to the bottom of the
//     deque (work_stealing_deque.hpp), where thieves can take it from the top;
//   - from a worker, `yield` (or `inline_allowed` not run inline): the back of the FIFO ring
//     (local_queue.hpp), so it runs after this worker's other ready tasks.
// Where a worker looks (pop), in order:
//   1. every kGlobalQueueInterval-th pop, the oldest work first: the injection queue, else
//      the FIFO ring's head; every kOwnDequeInterval-th pop also, last, the deque's top
//      (WS.FAIR1 below);
//   2. the LIFO slot; 3. the deque's bottom (newest first); 4. the FIFO ring;
//   5. the injection queue, taking a fair share into the FIFO ring.
// A searcher (steal) tries the other workers from a random one on: half of the first non-empty
// deque (one task at a time, oldest first), else half of its FIFO ring; then the injection
// queue. A full deque or ring moves its older half to the injection queue.
//
//   WS.FAIR1  A task that keeps respawning itself (through the slot or the deque's bottom, which
//             both run newest first) cannot starve anything: every kGlobalQueueInterval-th pop
//             takes the oldest task of the injection queue or the FIFO ring, and every
//             kOwnDequeInterval-th pop, when those are empty, the oldest of the deque; the
//             respawner is in none of them. (The ring it replaced capped LIFO-slot pops at 3 in a
//             row; with an owner-LIFO deque behind the slot such a cap would move the task to the
//             bottom and pop it straight back, so the periodic look is the bound now.)
//             The deque's top is looked at 16 times less often because, for fork-join work, it
//             holds the biggest pending subtree: taking it walks the tree breadth-first, and at
//             every-61st-pop rates that filled the deques until they overflowed into the
//             injection queue (skynet on 16 workers: 18 ms against 8 ms without the look).
//   WS.SLOT1  The LIFO slot is never stolen: it holds a task only while its worker runs the task
//             that put it there, and that worker pops it next (SP.POL1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <spindle/exec/detail/injection_queue.hpp>
#include <spindle/exec/detail/local_queue.hpp>
#include <spindle/exec/detail/work_stealing_deque.hpp>
#include <spindle/exec/scheduling_policy.hpp>

namespace spindle::exec {

class work_stealing_policy final : public scheduling_policy {
 public:
  // Go's value (a prime, so the check does not fall into step with a periodic workload).
  static constexpr std::uint32_t kGlobalQueueInterval = 61;
  // WS.FAIR1's bound for the deque: a multiple of kGlobalQueueInterval, so it is checked there.
  static constexpr std::uint32_t kOwnDequeInterval = 16 * kGlobalQueueInterval;

  explicit work_stealing_policy(std::size_t workers);
  ~work_stealing_policy() override;

  bool push(task& t, hint h, std::size_t worker) noexcept override;
  task* pop(std::size_t worker) noexcept override;
  task* steal(std::size_t worker) noexcept override;
  bool has_work() const noexcept override;
  bool has_surplus(std::size_t worker) const noexcept override;

 private:
  struct worker_queues;

  task* take_oldest(worker_queues& self, bool own_deque_too) noexcept;
  task* take_from_injection(worker_queues& self) noexcept;

  std::size_t num_workers_;
  std::unique_ptr<worker_queues[]> workers_;
  detail::injection_queue injection_;
};

}  // namespace spindle::exec
