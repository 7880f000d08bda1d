// sim backend of twist/condition_variable.hpp: a sequence-number condition variable on the
// simulated futex. notify_* bumps the sequence, so a waiter that read the old sequence before
// unlocking cannot miss a notification; which waiter notify_one wakes, spurious wakeups and
// timeouts (virtual time) are scheduler choices.
//
//   std::unique_lock lock{mu};
//   ready_cv.wait(lock, [&] { return ready.read(); });
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <type_traits>

#include <spindle/twist/detail/condvar_waits.hpp>
#include <spindle/twist/sim/atomic.hpp>
#include <spindle/twist/sim/clock.hpp>
#include <spindle/twist/sim/futex.hpp>
#include <spindle/twist/sim/mutex.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

class condition_variable : public detail::condvar_waits<condition_variable, mutex> {
  friend class detail::condvar_waits<condition_variable, mutex>;

 public:
  using condvar_waits::wait;
  using condvar_waits::wait_for;
  using condvar_waits::wait_until;

  condition_variable() noexcept = default;

  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  void notify_one(source_location where = source_location::current()) noexcept {
    notify(/*all=*/false, where);
  }
  void notify_all(source_location where = source_location::current()) noexcept {
    notify(/*all=*/true, where);
  }

  void wait(std::unique_lock<mutex>& lock, source_location where = source_location::current()) {
    // relaxed: the mutex orders this read against the notifier's increment.
    const std::uint32_t seen = sequence_.load(std::memory_order_relaxed, where);
    lock.unlock();
    futex::wait(sequence_, seen, std::memory_order_relaxed, where);
    lock.lock();
  }

  // Waits until notified or until the simulated clock reaches `deadline`.
  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    static_assert(std::is_same_v<Clock, steady_clock>,
                  "sim builds have virtual time only: deadlines are twist::steady_clock points");
    return wait_for(lock, deadline - Clock::now());
  }

  template <class Rep, class Period>
  std::cv_status wait_for(std::unique_lock<mutex>& lock,
                          const std::chrono::duration<Rep, Period>& timeout) {
    const auto deadline =
        steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout);
    const std::uint32_t seen = sequence_.load(std::memory_order_relaxed);
    lock.unlock();
    futex::wait_for(sequence_, seen, deadline - steady_clock::now());
    lock.lock();
    return steady_clock::now() < deadline ? std::cv_status::no_timeout : std::cv_status::timeout;
  }

 private:
  // The virtual-time deadline of a wait_for(timeout) with a predicate.
  template <class Rep, class Period>
  static steady_clock::time_point deadline_after(
      const std::chrono::duration<Rep, Period>& timeout) {
    return steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout);
  }

  void notify(bool all, const source_location& where) noexcept {
    const futex::wake_key key = futex::prepare_wake(sequence_, where);
    sequence_.fetch_add(1, std::memory_order_relaxed, where);  // relaxed: waiters hold the mutex
    if (all) {
      futex::wake_all(key, where);
    } else {
      futex::wake_one(key, where);
    }
  }

  atomic<std::uint32_t> sequence_{0};
};

}  // namespace spindle::twist
