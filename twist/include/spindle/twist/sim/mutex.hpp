// sim backend of twist/mutex.hpp: a mutex for user test code, built on simulated atomics and
// the simulated futex, so every lock, unlock and hand-off is a step the scheduler interleaves.
// try_lock fails spuriously when the scheduler chooses it, as the standard allows. Relocking
// by the holder and unlocking by a non-holder end the run with a report. Meets Lockable.
//
//   twist::mutex mu;
//   std::lock_guard guard{mu};
#pragma once

#include <atomic>
#include <cstdint>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/sim/atomic.hpp>
#include <spindle/twist/sim/futex.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

class mutex {
 public:
  constexpr mutex() noexcept = default;
  ~mutex() {
    if (sim::trap::in_simulation() && locked_.load(std::memory_order_relaxed) != 0) {
      sim::trap::fail_assertion("twist::mutex destroyed while locked");
    }
  }

  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock(source_location where = source_location::current()) {
    if (holder_ == me() && locked_.load(std::memory_order_relaxed, where) != 0) {
      sim::trap::fail_assertion("twist::mutex locked again by the thread that holds it");
    }
    std::uint32_t expected = 0;
    // acquire: pairs with the release store in unlock().
    while (!locked_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                            std::memory_order_relaxed, where)) {
      futex::wait(locked_, 1, std::memory_order_relaxed, where);
      expected = 0;
    }
    holder_ = me();
  }

  bool try_lock(source_location where = source_location::current()) {
    std::uint32_t expected = 0;
    // A spurious failure is a scheduler choice (compare_exchange_weak's).
    if (!locked_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
                                       std::memory_order_relaxed, where)) {
      return false;
    }
    holder_ = me();
    return true;
  }

  void unlock(source_location where = source_location::current()) {
    if (locked_.load(std::memory_order_relaxed, where) == 0 || holder_ != me()) {
      sim::trap::fail_assertion("twist::mutex unlocked by a thread that does not hold it");
    }
    holder_ = kNobody;
    const futex::wake_key key = futex::prepare_wake(locked_, where);
    locked_.store(0, std::memory_order_release, where);  // release: pairs with lock()'s acquire
    futex::wake_one(key, where);
  }

 private:
  static constexpr std::uint32_t kNobody = ~std::uint32_t{0};
  static std::uint32_t me() noexcept {
    return sim::trap::in_simulation() ? sim::trap::current_thread_id() : kNobody - 1;
  }

  atomic<std::uint32_t> locked_{0};
  // The holder, for misuse reports: plain, since the simulator runs one thread at a time.
  std::uint32_t holder_ = kNobody;
};

}  // namespace spindle::twist
