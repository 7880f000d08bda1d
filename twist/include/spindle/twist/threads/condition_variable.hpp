// threads backend of twist/condition_variable.hpp: for user test code only. In std builds it is
// std::condition_variable (waits take std::unique_lock<twist::mutex>, as with the standard type).
//
// In faulty builds: a condition variable taking std::unique_lock<twist::mutex> like
// std::condition_variable does, that misbehaves in every way the standard allows: waits wake
// spuriously now and then, and notify_one wakes a waiter chosen at random from an explicit list
// (not the longest waiting one).
//
//   std::unique_lock lock{mu};
//   ready_cv.wait(lock, [&] { return ready; });
//
// Protocol. Each waiter owns a node on its stack: list links (guarded by list_lock_) and a
// 32-bit `notified` word (0, then 1 once).
// 1. wait: lock list_lock_, append the node, unlock list_lock_; then unlock the user mutex. A
//    notify that follows our unlock of the user mutex therefore finds the node (no lost wakeup).
// 2. Unless a spurious wakeup is chosen, sleep on `notified` until it reads 1 (or the deadline).
// 3. Lock list_lock_: if `notified` is still 0 the node is still listed — unlink it (a spurious
//    or timed-out return). Unlock list_lock_; relock the user mutex.
// 4. notify_one/notify_all, under list_lock_: unlink the chosen node(s), store notified = 1,
//    futex-wake its word.
// TCV.INV1: a node is listed iff its notified word is 0; both change only under list_lock_.
// TCV.INV2: the notifier touches a node only under list_lock_, and the waiter takes list_lock_
//           (step 3) before its node goes out of scope — so the wake in step 4 never sees a dead
//           node.
// TCV.INV3: num_in_wait counts the threads between step 1 and the end of step 3's list_lock_
//           section (listed, or unlinked by a notify but not yet past step 3); it changes only
//           under list_lock_. The standard lets the condition variable be destroyed once every
//           waiter is notified, before the waiters leave wait(); the destructor therefore waits,
//           under list_lock_, until num_in_wait is 0: after that no waiter touches *this again (a
//           waiter's last access is the unlocking exchange of list_lock_, and the wake that may
//           follow it uses only the address).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD

#include <condition_variable>

#include <spindle/twist/threads/mutex.hpp>

namespace spindle::twist {

using condition_variable = std::condition_variable;

}  // namespace spindle::twist

#else  // faulty

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>

#include <spindle/twist/detail/condvar_waits.hpp>
#include <spindle/twist/source_location.hpp>
#include <spindle/twist/threads/detail/futex_lock.hpp>
#include <spindle/twist/threads/mutex.hpp>

namespace spindle::twist {

class condition_variable : public detail::condvar_waits<condition_variable, mutex> {
  friend class detail::condvar_waits<condition_variable, mutex>;

 public:
  using condvar_waits::wait;
  using condvar_waits::wait_for;
  using condvar_waits::wait_until;

  condition_variable() noexcept = default;
  // Destroying a condition variable that still has waiters is a misuse: reported, then abort().
  // Waiters that were all notified may still be leaving wait(): the destructor waits for them
  // (TCV.INV3), as the standard allows destruction at that point.
  ~condition_variable();

  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // Wakes one waiter, chosen at random, if there is one.
  void notify_one(source_location where = source_location::current()) noexcept;

  // Wakes every waiter.
  void notify_all(source_location where = source_location::current()) noexcept;

  // Unlocks `lock`, sleeps until notified (or spuriously), relocks. `lock` must own its mutex.
  void wait(std::unique_lock<mutex>& lock,
            source_location where = source_location::current());

  // Like wait(), until `deadline` at the latest. Returns timeout if the deadline passed without
  // a notification.
  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    waiter self;
    if (begin_wait(self, lock, source_location::current())) {
      // acquire: pairs with the release store in signal().
      while (self.notified.load(std::memory_order_acquire) == 0) {
        const auto now = Clock::now();
        if (now >= deadline) break;
        sleep_on(self, bounded_wait(deadline - now));
      }
    }
    const bool notified = end_wait(self, lock);
    return notified || Clock::now() < deadline ? std::cv_status::no_timeout : std::cv_status::timeout;
  }

  // Like wait(), for at most `timeout` (measured on the steady clock).
  template <class Rep, class Period>
  std::cv_status wait_for(std::unique_lock<mutex>& lock,
                          const std::chrono::duration<Rep, Period>& timeout) {
    return wait_until(lock, deadline_after(timeout));
  }

 private:
  // One waiting thread's node, on its stack.
  struct waiter {
    waiter* prev = nullptr;  // guarded by list_lock_
    waiter* next = nullptr;  // guarded by list_lock_
    // 0 while listed, 1 once a notify unlinked the node (TCV.INV1); written under list_lock_, read
    // by the waiter without it, and the futex word the waiter sleeps on.
    std::atomic<std::uint32_t> notified{0};
  };

  // The longest single sleep; a longer wait sleeps again (and so never overflows the
  // futex's nanosecond timeout).
  static constexpr std::chrono::hours kMaxSingleSleep{1};
  // Timeouts beyond this are treated as "a century": steady_clock::now() + timeout must not
  // overflow.
  static constexpr std::chrono::hours kLongestTimeout{24 * 365 * 100};

  template <class Rep, class Period>
  static std::chrono::nanoseconds bounded_wait(std::chrono::duration<Rep, Period> remaining) {
    if (remaining >= kMaxSingleSleep) return kMaxSingleSleep;
    return std::chrono::ceil<std::chrono::nanoseconds>(remaining);
  }

  template <class Rep, class Period>
  static std::chrono::steady_clock::time_point deadline_after(
      const std::chrono::duration<Rep, Period>& timeout) {
    const auto now = std::chrono::steady_clock::now();
    if (timeout >= kLongestTimeout) return now + kLongestTimeout;
    return now + std::chrono::ceil<std::chrono::steady_clock::duration>(timeout);
  }

  // Step 1 (and the injection point, the spurious decision): lists `self`, unlocks the user
  // mutex. Returns false for a spurious wakeup (do not sleep).
  bool begin_wait(waiter& self, std::unique_lock<mutex>& lock, source_location where);
  // Step 2: one bounded sleep on self.notified.
  static void sleep_on(waiter& self, std::chrono::nanoseconds timeout) noexcept;
  // Step 3: unlinks `self` if no notify did; relocks the user mutex. Returns whether notified.
  bool end_wait(waiter& self, std::unique_lock<mutex>& lock);

  void unlink(waiter& node) noexcept;                   // requires list_lock_
  static void signal(waiter& node) noexcept;            // requires list_lock_, node unlinked

  threads::detail::futex_lock list_lock_;
  // The waiters, in arrival order; guarded by list_lock_.
  struct waiter_list {
    waiter* head = nullptr;
    waiter* tail = nullptr;
    std::size_t num_waiters = 0;  // listed nodes
    std::size_t num_in_wait = 0;  // TCV.INV3
  } waiters_;
};

}  // namespace spindle::twist

#endif  // SPINDLE_TWIST_MODE_STD
