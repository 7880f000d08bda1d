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
// A timed wait uses a waiter built with `timed`; every waker claims what it dequeues, under
// the primitive's lock, before waking it — a claim fails only on a timed waiter that has
// already timed out, which the waker then skips (steps 5-10 below):
//   // the blocking side:
//   fiber::sync::waiter self(fiber::sync::timed);
//   ... enqueue it under lock_, as above ...
//   if (self.park_until(deadline)) return true;        // woken
//   std::lock_guard guard(lock_);
//   fiber::sync::unlink_waiter(waiters_, self);         // gone already if a waker skipped it
//   return false;                                       // timed out
//
//   // the waking side:
//   {
//     std::lock_guard guard(lock_);
//     do w = waiters_.pop_front(); while (w != nullptr && !w->claim());
//   }
//   if (w != nullptr) w->wake();
//
// Protocol. state_ is a phase — WAITING when the waiter is created; PARKED_FIBER /
// PARKED_THREAD once its owner sleeps; NOTIFIED once woken; TIMED_OUT once a timed park gave
// up — plus, for timed waiters only, a CLAIMED bit a waker sets on a WAITING or PARKED_* one.
// An untimed waiter is never CLAIMED nor TIMED_OUT: steps 1-4 are its whole protocol.
//   1. The owner makes the waiter reachable to a waker (enqueues it under the primitive's
//      lock) and releases that lock, then calls park() (park_until() if timed).
//   2. park() on a fiber: if state_ is already NOTIFIED, return. Otherwise suspend
//      (fiber::detail::suspend); once off its stack, store the fiber's handle in fiber_ and
//      CAS state_ WAITING -> PARKED_FIBER (release: publishes fiber_). If the CAS fails the
//      state is NOTIFIED (the waker came first): resume the fiber ourselves.
//   3. park() on a thread: CAS state_ WAITING -> PARKED_THREAD; if it succeeded, futex-wait
//      while state_ == PARKED_THREAD (looping over spurious wakeups). If it failed, the state
//      is NOTIFIED: return.
//   4. wake(): prepare_wake(state_) (only an address), then exchange(NOTIFIED) (acq_rel).
//      It read WAITING (CLAIMED or not): the owner has not parked; it will see NOTIFIED and
//      return — the waker touches nothing more. It read PARKED_FIBER: the fiber is suspended
//      and nobody else can resume it (WT.WAIT3), so *this is alive: read fiber_ and resume it
//      (HD.HANDLE1). It read PARKED_THREAD: futex-wake the key, which holds only the address.
//   5. claim() (a waker, under the primitive's lock, on a waiter it just dequeued): untimed —
//      true, no atomic. Timed — CAS WAITING / PARKED_* -> the same | CLAIMED: true; the state
//      is TIMED_OUT: false — the waker must not wake it (it leaves on its own, step 10) and
//      passes the wakeup on as its primitive says (the next waiter, or nobody).
//   6. park_until() on a fiber (it needs a timer service, options::timers): NOTIFIED: return
//      woken. Deadline passed: CAS WAITING -> TIMED_OUT, and return timed out if that
//      succeeded. Otherwise suspend; off its stack, store the handle in fiber_ and in a
//      timer_service::entry (a local of park_until whose on_expire is step 8), arm() the
//      entry, then CAS WAITING -> PARKED_FIBER keeping CLAIMED (release, as in step 2). If
//      the state is NOTIFIED (a waker came first) or TIMED_OUT (the entry expired first,
//      step 8), resume the fiber ourselves. Arming before parking matters: an entry armed
//      after PARKED_FIBER could be armed from a frame a waker has already let the fiber pop.
//   7. park_until() on a thread: the deadline shortcut of step 6; CAS WAITING -> PARKED_THREAD
//      keeping CLAIMED; futex-wait with a timeout while the state is unchanged. At the
//      deadline CAS PARKED_THREAD -> TIMED_OUT: timed out. That fails on CLAIMED: the wake is
//      coming — futex-wait for it without a timeout; or on NOTIFIED: woken.
//   8. expiry, the entry's on_expire (under the service's lock, the entry out of its heap):
//      CAS exactly WAITING or exactly PARKED_FIBER -> TIMED_OUT. From PARKED_FIBER it tells
//      the service to resume the fiber; from WAITING it does not (step 6's CAS will fail and
//      the owner resumes itself). CLAIMED or NOTIFIED: it changes nothing — the waker will
//      resume the fiber, or has.
//   9. The fiber runs again (step 6 continued): TIMED_OUT — timed out (the service expired
//      the entry, so it is out of its heap: TS.TIM1 of timer_service.hpp). NOTIFIED — woken:
//      disarm() the entry (it may still be in the heap), then return.
//  10. After a timed-out park_until the owner takes the primitive's lock and unlinks the
//      waiter if it is still queued (unlink_waiter); a waker that dequeued it got false from
//      claim() and dropped it. Then it returns: nobody will wake it.
// No lost wakeup (WT.WAIT1): the owner's parking CAS (steps 2, 3, 6, 7) and the waker's exchange
// (step 4) are read-modify-writes of one word, so one of them comes first; whichever comes
// second sees the other's value and acts on it — the waker resumes/wakes a parked owner, or
// the owner sees NOTIFIED and does not sleep.
// The waker never touches a freed waiter (WT.WAIT2): a woken owner returns only after reading
// NOTIFIED, written by the waker's exchange. Reading WAITING or PARKED_THREAD, that exchange
// is its last access to *this (a thread may return at once, e.g. on a spurious futex wakeup;
// futex wake rule, docs/design.md). Reading PARKED_FIBER, it reads fiber_ before resuming, while
// the fiber is still suspended; after resume() it touches nothing. A timed-out owner returns
// only after its unlink under the primitive's lock (step 10), and wakers touch an unclaimed
// waiter only under that lock.
// One resumer per suspension (WT.WAIT3): PARKED_FIBER is written once per suspension, and only
// the waker's exchange and the expiry's CAS (which needs it unclaimed) replace it — whichever
// reads it resumes the fiber; the other reads NOTIFIED/TIMED_OUT/CLAIMED and does not. If
// neither does, the owner's own CAS failed and it resumes itself. So the timer service never
// resumes a fiber a waker resumed, nor a waker one the service resumed.
// Timeout or wakeup, never both, never neither (WT.WAIT4): a timed waiter's claim (step 5) and
// its timeout (steps 6, 7, 8) are CASes on state_, each requiring the other's mark to be
// absent, so exactly one succeeds. The claim won: the owner no longer times out, it waits for
// the wake the waker owes it and returns woken without touching the primitive again — so
// what the waker hands over with the wake (a mutex's ownership, a notify) is consumed, and
// the primitive may be destroyed as after an untimed wait. The timeout won: no waker wakes it
// (they skip it, step 5), so nothing is ever handed to an owner that left, and the wakeup
// goes to someone who still waits.
// The timer entry dies clean (WT.WAIT5): park_until returns only after step 9 — the entry
// expired (the service let go of it under its lock and resumed us, if it did, reading
// nothing after) or was disarmed.
// Memory: the exchange is a release, the owner's CAS/wait an acquire, so everything the waker
// did before wake() (a mutex hand-off, a channel's value) happens-before park() returning.
// CLAIMED carries no data (relaxed). The expiry's TIMED_OUT is a release: from WAITING the
// owner resumes itself, so that CAS is all that orders the service's reads of the entry
// before the owner's frame is reused.
// Why claim rather than let the timed-out owner wait for a wake already on its way: the claim
// keeps a claimed owner off the primitive — it never unlinks, so a primitive destroyed by
// another woken waiter (after notify_all, after fire) is never touched by it — and wakeups
// are never spent on owners that gave up. It costs one CAS per woken timed waiter; untimed
// waiters pay a plain bool test.
//
// Rules: wake() at most once per waiter, after a successful claim() if it is timed; park() or
// park_until() at most once, by the owner, after step 1; park_until() only on a timed waiter.
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

// Selects the timed waiter constructor: waiter self(fiber::sync::timed).
struct timed_t {
  explicit timed_t() = default;
};
inline constexpr timed_t timed{};

class waiter : public core::intrusive::forward_hook<waiter_tag> {
 public:
  // An untimed waiter: park() only.
  waiter() noexcept = default;
  // A timed waiter: park_until() (or park()); its wakers must claim() it (step 5).
  explicit waiter(timed_t) noexcept : timed_(true) {}

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

  // For a waker that dequeued this waiter, under the primitive's lock: true — wake() it
  // after releasing the lock; false — it timed out (timed waiters only): do not wake it, it
  // leaves on its own. No atomic for an untimed waiter.
  bool claim() noexcept {
    if (!timed_) return true;  // never times out (timed_ is set before it is enqueued)
    return claim_timed();
  }

  // Like park(), but gives up at `deadline` unless a waker claimed it first: true if woken,
  // false if it timed out — then no waker will wake it; unlink it from the primitive's queue
  // (under the primitive's lock) before it dies (step 10). Timed waiters only. A fiber needs
  // a timer service (options::timers); without one the program stops.
  bool park_until(twist::steady_clock::time_point deadline) noexcept;

  // Whether it was built with `timed` (so it may time out, and wakers must claim it).
  bool is_timed() const noexcept { return timed_; }

  // True once wake() has been called (for the owner; e.g. after a timed-out wait).
  bool notified() const noexcept;

 private:
  // Phases (the low bits) and the CLAIMED bit of state_.
  enum : std::uint32_t {
    waiting = 0,
    parked_thread = 1,
    parked_fiber = 2,
    notified_state = 3,
    timed_out = 4,
    claimed = 8,
  };
  static_assert(claimed > timed_out && (claimed & (claimed - 1)) == 0,
                "CLAIMED is a bit of its own above every phase");

  void park_fiber() noexcept;
  void park_thread() noexcept;
  bool claim_timed() noexcept;
  bool park_fiber_until(timer_service& timers, twist::steady_clock::time_point deadline) noexcept;
  bool park_thread_until(twist::steady_clock::time_point deadline) noexcept;
  // Step 8 (the timer entry's on_expire): true if the service is to resume the fiber.
  bool expire() noexcept;

  twist::atomic<std::uint32_t> state_{waiting};
  // Set by the constructor, before the waiter is enqueued; read by wakers under the
  // primitive's lock (which orders it). Beside state_, in what would be padding.
  bool timed_ = false;
  // The parked fiber. Written by the owner's after_switch before its release CAS to
  // PARKED_FIBER; read by the waker after its acquire exchange read PARKED_FIBER.
  handle fiber_;
};

// Step 10: takes `w` out of `queue` if it is there (O(position): the queue is rebuilt up to
// it, order kept); false if it was not (a waker dequeued it and skipped it). Call it under
// the primitive's lock.
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
