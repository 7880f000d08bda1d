// fiber::sync::waiter: the protocol and its argument (WAIT1-WAIT5) are in waiter.hpp.
#include <spindle/fiber/sync/waiter.hpp>

#include <spindle/config.hpp>
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
    while (!state_.compare_exchange_strong(expected, parked_fiber, std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
      if (expected == notified_state) {
        h.resume();  // the waker came first (WAIT1); `h` is a local copy
        return;
      }
      // TIMED_OUT: step 9's park() after a timeout; retry from it (nothing else writes it).
      SPINDLE_ASSERT(expected == timed_out, "fiber::sync::waiter parked twice");
    }
    // On success the waker may resume the fiber at once: nothing of *this from here (WAIT2).
  });
}

void waiter::park_thread() noexcept {
  std::uint32_t expected = waiting;
  // acquire (both outcomes): pairs with the release exchange in wake().
  while (!state_.compare_exchange_strong(expected, parked_thread, std::memory_order_acquire,
                                         std::memory_order_acquire)) {
    if (expected == notified_state) return;
    // TIMED_OUT: step 9's park() after a timeout; retry from it.
    SPINDLE_ASSERT(expected == timed_out, "fiber::sync::waiter parked twice");
  }
  // acquire: pairs with the release exchange in wake().
  while (twist::futex::wait(state_, parked_thread, std::memory_order_acquire) != notified_state) {
  }
}

bool waiter::park_until(twist::steady_clock::time_point deadline) noexcept {
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

bool waiter::time_out_unparked() noexcept {
  std::uint32_t expected = waiting;
  // acquire on failure: pairs with the release exchange in wake() (woken after all);
  // relaxed on success: TIMED_OUT carries nothing.
  if (state_.compare_exchange_strong(expected, timed_out, std::memory_order_relaxed,
                                     std::memory_order_acquire)) {
    return false;
  }
  SPINDLE_ASSERT(expected == notified_state, "fiber::sync::waiter parked twice");
  return true;
}

bool waiter::park_fiber_until(timer_service& timers,
                              twist::steady_clock::time_point deadline) noexcept {
  // acquire: pairs with the release exchange in wake() (step 5's shortcut).
  if (state_.load(std::memory_order_acquire) == notified_state) return true;
  if (twist::steady_clock::now() >= deadline) return time_out_unparked();
  timer_service::entry timeout;  // WAIT5: leaves this frame only after step 8
  timeout.deadline = deadline;
  timeout.context = this;
  // A lambda in a member function: it may call the private expire().
  timeout.on_expire = [](timer_service::entry& e) noexcept {
    return static_cast<waiter*>(e.context)->expire();
  };
  detail::suspend([this, &timers, &timeout](handle h) {
    fiber_ = h;
    timeout.fiber = h;
    // Armed before PARKED_FIBER (step 5): from here the service may expire it, but it cannot
    // resume us while the state is WAITING (step 7), and neither can a waker (step 4).
    timers.arm(timeout);
    std::uint32_t expected = waiting;
    // As in park_fiber(): release on success publishes fiber_; acquire on failure.
    if (!state_.compare_exchange_strong(expected, parked_fiber, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
      SPINDLE_ASSERT(expected == notified_state || expected == timed_out,
                     "fiber::sync::waiter parked twice");
      h.resume();  // a waker or the expiry came first: both left the resume to us (WAIT3)
    }
    // On success a waker or the service may resume the fiber at once: nothing of this frame
    // from here (WAIT2, HANDLE1).
  });
  // Step 8. acquire: pairs with the release exchange in wake().
  if (state_.load(std::memory_order_acquire) == timed_out) return false;  // expired (TIM1)
  timers.disarm(timeout);  // woken: the entry may still be armed (WAIT5)
  return true;
}

bool waiter::expire() noexcept {
  // Under the timer service's lock (step 7). relaxed: TIMED_OUT carries no data — the
  // fiber's handle reached the service in the entry, under its lock, and the service's
  // resume() orders what the fiber reads next.
  std::uint32_t state = state_.load(std::memory_order_relaxed);
  while (state == waiting || state == parked_fiber) {
    if (state_.compare_exchange_weak(state, timed_out, std::memory_order_relaxed,
                                     std::memory_order_relaxed)) {
      return state == parked_fiber;  // parked: ours to resume (WAIT3); waiting: the owner's
    }
  }
  return false;  // NOTIFIED: the waker resumes (or resumed) the fiber
}

bool waiter::park_thread_until(twist::steady_clock::time_point deadline) noexcept {
  twist::steady_clock::time_point now = twist::steady_clock::now();
  if (now >= deadline) return time_out_unparked();
  std::uint32_t expected = waiting;
  // acquire (both outcomes): pairs with the release exchange in wake().
  if (!state_.compare_exchange_strong(expected, parked_thread, std::memory_order_acquire,
                                      std::memory_order_acquire)) {
    SPINDLE_ASSERT(expected == notified_state, "fiber::sync::waiter parked twice");
    return true;
  }
  while (true) {
    if (now >= deadline) {
      expected = parked_thread;
      // acquire on failure: pairs with the release exchange in wake(); relaxed on success.
      return !state_.compare_exchange_strong(expected, timed_out, std::memory_order_relaxed,
                                             std::memory_order_acquire);
    }
    twist::futex::wait_for(state_, parked_thread, deadline - now);
    // acquire: pairs with the release exchange in wake().
    if (state_.load(std::memory_order_acquire) == notified_state) return true;
    now = twist::steady_clock::now();
  }
}

void waiter::wake() noexcept {
  const twist::futex::wake_key key = twist::futex::prepare_wake(state_);
  // release: publishes what the waker did before waking (hand-off, payload) to park();
  // acquire: reads fiber_, written before the owner's release CAS to PARKED_FIBER.
  const std::uint32_t before = state_.exchange(notified_state, std::memory_order_acq_rel);
  SPINDLE_ASSERT(before != notified_state, "fiber::sync::waiter woken twice");
  if (before == parked_fiber) {
    const handle h = fiber_;  // the fiber is suspended until this resume: *this is alive
    h.resume();
  } else if (before == parked_thread) {
    twist::futex::wake_one(key);  // the key only: the thread may have returned already
  }
  // WAITING or TIMED_OUT: the owner is not parked and will read NOTIFIED (WAIT2, WAIT4).
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
