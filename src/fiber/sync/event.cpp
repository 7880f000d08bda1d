// fiber::sync::event: the protocol (steps 1-4, EVT.EV1, EVT.EV2) is in event.hpp.
#include <spindle/fiber/sync/event.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/twist/spin_wait.hpp>

namespace spindle::fiber::sync {

namespace {
constexpr const char* lock_name = "fiber::sync::event waiter lock";
}

event::~event() {
  // relaxed: destruction happens-after every wait/fire by the owner's own synchronization.
  SPINDLE_ASSERT((state_.load(std::memory_order_relaxed) & lock_bit) == 0 && waiters_.empty(),
                 "fiber::sync::event destroyed while fibers or threads wait on it");
}

bool event::lock_unless_fired() noexcept {
  twist::spin_wait spin;
  // relaxed: a first guess for the CAS.
  std::uint32_t state = state_.load(std::memory_order_relaxed);
  while (true) {
    if ((state & fired) != 0) {
      // acquire: pairs with the release store in fire() (what came before the fire).
      state_.load(std::memory_order_acquire);
      return false;
    }
    if ((state & lock_bit) != 0) {
      spin();
      state = state_.load(std::memory_order_relaxed);
      continue;
    }
    // acquire: pairs with the release store that dropped the lock bit (waiters_ as left).
    if (state_.compare_exchange_weak(state, state | lock_bit, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return true;
    }
  }
}

bool event::enqueue_unless_fired(waiter& self) noexcept {
  if (!lock_unless_fired()) return false;
  {
    no_suspend_scope no_suspend(lock_name);
    waiters_.push_back(self);
    if (self.is_timed()) ++timed_waiters_;
  }
  // release: publishes waiters_ to the next holder's acquire CAS. FIRED is clear while we
  // hold the bit (only a holder sets it), so the new value is 0.
  state_.store(0, std::memory_order_release);
  return true;
}

void event::wait() {
  // acquire: pairs with the release store in fire().
  if ((state_.load(std::memory_order_acquire) & fired) != 0) return;
  waiter self;
  if (enqueue_unless_fired(self)) self.park();
}

bool event::wait_until(twist::steady_clock::time_point deadline) {
  // acquire: pairs with the release store in fire().
  if ((state_.load(std::memory_order_acquire) & fired) != 0) return true;
  waiter self(timed);
  if (!enqueue_unless_fired(self)) return true;
  if (self.park_until(deadline)) return true;  // claimed: the event is not touched again
  if (!lock_unless_fired()) return true;  // fire() skipped us (step 4); fired all the same
  {
    no_suspend_scope no_suspend(lock_name);
    [[maybe_unused]] const bool unlinked = unlink_waiter(waiters_, self);
    SPINDLE_ASSERT(unlinked, "fiber::sync::event: a timed-out waiter left the queue unfired (EV2)");
    --timed_waiters_;
  }
  // release: as in enqueue_unless_fired(); FIRED is clear while we hold the bit. The last
  // access to *this.
  state_.store(0, std::memory_order_release);
  return false;
}

void event::fire() {
  if (!lock_unless_fired()) return;
  core::intrusive::queue<waiter, waiter_tag> woken;
  {
    no_suspend_scope no_suspend(lock_name);
    if (timed_waiters_ == 0) {
      woken.splice(waiters_);  // untimed waiters only: nothing to claim
    } else {
      while (waiter* w = waiters_.pop_front()) {
        if (w->claim()) woken.push_back(*w);  // else its timeout won: it leaves on its own
      }
      timed_waiters_ = 0;
    }
  }
  // release: pairs with the acquire loads in wait() / lock_unless_fired(); also drops the
  // lock bit. EVT.EV1: the last access to *this.
  state_.store(fired, std::memory_order_release);
  while (waiter* w = woken.pop_front()) w->wake();  // popped (unlinked) before it is woken
}

bool event::is_fired() const noexcept {
  // acquire: pairs with the release store in fire().
  return (state_.load(std::memory_order_acquire) & fired) != 0;
}

}  // namespace spindle::fiber::sync
