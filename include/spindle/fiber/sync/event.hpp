// A one-shot event: wait() blocks the calling fiber (suspending it) or thread (futex) until
// fire() has been called; afterwards wait() returns at once, forever.
//
//   fiber::sync::event ready;
//   fiber::go(pool, [&] { ready.wait(); use(payload); });
//   payload = make();
//   ready.fire();                        // everything before fire() is visible after wait()
//
//   if (!ready.wait_for(std::chrono::milliseconds(5))) give_up();  // fibers: options::timers
//
// Protocol. state_ is one word: FIRED (bit 1) and a lock bit (bit 0) that guards waiters_.
// The lock bit lives in the same word as FIRED so that fire() can release the lock and
// publish FIRED in one store — its last access to the event (EVT.EV1). (A separate spinlock would
// need an unlock after FIRED is visible, and a waiter taking the fast path could already have
// destroyed the event by then.)
//   1. wait(): load state_ (acquire); FIRED -> return.
//   2. take the lock bit (CAS, spinning while another holds it) unless FIRED is seen, then
//      return; push our waiter; release the lock bit (release); park.
//   3. fire(): take the lock bit (if FIRED is already set, return: firing twice is harmless);
//      move waiters_ into a local list — claiming each and leaving out the timed-out ones,
//      if any timed waiter is queued; store FIRED (release: drops the lock bit too). From
//      here the event may be gone (EVT.EV1). Wake each waiter from the local list, reading the
//      next link before waking (a woken waiter's node may vanish at once).
//   4. wait_until(deadline): steps 1-2 with a timed waiter, parking with park_until. Woken:
//      true (fire() claimed us). Timed out: take the lock bit unless FIRED is seen. FIRED:
//      fire() ran and skipped us (our timeout won, waiter.hpp WT.WAIT4) — return true all the
//      same, the event is fired. Lock bit taken: FIRED is clear, so no fire() has run and
//      our waiter is still linked (EVT.EV2): unlink it (waiter.hpp, step 10), release the lock
//      bit (release store of 0), return false.
// No lost wakeup: a waiter enqueues only under the lock bit with FIRED clear; fire() takes the
// same bit before setting FIRED, so it finds every waiter that will ever park.
// EVT.EV2 (a waiter leaves waiters_ only by fire() or by its own unlink): fire() takes every
// waiter out — the claimed ones to wake, the timed-out ones dropped — and sets FIRED in the
// same critical section; a timed-out waiter unlinks itself (step 4). Both under the lock bit.
// Destroy the event only when no fire() can still be running and no wait is still in
// progress that fire() did not claim: e.g. right after wait() or a timed wait returned true
// — fire()'s last access was the store that the wait read, and a claimed waiter touches
// nothing of the event after its claim (storage-tested) — unless another timed wait may
// still be leaving after its timeout (it takes the lock bit to unlink itself). A timed-out
// waiter's unlink is O(its place in the queue), under the lock bit.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <spindle/core/intrusive/queue.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::sync {

class event {
 public:
  event() noexcept = default;
  ~event();

  event(const event&) = delete;
  event& operator=(const event&) = delete;
  event(event&&) = delete;
  event& operator=(event&&) = delete;

  // Blocks the calling fiber or thread until fire() has been called.
  void wait();

  // wait(), but gives up at `deadline`: true if fired (false: not fired when it gave up). A
  // fiber needs a timer service (options::timers).
  bool wait_until(twist::steady_clock::time_point deadline);

  // wait_until(now + timeout).
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& timeout) {
    if (is_fired()) return true;
    return wait_until(deadline_after(timeout));
  }

  // Fires the event and wakes every waiter. Any thread or fiber; idempotent.
  void fire();

  // True once fire() has been called (a snapshot).
  bool is_fired() const noexcept;

 private:
  static constexpr std::uint32_t lock_bit = 1;  // bit 0: someone holds waiters_
  static constexpr std::uint32_t fired = 2;     // bit 1: fire() was called (final)

  // Takes the lock bit; returns false instead if FIRED is set.
  bool lock_unless_fired() noexcept;
  // Step 2 up to the park: enqueues `self` (true), or returns false if FIRED is set.
  bool enqueue_unless_fired(waiter& self) noexcept;

  // FIRED | lock bit. Written by CAS (taking the lock), store (releasing it, or firing).
  twist::atomic<std::uint32_t> state_{0};
  core::intrusive::queue<waiter, waiter_tag> waiters_;  // guarded by the lock bit
  // How many of waiters_ are timed (0: fire() splices the queue). Guarded by the lock bit.
  std::size_t timed_waiters_ = 0;
};

}  // namespace spindle::fiber::sync
