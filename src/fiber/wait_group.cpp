// fiber::sync::wait_group: the protocol (steps 1-4, WG1) is in wait_group.hpp.
#include <spindle/fiber/sync/wait_group.hpp>

#include <spindle/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::sync {

namespace {
using detail::state_word;
constexpr const char* lock_name = "fiber::sync::wait_group waiter lock";
}

wait_group::~wait_group() {
  // relaxed: destruction happens-after the last wait/done by the owner's synchronization.
  SPINDLE_ASSERT(state_.load(std::memory_order_relaxed) == 0,
                 "fiber::sync::wait_group destroyed with work outstanding or waiters");
}

void wait_group::add(std::uint32_t n) noexcept {
  // relaxed: adding publishes nothing; the work it announces synchronizes through done().
  const std::uint64_t before =
      state_.fetch_add(std::uint64_t{n} * state_word::one, std::memory_order_relaxed);
  SPINDLE_VERIFY(std::uint64_t{state_word::value_of(before)} + n <= 0xffffffffu,
                 "fiber::sync::wait_group: count overflow");
}

void wait_group::done() noexcept {
  // relaxed: a first guess for the CAS.
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  while (true) {
    SPINDLE_VERIFY(state_word::value_of(state) > 0,
                   "fiber::sync::wait_group::done() called more times than add()");
    if (state_word::value_of(state) == 1 && (state & state_word::has_waiters) != 0) {
      done_and_wake();
      return;
    }
    // release: this done's work happens-before the acquire that sees count 0 (release
    // sequence). Last access to *this (WG1) when it makes the count zero.
    if (state_.compare_exchange_weak(state, state - state_word::one, std::memory_order_release,
                                     std::memory_order_relaxed)) {
      return;
    }
  }
}

void wait_group::done_and_wake() noexcept {
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  state_word::lock(state_, state);  // step 4
  core::intrusive::queue<waiter, waiter_tag> woken;
  {
    no_suspend_scope no_suspend(lock_name);
    woken.splice(waiters_);
  }
  while (true) {
    SPINDLE_VERIFY(state_word::value_of(state) > 0,
                   "fiber::sync::wait_group::done() called more times than add()");
    if (state_word::value_of(state) == 1) {
      // acq_rel: release publishes this done (and the ones before it, release sequence) to
      // the waiters' acquire; drops the lock bit and HAS_WAITERS. WG1: last access to *this.
      if (state_.compare_exchange_weak(state, 0, std::memory_order_acq_rel,
                                       std::memory_order_relaxed)) {
        break;
      }
      continue;
    }
    // An add() raised the count meanwhile: not zero yet. Put the waiters back first (we still
    // hold the lock bit), then decrement and drop the lock bit in one CAS.
    {
      no_suspend_scope no_suspend(lock_name);
      waiters_.splice(woken);
    }
    // release: as in done(); also publishes waiters_ to the next lock holder.
    while (!state_.compare_exchange_weak(state, (state - state_word::one) & ~state_word::lock_bit,
                                         std::memory_order_release, std::memory_order_relaxed)) {
    }
    return;
  }
  while (waiter* w = woken.pop_front()) w->wake();  // popped (unlinked) before it is woken
}

void wait_group::wait() {
  // acquire: pairs with the release RMWs of done() (release sequence).
  std::uint64_t state = state_.load(std::memory_order_acquire);
  if (state_word::value_of(state) == 0) return;
  waiter self;
  const auto zero = [](std::uint64_t s) { return state_word::value_of(s) == 0; };
  if (!state_word::lock_unless(state_, state, state_word::has_waiters, zero)) {  // step 2
    // acquire: as above (lock_unless read this value relaxed).
    state_.load(std::memory_order_acquire);
    return;
  }
  {
    no_suspend_scope no_suspend(lock_name);
    waiters_.push_back(self);
  }
  state_word::unlock(state_);  // add() and done() may have changed the count meanwhile (LOCK4)
  self.park();
}

}  // namespace spindle::fiber::sync
