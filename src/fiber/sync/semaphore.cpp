// fiber::sync::semaphore: the protocol (steps 1-4, SM.SEM1-SM.SEM4) is in semaphore.hpp.
#include <spindle/fiber/sync/semaphore.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::sync {

namespace {
using detail::state_word;
constexpr const char* lock_name = "fiber::sync::semaphore waiter lock";
}

semaphore::semaphore(std::uint32_t initial, std::uint32_t max)
    : state_(std::uint64_t{initial} << 32), max_(max) {
  SPINDLE_VERIFY(initial <= max, "fiber::sync::semaphore: initial count above max()");
}

semaphore::~semaphore() {
  // relaxed: destruction happens-after the last operation by the owner's synchronization.
  SPINDLE_ASSERT((state_.load(std::memory_order_relaxed) &
                  (state_word::lock_bit | state_word::has_waiters)) == 0,
                 "fiber::sync::semaphore destroyed while fibers or threads wait on it");
}

void semaphore::acquire_slow() {
  waiter self;
  // relaxed: a first guess for the CASes, which decide.
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  const auto permit_free = [](std::uint64_t s) { return state_word::value_of(s) > 0; };
  // Step 2. From the locking CAS on, every release takes the slow path (SM.SEM3).
  while (!state_word::lock_unless(state_, state, state_word::has_waiters, permit_free)) {
    // A permit appeared (so nobody waits, SM.SEM2). acquire: as in try_acquire().
    if (state_.compare_exchange_weak(state, state - state_word::one, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return;
    }
  }
  {
    no_suspend_scope no_suspend(lock_name);
    waiters_.push_back(self);
  }
  // release: publishes waiters_ to the next lock holder. A store suffices: permits are 0
  // and nobody else writes the word while we hold the bit (SM.SEM3).
  state_.store(state_word::has_waiters, std::memory_order_release);
  self.park();  // returns holding the permit a release() handed us (step 4)
}

void semaphore::release(std::uint32_t n) {
  if (n == 0) return;
  SPINDLE_VERIFY(n <= max_, "fiber::sync::semaphore::release() beyond max() free permits");
  // relaxed: a first guess for the CASes, which decide.
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  const auto no_waiters = [](std::uint64_t s) { return (s & state_word::has_waiters) == 0; };
  // Step 4 if there are waiters (so permits == 0, SM.SEM2). Another release may hold the bit and
  // empty the queue meanwhile: then lock_unless gives up and we are back at step 3.
  while (!state_word::lock_unless(state_, state, 0, no_waiters)) {
    SPINDLE_VERIFY(std::uint64_t{state_word::value_of(state)} + n <= max_,
                   "fiber::sync::semaphore::release() beyond max() free permits");
    // Step 3. release: pairs with the acquire CAS in try_acquire() / acquire_slow() that
    // takes one of these permits. SM.SEM4: the last access to *this.
    if (state_.compare_exchange_weak(state, state + std::uint64_t{n} * state_word::one,
                                     std::memory_order_release, std::memory_order_relaxed)) {
      return;
    }
  }
  hand_off(n);
}

void semaphore::hand_off(std::uint32_t n) {
  core::intrusive::queue<waiter, waiter_tag> woken;
  std::uint64_t next_state = 0;
  {
    no_suspend_scope no_suspend(lock_name);
    SPINDLE_ASSERT(!waiters_.empty(), "fiber::sync::semaphore: HAS_WAITERS without waiters (SEM1)");
    std::uint32_t handed = 0;
    while (handed < n && !waiters_.empty()) {
      woken.push_back(*waiters_.pop_front());  // unlinked from waiters_ first
      ++handed;
    }
    // SM.SEM1, SM.SEM2: permits are left over only if the queue emptied.
    next_state = waiters_.empty() ? std::uint64_t{n - handed} * state_word::one
                                  : state_word::has_waiters;
  }
  // release: publishes waiters_ to the next lock holder and the leftover permits to the
  // acquire CAS that takes them. A store suffices (SM.SEM3). SM.SEM4: the last access to *this.
  state_.store(next_state, std::memory_order_release);
  while (waiter* w = woken.pop_front()) w->wake();  // popped before it is woken
}

}  // namespace spindle::fiber::sync
