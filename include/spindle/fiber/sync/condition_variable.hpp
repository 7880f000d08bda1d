// A condition variable for fiber::sync::mutex: wait() releases the mutex and blocks the
// calling fiber (it suspends) or thread (futex) until a notify, then takes the mutex again.
//
//   fiber::sync::mutex mu;
//   fiber::sync::condition_variable ready_cv;
//   bool ready = false;                    // guarded by mu
//   fiber::go(pool, [&] {
//     std::unique_lock lock(mu);
//     ready_cv.wait(lock, [&] { return ready; });
//   });
//   { std::lock_guard guard(mu); ready = true; }
//   ready_cv.notify_all();
//
//   if (!ready_cv.wait_for(lock, std::chrono::milliseconds(5), [&] { return ready; })) {
//     ...                                  // timed out, still not ready (fibers: options::timers)
//   }
//
// Wakeups: no spurious wakeups (a wait returns only after a notify picked it, or a timed wait's
// deadline passed), and notify_one() wakes the oldest waiter (FIFO). Still wait with a
// predicate: another fiber may take the mutex, and change the state, between the notify and
// the woken waiter's relock. A timed wait that a notify picked returns no_timeout even if its
// deadline passed meanwhile: the notify is consumed, never lost (FCV.CV3).
//
// Protocol. waiters_ (a FIFO of fiber::sync::waiter nodes) and the mutex the waiters use are
// guarded by the spinlock lock_.
//   1. wait(lock): the caller holds lock's mutex. Take lock_, push our waiter, release lock_;
//      then unlock the mutex; park; lock the mutex again.
//   2. notify_one(): take lock_, pop the oldest waiter that claim() accepts (skipping timed
//      waiters that timed out: they leave on their own), release lock_, wake it.
//   3. notify_all(): take lock_, move waiters_ into a local list — claiming each and leaving
//      out the timed-out ones, if any timed waiter is queued — release lock_, wake each,
//      reading the next link before waking it.
//   4. wait_until(lock, deadline): as step 1 with a timed waiter, parking with park_until.
//      Woken: no_timeout (a notify claimed us). Timed out: take lock_, unlink our waiter if
//      it is still queued (waiter.hpp, step 10), release lock_: timeout. Either way lock the
//      mutex again before returning.
// No lost wakeup (FCV.CV1): the waiter enqueues (step 1) before it unlocks the mutex. A notifier
// that changed the predicate under the mutex after that unlock takes lock_ after the
// waiter's release of lock_, so it finds the waiter (or a notify before it did, which also
// woke it). The waiter's own wake-before-park race is waiter.hpp's WT.WAIT1.
// A notify is never spent on a waiter that gave up (FCV.CV3): a notify claims the waiters it
// takes, under lock_; a claimed timed waiter no longer times out and reports no_timeout, and
// one whose timeout won is skipped — notify_one() goes on to the next waiter (waiter.hpp,
// WT.WAIT4).
// Destruction (FCV.CV2): a notify releases lock_ before its first wake(), and a waiter returns
// only after being woken — touching nothing of the condition variable after its claim — or,
// timed out, after unlinking itself under lock_ (step 4). So a waiter may destroy the
// condition variable as soon as its wait returns, even while its notifier is still waking
// others, provided no other wait is still in progress that no notify claimed (a timed wait
// whose timeout won still takes lock_ to leave). (As with std::condition_variable, no notify
// may *start* on a destroyed one: the user orders their own calls.)
//
// A timed-out waiter's unlink is O(its place in the queue) under lock_.
//
// Misuse caught: wait() or a timed wait with a lock that does not own its mutex, waits on one
// condition variable with two different mutexes at once (always); destroying one that fibers
// or threads wait on (debug).
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::sync {

// How a timed wait ended (std::cv_status, without the <condition_variable> include).
enum class cv_status { no_timeout, timeout };

class condition_variable {
 public:
  condition_variable() noexcept = default;
  // Nobody may wait on it.
  ~condition_variable();

  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;
  condition_variable(condition_variable&&) = delete;
  condition_variable& operator=(condition_variable&&) = delete;

  // Releases lock's mutex (which the caller must hold), blocks the calling fiber or thread
  // until notified, then takes the mutex again before returning. `Lock` is
  // std::unique_lock<fiber::sync::mutex> (a template only so this header need not include
  // <mutex>, which toolbox headers leave to their users).
  template <class Lock>
    requires std::same_as<typename Lock::mutex_type, mutex>
  void wait(Lock& lock) {
    SPINDLE_VERIFY(lock.owns_lock(),
                   "fiber::sync::condition_variable::wait() with a lock that does not own its "
                   "mutex");
    wait_holding(*lock.mutex());  // the mutex is held again on return: lock still owns it
  }

  // wait(lock) until pred() holds (checked under the mutex, first before waiting).
  template <class Lock, class Predicate>
    requires std::same_as<typename Lock::mutex_type, mutex>
  void wait(Lock& lock, Predicate pred) {
    while (!pred()) wait(lock);
  }

  // wait(lock), but gives up at `deadline` (and still takes the mutex again): timeout if no
  // notify picked it by then. A fiber needs a timer service (options::timers).
  template <class Lock>
    requires std::same_as<typename Lock::mutex_type, mutex>
  cv_status wait_until(Lock& lock, twist::steady_clock::time_point deadline) {
    SPINDLE_VERIFY(lock.owns_lock(),
                   "fiber::sync::condition_variable::wait_until() with a lock that does not "
                   "own its mutex");
    return wait_holding_until(*lock.mutex(), deadline);
  }

  // wait_until(lock, deadline) until pred() holds; returns pred() (false: timed out).
  template <class Lock, class Predicate>
    requires std::same_as<typename Lock::mutex_type, mutex>
  bool wait_until(Lock& lock, twist::steady_clock::time_point deadline, Predicate pred) {
    while (!pred()) {
      if (wait_until(lock, deadline) == cv_status::timeout) return pred();
    }
    return true;
  }

  // wait_until(lock, now + timeout).
  template <class Lock, class Rep, class Period>
    requires std::same_as<typename Lock::mutex_type, mutex>
  cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout) {
    return wait_until(lock, deadline_after(timeout));
  }

  // wait_until(lock, now + timeout, pred).
  template <class Lock, class Rep, class Period, class Predicate>
    requires std::same_as<typename Lock::mutex_type, mutex>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate pred) {
    return wait_until(lock, deadline_after(timeout), std::move(pred));
  }

  // Wakes the oldest waiter, if any.
  void notify_one() noexcept;

  // Wakes every waiter.
  void notify_all() noexcept;

 private:
  // Step 1: enqueue, unlock `mu`, park, lock `mu` again. The caller holds `mu`.
  void wait_holding(mutex& mu);
  // Step 4. The caller holds `mu`.
  cv_status wait_holding_until(mutex& mu, twist::steady_clock::time_point deadline);
  // Step 1's enqueue, under lock_.
  void enqueue(waiter& self, mutex& mu) SPINDLE_EXCLUDES(lock_);
  // Under lock_: the oldest waiter claim() accepts, skipping timed-out ones (steps 2, 3).
  waiter* pop_claimed() noexcept SPINDLE_REQUIRES(lock_);

  core::spinlock lock_;
  struct {
    core::intrusive::queue<waiter, waiter_tag> waiters;  // oldest first
    mutex* waiters_mutex = nullptr;  // the mutex of the current waiters (null: none wait)
    std::size_t timed_waiters = 0;   // how many of `waiters` are timed (0: notify_all splices)
  } guarded_ SPINDLE_GUARDED_BY(lock_);
};

}  // namespace spindle::fiber::sync
