// fiber::sync::semaphore: the protocol (steps 1-4, SEM1-SEM4) is in semaphore.hpp.
#include <spindle/fiber/sync/semaphore.hpp>

#include <spindle/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/twist/spin_wait.hpp>

namespace spindle::fiber::sync {

namespace {
constexpr const char* lock_name = "fiber::sync::semaphore waiter lock";
}

semaphore::semaphore(std::uint32_t initial, std::uint32_t max)
    : state_(std::uint64_t{initial} << 32), max_(max) {
  SPINDLE_VERIFY(initial <= max, "fiber::sync::semaphore: initial count above max()");
}

semaphore::~semaphore() {
  // relaxed: destruction happens-after the last operation by the owner's synchronization.
  SPINDLE_ASSERT((state_.load(std::memory_order_relaxed) & (lock_bit | has_waiters)) == 0,
                 "fiber::sync::semaphore destroyed while fibers or threads wait on it");
}

void semaphore::acquire_slow() {
  waiter self;
  twist::spin_wait spin;
  // relaxed: a first guess for the CASes, which decide.
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  while (true) {
    if (permits_of(state) > 0) {
      // A permit appeared (so nobody waits, SEM2). acquire: as in try_acquire().
      if (state_.compare_exchange_weak(state, state - one, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return;
      }
      continue;
    }
    if ((state & lock_bit) != 0) {
      spin();
      state = state_.load(std::memory_order_relaxed);
      continue;
    }
    // Step 2. acquire: pairs with the release store that dropped the lock bit (waiters_ as
    // left). From this CAS on, every release takes the slow path (SEM3).
    if (state_.compare_exchange_weak(state, state | lock_bit | has_waiters,
                                     std::memory_order_acquire, std::memory_order_relaxed)) {
      break;
    }
  }
  {
    no_suspend_scope no_suspend(lock_name);
    waiters_.push_back(self);
  }
  // release: publishes waiters_ to the next lock holder. A store suffices: permits are 0
  // and nobody else writes the word while we hold the bit (SEM3).
  state_.store(has_waiters, std::memory_order_release);
  self.park();  // returns holding the permit a release() handed us (step 4)
}

void semaphore::release(std::uint32_t n) {
  if (n == 0) return;
  SPINDLE_VERIFY(n <= max_, "fiber::sync::semaphore::release() beyond max() free permits");
  twist::spin_wait spin;
  // relaxed: a first guess for the CASes, which decide.
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  while (true) {
    if ((state & has_waiters) == 0) {
      SPINDLE_VERIFY(std::uint64_t{permits_of(state)} + n <= max_,
                     "fiber::sync::semaphore::release() beyond max() free permits");
      // Step 3. release: pairs with the acquire CAS in try_acquire() / acquire_slow() that
      // takes one of these permits. SEM4: the last access to *this.
      if (state_.compare_exchange_weak(state, state + std::uint64_t{n} * one,
                                       std::memory_order_release, std::memory_order_relaxed)) {
        return;
      }
      continue;
    }
    // Waiters (so permits == 0, SEM2). Another release may hold the bit and empty the queue
    // meanwhile: then the loop goes back to step 3.
    if ((state & lock_bit) != 0) {
      spin();
      state = state_.load(std::memory_order_relaxed);
      continue;
    }
    // Step 4. acquire: pairs with the release store that dropped the lock bit (waiters_ as
    // left).
    if (state_.compare_exchange_weak(state, state | lock_bit, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      break;
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
    // SEM1, SEM2: permits are left over only if the queue emptied.
    next_state = waiters_.empty() ? std::uint64_t{n - handed} * one : has_waiters;
  }
  // release: publishes waiters_ to the next lock holder and the leftover permits to the
  // acquire CAS that takes them. A store suffices (SEM3). SEM4: the last access to *this.
  state_.store(next_state, std::memory_order_release);
  while (waiter* w = woken.pop_front()) w->wake();  // popped before it is woken
}

}  // namespace spindle::fiber::sync
