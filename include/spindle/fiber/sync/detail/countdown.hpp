// The count-down-to-zero under fiber::sync::wait_group and fiber::jobs::job_counter, written
// once: a state word (state_word.hpp: the count, HAS_WAITERS and the lock bit, SW.LOCK1-SW.LOCK4)
// and the queue of waiters the lock bit guards. The two differ only in their waiter node (a
// fiber::sync::waiter; the pool's wait node, which also parks pool fibers) and in the names
// their checks report, which a traits type supplies:
//
//   struct my_traits {
//     using node = sync::waiter;         // an intrusive node: default-constructible, park(),
//     using node_tag = sync::waiter_tag; // and wake() (noexcept, its last touch of the node)
//     static constexpr const char* lock_name = "my_primitive waiter lock";  // no_suspend_scope
//     static constexpr const char* overflow = "my_primitive: count overflow";
//     static constexpr const char* underflow = "my_primitive: more done() than add()";
//     static constexpr bool underflow_is_misuse = true;  // SPINDLE_VERIFY; false: SPINDLE_ASSERT
//   };
//   sync::detail::countdown<my_traits> count_;
//
// Protocol (wait_group.hpp and job_counter.hpp state it for their types, steps 1-4).
//   1. wait(): load (acquire); count 0 -> return.
//   2. take the lock bit and set HAS_WAITERS in one CAS, only while count > 0 (count 0 ->
//      return); push our node; drop the lock bit (release); park the node.
//   3. done(): if HAS_WAITERS is clear or count > 1: CAS count - 1 (release; a fetch_sub would
//      do, but the CAS lets us check the count stays non-negative first). Done.
//   4. else (count == 1, waiters): take the lock bit (CAS), move waiters_ to a local list,
//      then CAS the word to count 0, no lock, no HAS_WAITERS (acq_rel). If an add() raised the
//      count meanwhile (the CAS finds count > 1), put the list back and CAS count - 1 with the
//      lock bit dropped instead; if that CAS fails, take the list out again and start step 4's
//      check over (CD.WG2). After the CAS to zero (CD.WG1), wake the local list.
//   CD.WG1 (job_counter.hpp: JC.CNT1)  The CAS that makes the count zero is the done()'s last
//      access to *this (SW.LOCK2): a waiter that sees zero may destroy or reuse the primitive at once.
//      Afterwards the done() touches only its local list, and each node's wake() is its last
//      touch of that node.
//   CD.WG2  The count may fall while the lock bit is held: a done() that saw count > 1 takes its
//      fast path (step 3; SW.LOCK4). So a step 4 that found the count raised and put the list
//      back must not retry its decrement blindly: if a done() has meanwhile brought the count
//      to 1, this decrement is the last and must wake the waiters it just put back. (Retrying
//      count - 1 alone left count 0 with the waiters queued: a lost wakeup, found by
//      FiberPoolModel.SubmitRacesTheLastEnd.)
// No lost wakeup: a waiter enqueues only under the lock with count > 0 and HAS_WAITERS set in
// the same CAS; the done() that reaches zero sees HAS_WAITERS and takes the lock (step 4), so
// it finds every waiter. Happens-before: each done() is a release RMW on state_, so the
// release sequence carries every done() to the acquire load/CAS that sees zero.
// Allocates nothing: the nodes are the waiting calls' locals, the queue is intrusive.
#pragma once

#include <cstdint>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/sync/detail/state_word.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::fiber::sync::detail {

template <class Traits>
class countdown {
 public:
  countdown() noexcept = default;

  countdown(const countdown&) = delete;
  countdown& operator=(const countdown&) = delete;
  countdown(countdown&&) = delete;
  countdown& operator=(countdown&&) = delete;

  // Adds `n` to the count; a count above 2^32 - 1 stops the program.
  void add(std::uint32_t n) noexcept {
    // relaxed: adding publishes nothing; the work it announces synchronizes through done()
    // (a job_counter's jobs also through the pool's queue lock).
    const std::uint64_t before =
        state_.fetch_add(std::uint64_t{n} * state_word::one, std::memory_order_relaxed);
    SPINDLE_VERIFY(std::uint64_t{state_word::value_of(before)} + n <= 0xffffffffu,
                   Traits::overflow);
  }

  // Takes one from the count (step 3); wakes the waiters if that made it zero (step 4).
  void done() noexcept {
    // relaxed: a first guess for the CAS.
    std::uint64_t state = state_.load(std::memory_order_relaxed);
    while (true) {
      check_not_zero(state);
      if (state_word::value_of(state) == 1 && (state & state_word::has_waiters) != 0) {
        done_and_wake();
        return;
      }
      // release: this done's work happens-before the acquire that sees count 0 (release
      // sequence). CD.WG1 (JC.CNT1): the last access to *this when it makes the count zero.
      if (state_.compare_exchange_weak(state, state - state_word::one, std::memory_order_release,
                                       std::memory_order_relaxed)) {
        return;
      }
    }
  }

  // Blocks the calling fiber or thread until the count is zero (steps 1-2).
  void wait() {
    // acquire: pairs with the release RMWs of done() (release sequence).
    std::uint64_t state = state_.load(std::memory_order_acquire);
    if (state_word::value_of(state) == 0) return;
    node self;
    const auto zero = [](std::uint64_t s) { return state_word::value_of(s) == 0; };
    if (!state_word::lock_unless(state_, state, state_word::has_waiters, zero)) {  // step 2
      // acquire: as above (lock_unless read this value relaxed).
      state_.load(std::memory_order_acquire);
      return;
    }
    {
      no_suspend_scope no_suspend(Traits::lock_name);
      waiters_.push_back(self);
    }
    state_word::unlock(state_);  // add() and done() may have changed the count meanwhile (SW.LOCK4)
    self.park();
  }

  // The count now (a snapshot; acquire, so reading 0 sees the effects of every done()).
  std::uint32_t value() const noexcept {
    // acquire: pairs with the release RMWs of done() (release sequence).
    return state_word::value_of(state_.load(std::memory_order_acquire));
  }

  // True when the count is zero and nobody waits: what the owner's destructor checks.
  bool idle() const noexcept {
    // relaxed: destruction happens-after the last wait/done by the owner's synchronization.
    return state_.load(std::memory_order_relaxed) == 0;
  }

 private:
  using node = typename Traits::node;
  using queue = core::intrusive::queue<node, typename Traits::node_tag>;

  static void check_not_zero(std::uint64_t state) noexcept {
    if constexpr (Traits::underflow_is_misuse) {
      SPINDLE_VERIFY(state_word::value_of(state) > 0, Traits::underflow);
    } else {
      SPINDLE_ASSERT(state_word::value_of(state) > 0, Traits::underflow);
    }
  }

  // Step 4: the done() that takes the count from 1 to 0 while there are waiters.
  void done_and_wake() noexcept {
    std::uint64_t state = state_.load(std::memory_order_relaxed);
    state_word::lock(state_, state);  // step 4
    queue woken;
    {
      no_suspend_scope no_suspend(Traits::lock_name);
      woken.splice(waiters_);
    }
    while (true) {
      check_not_zero(state);
      if (state_word::value_of(state) == 1) {
        // acq_rel: release publishes this done (and the ones before it, release sequence) to
        // the waiters' acquire; drops the lock bit and HAS_WAITERS. CD.WG1 (JC.CNT1): the last
        // access to *this.
        if (state_.compare_exchange_weak(state, 0, std::memory_order_acq_rel,
                                         std::memory_order_relaxed)) {
          break;
        }
        continue;
      }
      // An add() raised the count meanwhile: not zero yet. Put the waiters back first (we
      // still hold the lock bit), then decrement and drop the lock bit in one CAS.
      {
        no_suspend_scope no_suspend(Traits::lock_name);
        waiters_.splice(woken);
      }
      // release: as in done(); also publishes waiters_ to the next lock holder.
      if (state_.compare_exchange_weak(state, (state - state_word::one) & ~state_word::lock_bit,
                                       std::memory_order_release, std::memory_order_relaxed)) {
        return;
      }
      // The count changed again (CD.WG2): take the waiters out again and look at it afresh.
      {
        no_suspend_scope no_suspend(Traits::lock_name);
        woken.splice(waiters_);
      }
    }
    // Popped (unlinked) before woken: a woken waiter may free its node at once.
    while (node* w = woken.pop_front()) w->wake();
  }

  twist::atomic<std::uint64_t> state_{0};  // a state_word: count, HAS_WAITERS, lock bit
  queue waiters_;                          // guarded by the lock bit
};

}  // namespace spindle::fiber::sync::detail
