// A test-and-test-and-set spinlock with exponential backoff, for critical sections of a few
// instructions where parking a thread would cost more than the wait.
//
// Algorithm: test-and-test-and-set (L. Rudolph, Z. Segall, "Dynamic decentralized cache
// schemes for MIMD parallel processors", ISCA 1984) with exponential backoff (T. E. Anderson,
// "The performance of spin lock alternatives for shared-memory multiprocessors", IEEE TPDS
// 1990); see M. Herlihy, N. Shavit, "The Art of Multiprocessor Programming", 7.3-7.4. The
// optimistic exchange first and the read-only try_lock test follow E. Rigtorp, "Correctly
// implementing a spinlock in C++" (2020).
//
//   core::spinlock lock;
//   {
//     std::lock_guard guard(lock);   // BasicLockable / Lockable: std::lock_guard, scoped_lock...
//     ++counter;
//   }
//
// 1. lock(): exchange(true, acquire). If it returned false the lock is ours. Otherwise spin
//    on a plain load (which keeps the cache line shared among waiters instead of bouncing it
//    with writes) backing off through twist::spin_wait, until the lock looks free; go to 1.
// 2. unlock(): store(false, release).
// Mutual exclusion: exchange is an atomic read-modify-write, so of the exchanges that follow
// an unlock exactly one reads false. Not fair: a waiter may starve under heavy contention.
//
// Zero cost: in std mode this compiles to the same instructions as the identical algorithm
// hand-written on std::atomic<bool> (the test core.zero_cost.* compares their disassembly).
#pragma once

#include <spindle/base/config.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/spin_wait.hpp>

namespace spindle::core {

class SPINDLE_CAPABILITY("mutex") spinlock {
 public:
  spinlock() noexcept = default;

  spinlock(const spinlock&) = delete;
  spinlock& operator=(const spinlock&) = delete;
  spinlock(spinlock&&) = delete;
  spinlock& operator=(spinlock&&) = delete;

  // Blocks (spinning, backing off) until the calling thread holds the lock.
  void lock() noexcept SPINDLE_ACQUIRE() {
    twist::spin_wait spin;
    // acquire: pairs with the release store in unlock(), so the previous holder's critical
    // section happens-before ours.
    while (locked_.exchange(true, std::memory_order_acquire)) {
      // relaxed: only a hint that the lock may be free; the acquire exchange decides.
      while (locked_.load(std::memory_order_relaxed)) spin();
    }
  }

  // Takes the lock if it is free, without waiting; returns whether it did.
  bool try_lock() noexcept SPINDLE_TRY_ACQUIRE(true) {
    // relaxed: a failing try_lock reads only, leaving the holder's cache line alone.
    // acquire: pairs with the release store in unlock().
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }

  // Releases the lock, which the calling thread must hold. Unlocking a free lock is caught
  // (with asserts on); unlocking one that another thread holds is not.
  void unlock() noexcept SPINDLE_RELEASE() {
    // relaxed: the holder reads the value its own lock() wrote.
    SPINDLE_ASSERT(locked_.load(std::memory_order_relaxed),
                   "spinlock::unlock() of a spinlock that is not locked");
    // release: pairs with the acquire exchange in lock() / try_lock() of the next holder.
    locked_.store(false, std::memory_order_release);
  }

 private:
  // True while some thread holds the lock. Any thread reads it; written by lock()/try_lock()
  // (exchange) and by the holder's unlock().
  twist::atomic<bool> locked_{false};
};

}  // namespace spindle::core
