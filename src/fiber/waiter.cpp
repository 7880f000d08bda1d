// fiber::sync::waiter: the protocol and its argument (WAIT1, WAIT2) are in waiter.hpp.
#include <spindle/fiber/sync/waiter.hpp>

#include <spindle/config.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/suspend.hpp>
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
    if (!state_.compare_exchange_strong(expected, parked_fiber, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
      SPINDLE_ASSERT(expected == notified_state, "fiber::sync::waiter parked twice");
      h.resume();  // the waker came first (WAIT1); `h` is a local copy
    }
    // On success the waker may resume the fiber at once: nothing of *this from here (WAIT2).
  });
}

void waiter::park_thread() noexcept {
  std::uint32_t expected = waiting;
  // acquire (both outcomes): pairs with the release exchange in wake().
  if (!state_.compare_exchange_strong(expected, parked_thread, std::memory_order_acquire,
                                      std::memory_order_acquire)) {
    SPINDLE_ASSERT(expected == notified_state, "fiber::sync::waiter parked twice");
    return;
  }
  // acquire: pairs with the release exchange in wake().
  while (twist::futex::wait(state_, parked_thread, std::memory_order_acquire) != notified_state) {
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
}

bool waiter::notified() const noexcept {
  // acquire: pairs with the release exchange in wake().
  return state_.load(std::memory_order_acquire) == notified_state;
}

}  // namespace spindle::fiber::sync
