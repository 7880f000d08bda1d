// fiber::jobs::detail::wait_node: the protocol (steps 1-3, JN.NODE1, JN.NODE2) is in wait_node.hpp.
#include <spindle/fiber/jobs/detail/wait_node.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/jobs/detail/pool_fiber.hpp>
#include <spindle/fiber/jobs/job_system.hpp>

namespace spindle::fiber::jobs::detail {

wait_node::wait_node() noexcept : fiber_(pool_fiber::current()) {}

void wait_node::park() {
  if (fiber_ == nullptr) {
    other_.park();  // a thread (futex) or a fiber::go fiber (suspends)
    return;
  }
  // acquire: pairs with the release exchange in wake() (the shortcut of step 2).
  if (state_.load(std::memory_order_acquire) == notified) return;
  fiber_->suspend_to_wait(*this);  // step 1; the worker does step 2
}

bool wait_node::try_park() noexcept {
  std::uint32_t expected = waiting;
  // release on success: the fiber's writes before it waited travel with it to whoever the
  // waker's make_ready() hands it to (pairs with the acquire exchange in wake());
  // acquire on failure: pairs with that exchange's release (the jobs' effects) — JN.NODE1.
  const bool parked_now = state_.compare_exchange_strong(
      expected, parked, std::memory_order_acq_rel, std::memory_order_acquire);
  SPINDLE_ASSERT(parked_now || expected == notified, "job_system: a wait node parked twice");
  return parked_now;
}

void wait_node::wake() noexcept {
  pool_fiber* const f = fiber_;  // read before the exchange: after it *this may be gone
  if (f == nullptr) {
    other_.wake();  // its last touch of *this (waiter.hpp, WT.WAIT2)
    return;
  }
  // release: publishes the waker's writes (the counter's jobs) to the resumed fiber;
  // acquire: pairs with the release CAS of try_park().
  const std::uint32_t before = state_.exchange(notified, std::memory_order_acq_rel);
  SPINDLE_ASSERT(before != notified, "job_system: a wait node woken twice");
  // JN.NODE2: nothing of *this from here; the pool_fiber lives as long as its pool.
  if (before == parked) f->pool().make_ready(*f);
}

}  // namespace spindle::fiber::jobs::detail
