// A counting semaphore for fibers and threads: acquire() takes a permit, blocking the calling
// fiber (it suspends) or thread (futex) while there is none; release(n) returns n permits.
//
//   fiber::sync::semaphore slots(4);     // at most 4 fibers inside at once
//   fiber::go(pool, [&] {
//     slots.acquire();
//     use_connection();
//     slots.release();
//   });
//
// Fairness: strict FIFO. release() hands its permits directly to the oldest waiters, and
// acquire()/try_acquire() take a free permit only when nobody waits (free permits and waiters
// never coexist, SM.SEM2), so a newcomer never overtakes a queued waiter. Without waiters,
// acquire() and release() are one CAS each and allocate nothing.
//
// Protocol. state_ is a state word (detail/state_word.hpp: the free permits, HAS_WAITERS and
// the lock bit guarding waiters_, a FIFO of fiber::sync::waiter nodes; SW.LOCK1-SW.LOCK4).
//   SM.SEM1  HAS_WAITERS is set iff waiters_ is non-empty; both change only under the lock bit.
//   SM.SEM2  HAS_WAITERS implies permits == 0.
//   SM.SEM3  the lock bit is taken only together with HAS_WAITERS (by a waiter, step 2, or by a
//            release that saw it, step 4); so while it is held the permits are 0 and the fast
//            paths (which need permits > 0, or HAS_WAITERS clear) cannot change the word: only
//            the holder writes it, and it may release the bit with a plain store.
//   1. acquire() / try_acquire(): while permits > 0 (so no waiters, SM.SEM2), CAS permits - 1
//      (acquire). try_acquire() fails once permits == 0.
//   2. acquire() slow path (permits == 0): CAS the lock bit and HAS_WAITERS on (spinning while
//      another holds the lock; taking a permit instead if one appeared); push our waiter;
//      store the word without the lock bit (release); park. When park() returns, a release()
//      handed a permit to us.
//   3. release(n): HAS_WAITERS clear: CAS permits + n (release). Done: last access to *this.
//   4. HAS_WAITERS set: CAS the lock bit on (spinning while held; if another release emptied
//      the queue meanwhile, HAS_WAITERS is clear: back to step 3); pop up to n waiters into a
//      local list; store permits = n - popped, HAS_WAITERS = waiters_ non-empty, lock bit
//      clear (release; SM.SEM1, SM.SEM2: permits are left only if the queue emptied). That store is
//      the release's last access to *this (SM.SEM4); then wake the popped waiters, reading each
//      next link before waking.
// No lost wakeup or permit: a waiter sets HAS_WAITERS when it takes the lock to enqueue, with
// permits == 0 in the same CAS; from then on the release fast path's CAS fails (it expects
// HAS_WAITERS clear), so every later release takes the lock (after the waiter dropped it) and
// finds the waiter. Every permit is either counted in state_ or handed to exactly one popped
// waiter.
// Happens-before: a release's CAS or store is a release, the acquirer's CAS an acquire, and a
// handed-over permit goes through wake() (release) and park() (acquire), waiter.hpp.
// Destruction (SM.SEM4): a release touches the semaphore last with the CAS or store that makes
// its permits visible, before any wake(); so an acquirer may destroy the semaphore as soon as
// its acquire() returns, if no other operation is to come.
//
// Misuse caught: an initial count above max(), a release() that would raise the free permits
// above max() (always); destroying a semaphore that fibers or threads wait on (debug).
#pragma once

#include <cstdint>
#include <limits>

#include <spindle/core/intrusive/queue.hpp>
#include <spindle/fiber/sync/detail/state_word.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::fiber::sync {

class semaphore {
 public:
  static constexpr std::uint32_t default_max = std::numeric_limits<std::uint32_t>::max();

  // A semaphore with `initial` free permits, which may never hold more than `max` free
  // permits (e.g. max 1: a binary semaphore whose double release is caught).
  explicit semaphore(std::uint32_t initial, std::uint32_t max = default_max);
  // Nobody may wait on it.
  ~semaphore();

  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  semaphore(semaphore&&) = delete;
  semaphore& operator=(semaphore&&) = delete;

  // Blocks the calling fiber or thread until it gets a permit (FIFO among waiters).
  void acquire() {
    if (!try_acquire()) acquire_slow();
  }

  // Takes a permit if one is free (then nobody waits), without blocking.
  bool try_acquire() noexcept {
    // relaxed: a first guess for the CAS, which decides.
    std::uint64_t state = state_.load(std::memory_order_relaxed);
    while (detail::state_word::value_of(state) > 0) {
      // acquire: pairs with the release CAS/store in release() that made the permit free.
      if (state_.compare_exchange_weak(state, state - detail::state_word::one,
                                       std::memory_order_acquire, std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // Returns `n` permits: to the oldest waiters first, the rest become free. The free permits
  // must not exceed max() (checked: it stops the program).
  void release(std::uint32_t n = 1);

  // The most free permits this semaphore may hold.
  std::uint32_t max() const noexcept { return max_; }

 private:
  void acquire_slow();
  // Step 4 once the lock bit is held: hands up to n permits to the oldest waiters.
  void hand_off(std::uint32_t n);

  // A detail::state_word: permits, HAS_WAITERS (SM.SEM1), lock bit. CASed by anyone; stored by
  // the lock holder (SM.SEM3).
  twist::atomic<std::uint64_t> state_;
  core::intrusive::queue<waiter, waiter_tag> waiters_;  // guarded by the lock bit, oldest first
  const std::uint32_t max_;
};

}  // namespace spindle::fiber::sync
