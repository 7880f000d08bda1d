// fiber::sync::mutex: the protocol (steps 1-5, MX.MU1-MX.MU3) is in mutex.hpp.
#include <spindle/fiber/sync/mutex.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::sync {

namespace {
constexpr const char* queue_lock_name = "fiber::sync::mutex queue lock";
}

mutex::~mutex() {
  // relaxed: destruction happens-after the last unlock by the owner's own synchronization.
  SPINDLE_ASSERT(state_.load(std::memory_order_relaxed) == 0,
                 "fiber::sync::mutex destroyed while locked");
}

bool mutex::take_or_enqueue(waiter& self) {
  bool enqueued = false;
  queue_lock_.lock();
  {
    no_suspend_scope no_suspend(queue_lock_name);
    // relaxed: a first guess for the CASes below, which decide.
    std::uint32_t state = state_.load(std::memory_order_relaxed);
    while (true) {
      if ((state & locked) == 0) {
        // Free (so nobody waits, MX.MU2): take it. acquire: pairs with the release in unlock().
        if (state_.compare_exchange_weak(state, state | locked, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          break;
        }
      } else if (state_.compare_exchange_weak(state, state | has_waiters,
                                              std::memory_order_relaxed,
                                              std::memory_order_relaxed)) {
        // relaxed: ownership comes through the waiter (wake's release, park's acquire).
        waiters_.push_back(self);
        enqueued = true;
        break;
      }
    }
  }
  queue_lock_.unlock();
  return enqueued;
}

void mutex::lock_slow() {
  waiter self;
  if (take_or_enqueue(self)) self.park();  // returns owning the mutex: handed over (step 4)
}

bool mutex::lock_slow_until(twist::steady_clock::time_point deadline) {
  waiter self(timed);
  if (!take_or_enqueue(self)) return true;
  if (self.park_until(deadline)) return true;  // claimed and handed over (step 4, MX.MU3)
  queue_lock_.lock();
  {
    no_suspend_scope no_suspend(queue_lock_name);
    // Not found: an unlock skipped us (our timeout won) and kept MX.MU1 itself.
    if (unlink_waiter(waiters_, self) && waiters_.empty()) {
      // relaxed: under queue_lock_; state_ is LOCKED | HAS_WAITERS until this store (step 5).
      state_.store(locked, std::memory_order_relaxed);
    }
  }
  queue_lock_.unlock();  // nobody will hand us the mutex (MX.MU3)
  return false;
}

void mutex::unlock() {
  // relaxed: the holder reads what its own lock (or a hand-off it acquired) wrote.
  std::uint32_t state = state_.load(std::memory_order_relaxed);
  SPINDLE_VERIFY((state & locked) != 0, "fiber::sync::mutex::unlock() of a mutex that is not locked");
  while (true) {
    if ((state & has_waiters) == 0) {
      std::uint32_t expected = locked;
      // release: pairs with the acquire CAS in lock() / try_lock() / take_or_enqueue().
      if (state_.compare_exchange_strong(expected, 0, std::memory_order_release,
                                         std::memory_order_relaxed)) {
        return;  // last access to *this
      }
    }
    waiter* next = nullptr;
    queue_lock_.lock();
    {
      no_suspend_scope no_suspend(queue_lock_name);
      next = waiters_.pop_front();
      while (next != nullptr && !next->claim()) next = waiters_.pop_front();  // MX.MU3
      // relaxed: under queue_lock_; the hand-off is published by next->wake() (release).
      // (Idempotent if the queue was empty already: MX.MU1 had cleared HAS_WAITERS.)
      if (waiters_.empty()) state_.store(locked, std::memory_order_relaxed);
    }
    queue_lock_.unlock();  // the mutex stays held (MX.MU2): nobody may destroy it yet
    if (next != nullptr) {
      next->wake();  // hand-off: `next` owns the mutex now; *this may be destroyed by it at once
      return;
    }
    // Every waiter had timed out (skipped), or the last one left (step 5): step 3 again.
    // relaxed: as above.
    state = state_.load(std::memory_order_relaxed);
  }
}

}  // namespace spindle::fiber::sync
