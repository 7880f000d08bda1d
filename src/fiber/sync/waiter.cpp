// fiber::sync::waiter: the protocol (steps 1-10) and its argument (WT.WAIT1-WT.WAIT5) are in
// waiter.hpp.
#include <spindle/fiber/sync/waiter.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/suspend.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/twist/futex.hpp>

namespace spindle::fiber::sync {

void waiter::park() noexcept {
  if (is_fiber()) {
    park_fiber();
  } else {
    detail::check_may_block("fiber::sync::waiter::park() on a thread");
    park_thread();
  }
}

void waiter::park_fiber() noexcept {
  // acquire: pairs with the release exchange in wake() (step 2's shortcut).
  if (state_.load(std::memory_order_acquire) == notified_state) return;
  detail::suspend([this](handle h) {
    fiber_ = h;
    std::uint32_t expected = waiting;
    // release on success: publishes fiber_ to the acquire exchange in wake();
    // acquire on failure: pairs with that exchange's release (the waker's writes).
    while (!state_.compare_exchange_strong(expected, expected | parked_fiber,
                                           std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
      if (expected == notified_state) {
        h.resume();  // the waker came first (WT.WAIT1); `h` is a local copy
        return;
      }
      // A timed waiter already claimed (park() instead of park_until()): park keeping CLAIMED.
      SPINDLE_ASSERT(expected == (waiting | claimed), "fiber::sync::waiter parked twice");
    }
    // On success the waker may resume the fiber at once: nothing of *this from here (WT.WAIT2).
  });
}

void waiter::park_thread() noexcept {
  std::uint32_t expected = waiting;
  // acquire (both outcomes): pairs with the release exchange in wake().
  while (!state_.compare_exchange_strong(expected, expected | parked_thread,
                                         std::memory_order_acquire, std::memory_order_acquire)) {
    if (expected == notified_state) return;
    SPINDLE_ASSERT(expected == (waiting | claimed), "fiber::sync::waiter parked twice");
  }
  // acquire: pairs with the release exchange in wake(). Each wait compares with the value
  // read last (a claim may add CLAIMED while we sleep).
  std::uint32_t state = expected | parked_thread;
  while ((state = twist::futex::wait(state_, state, std::memory_order_acquire)) !=
         notified_state) {
  }
}

bool waiter::claim_timed() noexcept {
  // Step 5, under the primitive's lock. relaxed: the claim carries no data — the owner only
  // learns from it to stop timing out; what the waker hands over travels by wake() (release).
  std::uint32_t state = state_.load(std::memory_order_relaxed);
  while (true) {
    if (state == timed_out) return false;  // WT.WAIT4: the timeout won; skip this waiter
    SPINDLE_ASSERT((state & claimed) == 0 && state != notified_state,
                   "fiber::sync::waiter claimed twice, or after its wake");
    if (state_.compare_exchange_weak(state, state | claimed, std::memory_order_relaxed,
                                     std::memory_order_relaxed)) {
      return true;
    }
  }
}

bool waiter::park_until(twist::steady_clock::time_point deadline) noexcept {
  // Always checked: wakers do not claim an untimed waiter, so its timeout could race a wake.
  SPINDLE_VERIFY(timed_, "fiber::sync::waiter::park_until() on an untimed waiter (construct it "
                         "with fiber::sync::timed)");
  if (is_fiber()) {
    detail::fiber_block& self = detail::current_to_suspend("fiber::sync::waiter::park_until()");
    timer_service* timers = self.timers();
    SPINDLE_VERIFY(timers != nullptr,
                   "fiber::sync: a timed wait (wait_until, wait_for, try_lock_until, "
                   "try_lock_for) in a fiber without a timer service (set options::timers)");
    return park_fiber_until(*timers, deadline);
  }
  detail::check_may_block("fiber::sync::waiter::park_until() on a thread");
  return park_thread_until(deadline);
}

bool waiter::park_fiber_until(timer_service& timers,
                              twist::steady_clock::time_point deadline) noexcept {
  // acquire: pairs with the release exchange in wake() (step 6's shortcut).
  std::uint32_t state = state_.load(std::memory_order_acquire);
  if (state == notified_state) return true;
  if (state == waiting && twist::steady_clock::now() >= deadline) {
    // relaxed on success: TIMED_OUT carries nothing. Failing (claimed, or woken since), go on
    // and park: the wake is coming or came.
    if (state_.compare_exchange_strong(state, timed_out, std::memory_order_relaxed,
                                       std::memory_order_relaxed)) {
      return false;
    }
  }
  timer_service::entry timeout;  // WT.WAIT5: leaves this frame only after step 9
  timeout.deadline = deadline;
  timeout.context = this;
  // A lambda in a member function: it may call the private expire().
  timeout.on_expire = [](timer_service::entry& e) noexcept {
    return static_cast<waiter*>(e.context)->expire();
  };
  detail::suspend([this, &timers, &timeout](handle h) {
    fiber_ = h;
    timeout.fiber = h;
    // Armed before PARKED_FIBER (step 6): from here the service may expire it, but it cannot
    // resume us while the state is WAITING (step 8), and neither can a waker (step 4).
    timers.arm(timeout);
    std::uint32_t expected = waiting;
    // As in park_fiber(): release on success publishes fiber_; acquire on failure.
    while (!state_.compare_exchange_strong(expected, expected | parked_fiber,
                                           std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
      if (expected == notified_state || expected == timed_out) {
        h.resume();  // a waker or the expiry came first: both left the resume to us (WT.WAIT3)
        return;
      }
      // WAITING | CLAIMED: a waker claimed us meanwhile; park keeping the bit.
      SPINDLE_ASSERT(expected == (waiting | claimed), "fiber::sync::waiter parked twice");
    }
    // On success a waker or the service may resume the fiber at once: nothing of this frame
    // from here (WT.WAIT2, HD.HANDLE1).
  });
  // Step 9. acquire: pairs with the release exchange in wake().
  if (state_.load(std::memory_order_acquire) == timed_out) return false;  // expired (TS.TIM1)
  timers.disarm(timeout);  // woken: the entry may still be armed (WT.WAIT5)
  return true;
}

bool waiter::expire() noexcept {
  // Step 8, under the timer service's lock. relaxed loads: the fiber's handle reached the
  // service in the entry, under its lock; a CLAIMED or NOTIFIED owner disarm()s, taking that
  // lock after us.
  std::uint32_t state = state_.load(std::memory_order_relaxed);
  while (state == waiting || state == parked_fiber) {  // unclaimed, not woken
    // release: the service's last access to the entry and the waiter when the owner resumes
    // itself (from WAITING: no resume() or lock orders it); pairs with the owner's acquire
    // read of TIMED_OUT (its failed parking CAS, step 9's load), after which its frame is
    // reused.
    if (state_.compare_exchange_weak(state, timed_out, std::memory_order_release,
                                     std::memory_order_relaxed)) {
      return state == parked_fiber;  // parked: ours to resume (WT.WAIT3); waiting: the owner's
    }
  }
  return false;  // CLAIMED or NOTIFIED: the waker resumes (or resumed) the fiber (WT.WAIT4)
}

bool waiter::park_thread_until(twist::steady_clock::time_point deadline) noexcept {
  twist::steady_clock::time_point now = twist::steady_clock::now();
  // acquire: pairs with the release exchange in wake().
  std::uint32_t state = state_.load(std::memory_order_acquire);
  while (true) {  // step 7: park (or time out before parking)
    if (state == notified_state) return true;
    if (state == waiting && now >= deadline) {
      // acquire on failure: pairs with the release exchange in wake(). (On success too, as
      // gcc rejects a failure order stronger than the success one; TIMED_OUT carries nothing.)
      if (state_.compare_exchange_strong(state, timed_out, std::memory_order_acquire,
                                         std::memory_order_acquire)) {
        return false;
      }
      continue;
    }
    SPINDLE_ASSERT(state == waiting || state == (waiting | claimed),
                   "fiber::sync::waiter parked twice");
    // acquire (both outcomes): pairs with the release exchange in wake().
    if (state_.compare_exchange_strong(state, state | parked_thread, std::memory_order_acquire,
                                       std::memory_order_acquire)) {
      state |= parked_thread;
      break;
    }
  }
  while (true) {
    if (state == notified_state) return true;
    if (state == parked_thread) {  // unclaimed: may still time out
      if (now >= deadline) {
        // acquire on failure: pairs with the release exchange in wake() (on success too: as
        // above).
        if (state_.compare_exchange_strong(state, timed_out, std::memory_order_acquire,
                                           std::memory_order_acquire)) {
          return false;
        }
        continue;  // claimed or woken meanwhile
      }
      twist::futex::wait_for(state_, state, deadline - now);
      now = twist::steady_clock::now();
    } else {
      SPINDLE_ASSERT(state == (parked_thread | claimed), "fiber::sync::waiter: bad state");
      // Claimed: the wake is on its way (WT.WAIT4); no timeout any more.
      twist::futex::wait(state_, state, std::memory_order_relaxed);
    }
    // acquire: pairs with the release exchange in wake().
    state = state_.load(std::memory_order_acquire);
  }
}

void waiter::wake() noexcept {
  // Read before the exchange frees *this (WT.WAIT2).
  [[maybe_unused]] const bool was_timed = timed_;
  const twist::futex::wake_key key = twist::futex::prepare_wake(state_);
  // release: publishes what the waker did before waking (hand-off, payload) to park();
  // acquire: reads fiber_, written before the owner's release CAS to PARKED_FIBER.
  const std::uint32_t before = state_.exchange(notified_state, std::memory_order_acq_rel);
  SPINDLE_ASSERT(before != notified_state, "fiber::sync::waiter woken twice");
  SPINDLE_ASSERT(before != timed_out,
                 "fiber::sync::waiter woken after it timed out (claim() it before waking)");
  SPINDLE_ASSERT(!was_timed || (before & claimed) != 0,
                 "fiber::sync::waiter: a timed waiter woken without claim()");
  if ((before & ~claimed) == parked_fiber) {
    const handle h = fiber_;  // the fiber is suspended until this resume: *this is alive
    h.resume();
  } else if ((before & ~claimed) == parked_thread) {
    twist::futex::wake_one(key);  // the key only: the thread may have returned already
  }
  // WAITING: the owner is not parked and will read NOTIFIED (WT.WAIT2).
}

bool waiter::notified() const noexcept {
  // acquire: pairs with the release exchange in wake().
  return state_.load(std::memory_order_acquire) == notified_state;
}

bool unlink_waiter(core::intrusive::queue<waiter, waiter_tag>& queue, waiter& w) noexcept {
  core::intrusive::queue<waiter, waiter_tag> before;  // the waiters ahead of `w`, in order
  bool found = false;
  while (waiter* next = queue.pop_front()) {
    if (next == &w) {
      found = true;
      break;
    }
    before.push_back(*next);
  }
  before.splice(queue);  // the waiters behind `w` (none if it was not there)
  queue.splice(before);
  return found;
}

}  // namespace spindle::fiber::sync
