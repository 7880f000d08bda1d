// fiber::pool::job_counter: the protocol (steps 1-4, CNT1) is in job_counter.hpp; it is
// wait_group's (src/fiber/wait_group.cpp) with the pool's wait node.
#include <spindle/fiber/pool/job_counter.hpp>

#include <spindle/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::pool {

namespace {
using sync::detail::state_word;
constexpr const char* lock_name = "fiber::pool::job_counter waiter lock";
}

job_counter::~job_counter() {
  // relaxed: destruction happens-after the last wait/done by the owner's synchronization.
  SPINDLE_VERIFY(state_.load(std::memory_order_relaxed) == 0,
                 "fiber::pool::job_counter destroyed with jobs outstanding or waiters");
}

std::uint32_t job_counter::value() const noexcept {
  // acquire: pairs with the release RMWs of done() (release sequence).
  return state_word::value_of(state_.load(std::memory_order_acquire));
}

void job_counter::add(std::uint32_t n) noexcept {
  // relaxed: adding publishes nothing; the jobs synchronize through the pool's queue lock
  // and their done().
  const std::uint64_t before =
      state_.fetch_add(std::uint64_t{n} * state_word::one, std::memory_order_relaxed);
  SPINDLE_VERIFY(std::uint64_t{state_word::value_of(before)} + n <= 0xffffffffu,
                 "fiber::pool::job_counter: count overflow");
}

void job_counter::done() noexcept {
  // relaxed: a first guess for the CAS.
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  while (true) {
    SPINDLE_ASSERT(state_word::value_of(state) > 0,
                   "fiber::pool::job_counter: more ends than jobs");
    if (state_word::value_of(state) == 1 && (state & state_word::has_waiters) != 0) {
      done_and_wake();
      return;
    }
    // release: this job's effects happen-before the acquire that reads count 0 (release
    // sequence). CNT1: the last access to *this when it makes the count zero.
    if (state_.compare_exchange_weak(state, state - state_word::one, std::memory_order_release,
                                     std::memory_order_relaxed)) {
      return;
    }
  }
}

void job_counter::done_and_wake() noexcept {
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  state_word::lock(state_, state);  // step 4
  core::intrusive::queue<detail::wait_node, detail::wait_node_tag> woken;
  {
    no_suspend_scope no_suspend(lock_name);
    woken.splice(waiters_);
  }
  while (true) {
    SPINDLE_ASSERT(state_word::value_of(state) > 0,
                   "fiber::pool::job_counter: more ends than jobs");
    if (state_word::value_of(state) == 1) {
      // acq_rel: the release publishes every job's end (release sequence) to the waiters'
      // acquire; drops the lock bit and HAS_WAITERS. CNT1: the last access to *this.
      if (state_.compare_exchange_weak(state, 0, std::memory_order_acq_rel,
                                       std::memory_order_relaxed)) {
        break;
      }
      continue;
    }
    // A submit raised the count meanwhile: not zero yet. Put the waiters back (we hold the
    // lock bit), then decrement and drop the lock bit in one CAS.
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
  // Popped (unlinked) before woken: a woken waiter may free its node at once.
  while (detail::wait_node* w = woken.pop_front()) w->wake();
}

void job_counter::wait() {
  // acquire: pairs with the release RMWs of done() (release sequence).
  std::uint64_t state = state_.load(std::memory_order_acquire);
  if (state_word::value_of(state) == 0) return;
  detail::wait_node self;
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
  state_word::unlock(state_);  // submits and job ends may have changed the count (LOCK4)
  self.park();
}

}  // namespace spindle::fiber::pool
