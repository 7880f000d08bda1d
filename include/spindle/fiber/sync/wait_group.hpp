// Waits for a group of fibers (or any work) to finish: add(n) before starting n pieces of work,
// done() as each finishes, wait() blocks the calling fiber (suspending it) or thread (futex)
// until the count is zero. Reusable: once wait() has returned, add() may start a new round.
//
//   fiber::sync::wait_group group;
//   for (int i = 0; i < 10; ++i) {
//     group.add(1);
//     fiber::go(pool, [&] { work(); group.done(); });
//   }
//   group.wait();                       // every work() has happened-before this returns
//
// Protocol. state_ is a state word (detail/state_word.hpp: the count, HAS_WAITERS and the lock
// bit guarding waiters_, SW.LOCK1-SW.LOCK4). The done() that brings the count to zero drops the
// lock and publishes zero in one CAS, its last access to the group (CD.WG1, SW.LOCK2), so a
// waiter that sees zero may destroy or reuse the group at once.
//   1. wait(): load (acquire); count 0 -> return.
//   2. take the lock bit and set HAS_WAITERS in one CAS, only while count > 0 (count 0 ->
//      return); push our waiter; drop the lock bit (release); park.
//   3. done(): if HAS_WAITERS is clear or count > 1: CAS count - 1 (release; a fetch_sub would
//      do, but the CAS lets us check the count stays non-negative first). Done.
//   4. else (count == 1, waiters): take the lock bit (CAS), move waiters_ to a local list,
//      then CAS the word to count 0, no lock, no HAS_WAITERS (acq_rel). If an add() raised the
//      count meanwhile (the CAS finds count > 1), put the list back and CAS count - 1 with the
//      lock bit dropped instead. After the CAS to zero (CD.WG1), wake the local list.
// No lost wakeup: a waiter enqueues only under the lock with count > 0 and HAS_WAITERS set in
// the same CAS; the done() that reaches zero sees HAS_WAITERS and takes the lock (step 4), so
// it finds every waiter. Happens-before: each done() is a release RMW on state_, so the
// release sequence carries every done() to the acquire load/CAS that sees zero.
// Misuse: done() more times than add() stops the program; so does a count above 2^32 - 1.
#pragma once

#include <cstdint>

#include <spindle/fiber/sync/detail/countdown.hpp>
#include <spindle/fiber/sync/waiter.hpp>

namespace spindle::fiber::sync {

class wait_group {
 public:
  wait_group() noexcept = default;
  ~wait_group();

  wait_group(const wait_group&) = delete;
  wait_group& operator=(const wait_group&) = delete;
  wait_group(wait_group&&) = delete;
  wait_group& operator=(wait_group&&) = delete;

  // Adds `n` pieces of outstanding work.
  void add(std::uint32_t n = 1) noexcept;

  // Marks one piece finished; wakes the waiters when the count reaches zero.
  void done() noexcept;

  // Blocks the calling fiber or thread until the count is zero.
  void wait();

 private:
  struct countdown_traits {  // for detail::countdown
    using node = waiter;
    using node_tag = waiter_tag;
    static constexpr const char* lock_name = "fiber::sync::wait_group waiter lock";
    static constexpr const char* overflow = "fiber::sync::wait_group: count overflow";
    static constexpr const char* underflow =
        "fiber::sync::wait_group::done() called more times than add()";
    static constexpr bool underflow_is_misuse = true;  // done() is the user's call
  };

  // The protocol (steps 1-4, CD.WG1): a detail::state_word (count, HAS_WAITERS, lock bit) and
  // the waiters it guards.
  detail::countdown<countdown_traits> count_;
};

}  // namespace spindle::fiber::sync
