// One party waiting for a synchronization primitive: a fiber (it parks by suspending, handing
// its worker to other work) or a plain thread (it parks on a futex in the waiter). The same
// primitive therefore works from both. A waiter is an intrusive node the waiting side owns
// (usually a local of the blocking call): enqueueing and waking allocate nothing.
//
//   // the blocking side, e.g. in a primitive's wait():
//   fiber::sync::waiter w;
//   {
//     std::lock_guard guard(lock_);                    // the primitive's own lock
//     fiber::no_suspend_scope no_suspend("my_primitive");
//     if (ready_) return;
//     waiters_.push_back(w);                           // core::intrusive::queue<waiter, waiter_tag>
//   }
//   w.park();                                          // returns once someone called w.wake()
//
//   // the waking side:
//   fiber::sync::waiter* w;
//   {
//     std::lock_guard guard(lock_);
//     w = waiters_.pop_front();                        // unlink it while holding the lock
//   }
//   if (w != nullptr) w->wake();                       // last touch of *w
//
// Derive from waiter to carry a payload (a channel's value slot); the waker reads and writes
// the payload before wake(), never after.
//
// A timed wait parks with park_until() and, if that times out, takes itself back out of the
// queue — or, if a waker dequeued it first, takes that wakeup after all (steps 5-9 below):
//   if (!w.park_until(deadline)) {
//     bool unlinked;
//     {
//       std::lock_guard guard(lock_);
//       unlinked = fiber::sync::unlink_waiter(waiters_, w);
//     }
//     if (unlinked) return false;                      // timed out: nobody will wake it
//     w.park();                                        // a waker has it: take its wake()
//   }
//   return true;
//
// Protocol. state_ is WAITING when the waiter is created; PARKED_FIBER / PARKED_THREAD once
// its owner sleeps; NOTIFIED once woken; TIMED_OUT once a timed park gave up.
//   1. The owner makes the waiter reachable to a waker (enqueues it under the primitive's
//      lock) and releases that lock, then calls park() or park_until().
//   2. park() on a fiber: if state_ is already NOTIFIED, return. Otherwise suspend
//      (fiber::detail::suspend); once off its stack, store the fiber's handle in fiber_ and
//      CAS state_ WAITING -> PARKED_FIBER (release: publishes fiber_). If the CAS fails the
//      state is NOTIFIED (the waker came first): resume the fiber ourselves.
//   3. park() on a thread: CAS state_ WAITING -> PARKED_THREAD; if it succeeded, futex-wait
//      while state_ == PARKED_THREAD (looping over spurious wakeups). If it failed, the state
//      is NOTIFIED: return.
//   (A park() after a timed-out park_until, step 9, starts from TIMED_OUT instead of WAITING:
//   its CAS retries from TIMED_OUT, which wake() treats like WAITING.)
//   4. wake(): prepare_wake(state_) (only an address), then exchange(NOTIFIED) (acq_rel).
//      It read WAITING or TIMED_OUT: the owner is not parked; it will see NOTIFIED in step
//      2/3/5/6/9 (or has timed out and will find the waiter dequeued, step 9) — the waker
//      touches nothing more. It read PARKED_FIBER: the fiber is suspended and nobody else can
//      resume it (WAIT3), so *this is alive: read fiber_ and resume it (HANDLE1). It read
//      PARKED_THREAD: futex-wake the key, which holds only the address.
//   5. park_until() on a fiber (it needs a timer service, options::timers): if NOTIFIED,
//      return woken; if the deadline has passed, CAS WAITING -> TIMED_OUT (failing: NOTIFIED,
//      woken) and return. Otherwise suspend; off its stack, store the handle in fiber_ and in a
//      timer_service::entry (a local of park_until whose on_expire is step 7), arm() the entry,
//      then CAS WAITING -> PARKED_FIBER as in step 2. If that CAS fails the state is NOTIFIED
//      (a waker came first) or TIMED_OUT (the entry expired first, step 7): resume the fiber
//      ourselves. Arming before parking matters: an entry armed after PARKED_FIBER could be
//      armed from a frame that a waker has already let the fiber pop.
//   6. park_until() on a thread: the deadline shortcut of step 5, then as step 3 but the futex
//      wait has a timeout; at the deadline CAS PARKED_THREAD -> TIMED_OUT: timed out, or
//      (failing: NOTIFIED) woken.
//   7. expiry, the service's on_expire (under the service's lock, the entry out of its heap):
//      CAS WAITING or PARKED_FIBER -> TIMED_OUT. From PARKED_FIBER it tells the service to
//      resume the fiber; from WAITING it does not (step 5's CAS will fail and the owner
//      resumes itself); NOTIFIED: it changes nothing, and the waker resumes the fiber.
//   8. The fiber runs again (step 5 continued): TIMED_OUT — the wait timed out (the service
//      expired the entry, so it is out of the heap, TIM1 of timer_service.hpp). NOTIFIED —
//      woken: disarm() the entry (it may still be in the heap), then return.
//   9. After a timed-out park_until the owner takes the primitive's lock and unlinks the
//      waiter from its queue (unlink_waiter). Found: no waker can reach it any more — the wait
//      timed out. Not found: a waker dequeued it and its wake() is on the way: park() (it
//      returns at once if the wake came, else waits for it) and count the wait as woken.
// No lost wakeup (WAIT1): the owner's CAS (steps 2, 3, 5, 6) and the waker's exchange (step 4)
// are read-modify-writes of one word, so one of them comes first; whichever comes second sees
// the other's value and acts on it — the waker resumes/wakes a parked owner, or the owner sees
// NOTIFIED and does not sleep.
// The waker never touches a freed waiter (WAIT2): the owner returns from park() only after
// reading NOTIFIED, written by the waker's exchange. Reading WAITING, TIMED_OUT or
// PARKED_THREAD, the waker's exchange is its last access to *this (a thread may return at
// once, e.g. on a spurious futex wakeup; futex wake rule, DESIGN.md). Reading PARKED_FIBER, it
// reads fiber_ before resuming, while the fiber is still suspended; after resume() it touches
// nothing. A timed-out owner returns without NOTIFIED only when it unlinked the waiter under
// the primitive's lock first (step 9), so no waker holds it.
// One resumer per suspension (WAIT3): PARKED_FIBER is written at most once per suspension,
// and the waker's exchange, the expiry's CAS and nothing else replace it — whichever of the
// two reads it resumes the fiber, the other reads NOTIFIED/TIMED_OUT and does not. If neither
// does, the owner's own CAS failed and it resumes itself. So the timer service never resumes
// a fiber a waker resumed, nor a waker one the service resumed.
// No wakeup lost to a timeout (WAIT4): a waker reaches a waiter only by dequeuing it under the
// primitive's lock, and step 9 unlinks under that lock, so exactly one of them takes the
// waiter out. If the waker did, it will call wake() whatever the state (it does not look
// first), and the owner waits in park() for it and reports "woken": what the waker handed
// over with it (a mutex's ownership, a notify) is consumed by this owner, never dropped.
// The timer entry dies clean (WAIT5): park_until returns only after step 8 — the entry
// expired (the service let go of it under its lock and resumed us, if it did, reading
// nothing after) or was disarmed.
// Memory: the exchange is a release, the owner's CAS/wait an acquire, so everything the waker
// did before wake() (a mutex hand-off, a channel's value) happens-before park() returning.
// TIMED_OUT carries no data (relaxed in step 7).
//
// Rules: wake() at most once per waiter; park() or park_until() at most once, by the owner,
// after step 1 — plus the one park() of step 9 after a timed-out park_until.
// Parking inside a no_suspend_scope (holding a spinlock) is caught in debug builds.
#pragma once

#include <chrono>
#include <cstdint>

#include <spindle/core/intrusive/forward_hook.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/fiber/handle.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber {
class timer_service;
}

namespace spindle::fiber::sync {

// The tag primitives link waiters with (core::intrusive::queue<waiter, waiter_tag>).
struct waiter_tag;

class waiter : public core::intrusive::forward_hook<waiter_tag> {
 public:
  waiter() noexcept = default;

  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;
  waiter(waiter&&) = delete;
  waiter& operator=(waiter&&) = delete;

  // Blocks the calling fiber (suspending it) or thread (futex) until wake() has been called;
  // returns at once if it already has. Owner only, once.
  void park() noexcept;

  // Wakes the owner, parked or about to park. Any thread or fiber, at most once. *this may be
  // freed by its owner from the moment this is called: the caller must not touch it again.
  void wake() noexcept;

  // Like park(), but gives up at `deadline`: true if woken, false if it timed out. After
  // false the waiter may still be in the primitive's queue or held by a waker: unlink it
  // under the primitive's lock, and if it was gone, park() for the wake on its way (step 9).
  // A fiber needs a timer service (options::timers); without one the program stops.
  bool park_until(twist::steady_clock::time_point deadline) noexcept;

  // True once wake() has been called (for the owner; e.g. after a timed-out wait).
  bool notified() const noexcept;

 private:
  enum : std::uint32_t {
    waiting = 0,
    parked_thread = 1,
    parked_fiber = 2,
    notified_state = 3,
    timed_out = 4,
  };

  void park_fiber() noexcept;
  void park_thread() noexcept;
  bool park_fiber_until(timer_service& timers, twist::steady_clock::time_point deadline) noexcept;
  bool park_thread_until(twist::steady_clock::time_point deadline) noexcept;
  // Step 5's shortcut: the deadline passed before parking. CAS WAITING -> TIMED_OUT.
  bool time_out_unparked() noexcept;
  // Step 7 (the timer entry's on_expire): true if the service is to resume the fiber.
  bool expire() noexcept;

  twist::atomic<std::uint32_t> state_{waiting};
  // The parked fiber. Written by the owner's after_switch before its release CAS to
  // PARKED_FIBER; read by the waker after its acquire exchange read PARKED_FIBER.
  handle fiber_;
};

// Step 9: takes `w` out of `queue` if it is there (O(position): the queue is rebuilt up to it,
// order kept); false if it was not (a waker dequeued it). Call it under the primitive's lock.
bool unlink_waiter(core::intrusive::queue<waiter, waiter_tag>& queue, waiter& w) noexcept;

// The deadline `timeout` from now, rounded up to the clock's tick; a timeout too long for the
// clock gives time_point::max() (wait forever, in practice).
template <class Rep, class Period>
twist::steady_clock::time_point deadline_after(
    const std::chrono::duration<Rep, Period>& timeout) noexcept {
  using time_point = twist::steady_clock::time_point;
  const time_point now = twist::steady_clock::now();
  if (timeout <= timeout.zero()) return now;
  // Compared in floating point so that neither side overflows; a second of slack keeps the
  // rounding of the comparison from letting ceil() below overflow.
  const auto left = time_point::max() - now - std::chrono::seconds(1);
  if (std::chrono::duration<double>(timeout) >= std::chrono::duration<double>(left)) {
    return time_point::max();
  }
  return now + std::chrono::ceil<twist::steady_clock::duration>(timeout);
}

}  // namespace spindle::fiber::sync
