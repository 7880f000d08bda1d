// One party waiting for a job_counter: a fiber of a job_system, or anything else (a plain
// thread, a fiber::go fiber), which waits through a fiber::sync::waiter. A local of wait().
//
// Protocol for a pool fiber (the worker side is job_system::run(), job_system.cpp). state_ is
// WAITING when the node is made, PARKED once the fiber is off its stack and counted as waiting,
// NOTIFIED once woken.
//   1. The fiber enqueues the node on the counter (job_counter.hpp, step 2), then park():
//      records the node in its pool_fiber and switches back to its worker (coro::suspend).
//   2. The worker, off the fiber's stack, under the pool lock: try_park() CASes WAITING ->
//      PARKED (release: the fiber's writes, for whoever resumes it). Success: the fiber counts
//      as waiting. Failure (NOTIFIED: the waker came first): the worker resumes it at once.
//   3. wake(): read fiber_ (a field of the node, written before the node was enqueued), then
//      exchange(NOTIFIED) (acq_rel). Read PARKED: hand the pool_fiber to its pool's ready queue
//      (job_system::make_ready). Read WAITING: nothing; step 2 will see NOTIFIED.
// No lost wakeup (JN.NODE1): the CAS of step 2 and the exchange of step 3 are RMWs of one word;
// whichever is second sees the other and acts (the waker readies a parked fiber, the worker
// resumes a notified one). No use of a freed node (JN.NODE2): the node lives on the fiber's
// stack until the fiber resumes, which needs the waker's exchange; after the exchange the waker
// touches only the pool_fiber, which the pool owns and keeps for its whole life.
// Memory: the exchange releases what the waker did (the jobs' effects), the resumed fiber
// acquires it through the pool lock (make_ready pushes under it, the worker pops under it) or
// through the failed CAS (acquire) of step 2.
#pragma once

#include <cstdint>

#include <spindle/core/intrusive/forward_hook.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::fiber::jobs::detail {

struct wait_node_tag;
class pool_fiber;

class wait_node : public core::intrusive::forward_hook<wait_node_tag> {
 public:
  // Made by the waiting side: remembers whether it runs on a pool fiber.
  wait_node() noexcept;

  wait_node(const wait_node&) = delete;
  wait_node& operator=(const wait_node&) = delete;

  // Blocks the owner until wake() (step 1); returns at once if it came first. Owner, once.
  void park();

  // Wakes the owner (step 3). At most once; the caller must not touch *this afterwards.
  void wake() noexcept;

  // Step 2, by the worker the fiber switched to, holding the pool lock. False: notified.
  bool try_park() noexcept;

 private:
  enum : std::uint32_t { waiting = 0, parked = 1, notified = 2 };

  pool_fiber* const fiber_;  // null: not a pool fiber (other_ waits). Set at construction.
  // Pool fibers only. Written by the worker's CAS and the waker's exchange.
  twist::atomic<std::uint32_t> state_{waiting};
  fiber::sync::waiter other_;  // threads and fiber::go fibers
};

}  // namespace spindle::fiber::jobs::detail
