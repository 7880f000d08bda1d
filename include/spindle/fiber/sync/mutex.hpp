// A mutex for fibers and threads: a fiber that has to wait suspends (its worker runs other
// work), a plain thread parks on a futex. TimedLockable (std::lock_guard, std::unique_lock,
// std::unique_lock::try_lock_for).
//
//   fiber::sync::mutex mu;
//   fiber::go(pool, [&] {
//     std::lock_guard guard(mu);       // suspends this fiber while another holds it
//     ++counter;
//   });
//   fiber::go(pool, [&] {              // a timed wait in a fiber needs options::timers
//     if (mu.try_lock_for(std::chrono::milliseconds(5))) { ++counter; mu.unlock(); }
//   }, opts);
//
// Fairness: strict FIFO hand-off once anyone waits. unlock() with waiters does not free the
// mutex: it passes ownership to the oldest waiter, so a newcomer can never overtake a queued
// waiter (no starvation), at the price of throughput under contention (each hand-off waits for
// the waiter to be scheduled: a lock convoy). Without waiters, lock() and unlock() are one CAS
// each and allocate nothing.
//
// Protocol. state_ holds LOCKED (bit 0) and HAS_WAITERS (bit 1); waiters_ is a FIFO of
// fiber::sync::waiter nodes guarded by the spinlock queue_lock_.
//   MX.MU1  HAS_WAITERS is set iff waiters_ is non-empty; both change only under queue_lock_.
//   MX.MU2  HAS_WAITERS implies LOCKED: the mutex is never free while someone waits.
//   1. lock(): CAS state_ 0 -> LOCKED (acquire). Done if it succeeds.
//   2. slow path: take queue_lock_; loop on state_: not LOCKED -> CAS to set LOCKED (we own
//      it, leave); LOCKED -> CAS to set HAS_WAITERS, push our waiter, release queue_lock_,
//      park. When park() returns, the unlocker has handed the mutex to us (LOCKED stayed set).
//   3. unlock(): CAS state_ LOCKED -> 0 (release). Done if it succeeds (no waiters).
//   4. slow path: take queue_lock_, pop the oldest waiter that claim() accepts, skipping
//      timed waiters that timed out (they leave on their own, step 5); if the queue is now
//      empty store LOCKED (clears HAS_WAITERS, keeps LOCKED: MX.MU1, MX.MU2); release queue_lock_;
//      wake it. If there was none (every waiter had timed out, or the last one left after
//      our load), go back to step 3.
//   5. try_lock_until(): steps 1-2 with a timed waiter, parking with park_until. Woken: the
//      mutex was handed to us (step 4 claimed us). Timed out: take queue_lock_ and unlink our
//      waiter if it is still queued (waiter.hpp, step 10); if the queue is now empty store
//      LOCKED (clears HAS_WAITERS; the holder keeps LOCKED: MX.MU1, MX.MU2 — state_ cannot change
//      meanwhile, as every fast-path CAS fails while HAS_WAITERS is set and every slow path
//      needs queue_lock_); release queue_lock_; return false.
// No hand-off to a waiter that left, none dropped (MX.MU3): unlock() hands the mutex only to a
// waiter it claimed under queue_lock_; a claimed waiter no longer times out (waiter.hpp,
// WT.WAIT4) and takes the ownership when woken. A waiter whose timeout won is skipped, and the
// mutex goes to the next waiter, or is released.
// Hand-off publishes: the unlocker's critical section happens-before its wake() (release),
// which happens-before the waiter's park() returning (acquire), waiter.hpp.
// No lost wakeup: a waiter sets HAS_WAITERS before it enqueues, under queue_lock_; the unlock
// fast path's CAS fails while HAS_WAITERS is set, so that unlock takes queue_lock_ and finds
// the waiter (the waiter's own wakeup is waiter.hpp's WT.WAIT1).
// Destruction right after the last unlock is safe: the fast path's CAS is its last access;
// the slow path releases queue_lock_ before wake(), and until wake() the mutex is held (MX.MU2)
// so nobody may destroy it (the woken owner may destroy it at once: wake() touches only the
// waiter); a slow path that found nobody to wake goes back to the fast path's CAS. A timed-out
// try_lock_until touches the mutex until it returns (its unlink), while someone else holds it.
//
// A timed-out waiter's unlink is O(its place in the queue) under queue_lock_.
//
// Misuse caught: unlock() of a mutex that is not locked (always), destroying a locked mutex
// (debug). Unlock by a non-owner is not detected.
#pragma once

#include <chrono>
#include <cstdint>

#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::sync {

class mutex {
 public:
  mutex() noexcept = default;
  // The mutex must be unlocked, with no waiters.
  ~mutex();

  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  mutex(mutex&&) = delete;
  mutex& operator=(mutex&&) = delete;

  // Blocks the calling fiber or thread until it holds the mutex (FIFO among waiters).
  void lock() {
    std::uint32_t expected = 0;
    // acquire: pairs with the release CAS in unlock() (the previous holder's section).
    if (!state_.compare_exchange_strong(expected, locked, std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
      lock_slow();
    }
  }

  // Takes the mutex if it is free (and nobody waits), without blocking.
  bool try_lock() noexcept {
    std::uint32_t expected = 0;
    // acquire: as in lock().
    return state_.compare_exchange_strong(expected, locked, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  // lock(), but gives up at `deadline`: true if it holds the mutex. A fiber needs a timer
  // service (options::timers).
  bool try_lock_until(twist::steady_clock::time_point deadline) {
    if (try_lock()) return true;
    return lock_slow_until(deadline);
  }

  // try_lock_until(now + timeout).
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) {
    if (try_lock()) return true;
    return lock_slow_until(deadline_after(timeout));
  }

  // Releases the mutex, handing it to the oldest waiter if there is one. The caller must hold
  // it; unlocking a mutex that is not locked stops the program.
  void unlock();

 private:
  static constexpr std::uint32_t locked = 1;       // bit 0: somebody holds the mutex
  static constexpr std::uint32_t has_waiters = 2;  // bit 1: waiters_ is non-empty (MX.MU1)

  void lock_slow();
  bool lock_slow_until(twist::steady_clock::time_point deadline);
  // Step 2 up to the park: takes the mutex (false) or enqueues `self` (true).
  bool take_or_enqueue(waiter& self);

  // LOCKED | HAS_WAITERS. Read and CASed by anyone; HAS_WAITERS changes under queue_lock_ only.
  twist::atomic<std::uint32_t> state_{0};
  core::spinlock queue_lock_;
  // Oldest first.
  core::intrusive::queue<waiter, waiter_tag> waiters_ SPINDLE_GUARDED_BY(queue_lock_);
};

}  // namespace spindle::fiber::sync
