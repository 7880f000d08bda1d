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
// Wakeups: no spurious wakeups (a wait returns only after a notify picked it), and notify_one()
// wakes the oldest waiter (FIFO). Still wait with a predicate: another fiber may take the
// mutex, and change the state, between the notify and the woken waiter's relock.
// No wait_for / wait_until yet: a timed wait needs a timer that can take a waiter back out
// of the queue, racing a notify, and the timer service resumes only sleeping fibers.
//
// Protocol. waiters_ (a FIFO of fiber::sync::waiter nodes) and the mutex the waiters use are
// guarded by the spinlock lock_.
//   1. wait(lock): the caller holds lock's mutex. Take lock_, push our waiter, release lock_;
//      then unlock the mutex; park; lock the mutex again.
//   2. notify_one(): take lock_, pop the oldest waiter, release lock_, wake it.
//   3. notify_all(): take lock_, move waiters_ into a local list, release lock_, wake each,
//      reading the next link before waking it.
// No lost wakeup (CV1): the waiter enqueues (step 1) before it unlocks the mutex. A notifier
// that changed the predicate under the mutex after that unlock takes lock_ after the
// waiter's release of lock_, so it finds the waiter (or a notify before it did, which also
// woke it). The waiter's own wake-before-park race is waiter.hpp's WAIT1.
// Destruction (CV2): a notify releases lock_ before its first wake(), and a waiter returns
// only after being woken, so a woken waiter may destroy the condition variable at once, even
// while its notifier is still waking others. (As with std::condition_variable, no notify may
// *start* on a destroyed one: the user orders their own calls.)
//
// Misuse caught: wait() with a lock that does not own its mutex, waits on one condition
// variable with two different mutexes at once (always); destroying one that fibers or
// threads wait on (debug).
#pragma once

#include <concepts>

#include <spindle/config.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/waiter.hpp>

namespace spindle::fiber::sync {

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

  // Wakes the oldest waiter, if any.
  void notify_one() noexcept;

  // Wakes every waiter.
  void notify_all() noexcept;

 private:
  // Step 1: enqueue, unlock `mu`, park, lock `mu` again. The caller holds `mu`.
  void wait_holding(mutex& mu);

  core::spinlock lock_;
  struct {
    core::intrusive::queue<waiter, waiter_tag> waiters;  // oldest first
    mutex* waiters_mutex = nullptr;  // the mutex of the current waiters (null: none wait)
  } guarded_;  // guarded by lock_
};

}  // namespace spindle::fiber::sync
