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
// Protocol. state_ is WAITING when the waiter is created; PARKED_FIBER / PARKED_THREAD once
// its owner sleeps; NOTIFIED once woken.
//   1. The owner makes the waiter reachable to a waker (enqueues it under the primitive's
//      lock) and releases that lock, then calls park().
//   2. park() on a fiber: if state_ is already NOTIFIED, return. Otherwise suspend
//      (fiber::detail::suspend); once off its stack, store the fiber's handle in fiber_ and
//      CAS state_ WAITING -> PARKED_FIBER (release: publishes fiber_). If the CAS fails the
//      state is NOTIFIED (the waker came first): resume the fiber ourselves.
//   3. park() on a thread: CAS state_ WAITING -> PARKED_THREAD; if it succeeded, futex-wait
//      while state_ == PARKED_THREAD (looping over spurious wakeups). If it failed, the state
//      is NOTIFIED: return.
//   4. wake(): prepare_wake(state_) (only an address), then exchange(NOTIFIED) (acq_rel).
//      It read WAITING: the owner has not parked; it will see NOTIFIED in step 2/3 and return
//      — the waker touches nothing more. It read PARKED_FIBER: the fiber is suspended and
//      nobody else can resume it, so *this is alive: read fiber_ and resume it (HANDLE1).
//      It read PARKED_THREAD: futex-wake the key, which holds only the address.
// No lost wakeup (WAIT1): the owner's CAS (steps 2, 3) and the waker's exchange (step 4) are
// read-modify-writes of one word, so one of them comes first; whichever comes second sees the
// other's value and acts on it — the waker resumes/wakes a parked owner, or the owner sees
// NOTIFIED and does not sleep.
// The waker never touches a freed waiter (WAIT2): the owner returns from park() only after
// reading NOTIFIED, written by the waker's exchange. Reading WAITING or PARKED_THREAD, the
// waker's exchange is its last access to *this (a thread may return at once, e.g. on a
// spurious futex wakeup; futex wake rule, DESIGN.md). Reading PARKED_FIBER, it reads fiber_
// before resuming, while the fiber is still suspended; after resume() it touches nothing.
// Memory: the exchange is a release, the owner's CAS/wait an acquire, so everything the waker
// did before wake() (a mutex hand-off, a channel's value) happens-before park() returning.
//
// Rules: wake() at most once per waiter; park() at most once, by the owner, after step 1.
// Parking inside a no_suspend_scope (holding a spinlock) is caught in debug builds.
#pragma once

#include <cstdint>

#include <spindle/core/intrusive/forward_hook.hpp>
#include <spindle/fiber/handle.hpp>
#include <spindle/twist/atomic.hpp>

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

  // True once wake() has been called (for the owner; e.g. after a timed-out wait).
  bool notified() const noexcept;

 private:
  enum : std::uint32_t { waiting = 0, parked_thread = 1, parked_fiber = 2, notified_state = 3 };

  void park_fiber() noexcept;
  void park_thread() noexcept;

  twist::atomic<std::uint32_t> state_{waiting};
  // The parked fiber. Written by the owner's after_switch before its release CAS to
  // PARKED_FIBER; read by the waker after its acquire exchange read PARKED_FIBER.
  handle fiber_;
};

}  // namespace spindle::fiber::sync
