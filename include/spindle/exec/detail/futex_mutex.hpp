// A small mutex on twist::futex for the executors' shared queues: spin briefly, then sleep.
//
// Algorithm: U. Drepper, "Futexes Are Tricky" (2011), mutex #2 (three states), with a bounded
// spin (twist::spin_wait) before the first sleep.
//   1. lock(): CAS state 0 -> 1 (acquire). If that fails, spin a little retrying it; then
//      exchange the state to 2 ("locked, maybe waiters"); while the exchange did not return 0,
//      futex-wait while the state is 2 and exchange again.
//   2. unlock(): prepare_wake, exchange the state to 0 (release); if it was 2, wake one waiter.
// Mutual exclusion: every acquisition is an atomic RMW reading 0. No lost wakeup: a sleeper
// sleeps only while the state is 2, and whoever sets 0 from 2 wakes one; a woken thread sets 2
// again, so the waiters behind it are woken in turn.
#pragma once

#include <cstdint>

#include <spindle/base/thread_safety.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/spin_wait.hpp>

namespace spindle::exec::detail {

class SPINDLE_CAPABILITY("mutex") futex_mutex {
 public:
  futex_mutex() noexcept = default;
  futex_mutex(const futex_mutex&) = delete;
  futex_mutex& operator=(const futex_mutex&) = delete;

  void lock() noexcept SPINDLE_ACQUIRE() {
    std::uint32_t expected = kUnlocked;
    // acquire: pairs with the release exchange in unlock().
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    twist::spin_wait spin;
    while (!spin.should_park()) {
      spin();
      expected = kUnlocked;
      // relaxed load: a hint only; acquire CAS: as above.
      if (state_.load(std::memory_order_relaxed) == kUnlocked &&
          state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        return;
      }
    }
    // acquire: as above (the exchange that reads 0 is this thread's acquisition).
    while (state_.exchange(kContended, std::memory_order_acquire) != kUnlocked) {
      twist::futex::wait(state_, kContended, std::memory_order_relaxed);
    }
  }

  void unlock() noexcept SPINDLE_RELEASE() {
    auto key = twist::futex::prepare_wake(state_);
    // release: pairs with the acquire CAS / exchange of the next holder.
    if (state_.exchange(kUnlocked, std::memory_order_release) == kContended) {
      twist::futex::wake_one(key);
    }
  }

 private:
  static constexpr std::uint32_t kUnlocked = 0;
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kContended = 2;  // locked, and a thread may be sleeping

  twist::atomic<std::uint32_t> state_{kUnlocked};
};

// std::lock_guard for futex_mutex without <mutex> in toolbox headers.
class SPINDLE_SCOPED_CAPABILITY futex_lock {
 public:
  explicit futex_lock(futex_mutex& mu) noexcept SPINDLE_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~futex_lock() SPINDLE_RELEASE() { mu_.unlock(); }
  futex_lock(const futex_lock&) = delete;
  futex_lock& operator=(const futex_lock&) = delete;

 private:
  futex_mutex& mu_;
};

}  // namespace spindle::exec::detail
