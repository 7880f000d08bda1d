// The one-word state of wait_group, semaphore and fiber::jobs::job_counter, and the lock bit in
// it that guards their waiter queue:
//
//   bits 63..32  the value: a count (wait_group, job_counter) or the free permits (semaphore)
//   bit 1        HAS_WAITERS: the waiter queue may be (semaphore: is) non-empty
//   bit 0        the lock bit: its holder owns the waiter queue, which lives beside the word
//
// Why the lock lives in the word: a waiter may destroy the primitive as soon as it sees the
// value it waits for (a count of zero, a handed-over permit). So the waker must publish that
// value and drop the lock in one atomic write, and touch nothing of the primitive after it —
// a separate spinlock unlocked after the publishing store would be a use-after-free
// (docs/fiber.md, "Destruction"; event.hpp does the same with its FIRED bit).
//   SW.LOCK1  The bit is taken by a CAS that sees it clear, which may set other bits in the same
//             write (HAS_WAITERS, so no waker can miss a waiter about to enqueue). acquire: pairs
//             with the release write that dropped it (SW.LOCK2): the holder sees the queue as the
//             last holder left it.
//   SW.LOCK2  The holder drops the bit with one release write of the word that also publishes
//             the value it leaves (unlock() below, or the primitive's own CAS or store). If that
//             write may let a waiter return, it is the holder's last access to the primitive:
//             waiters it must wake are unlinked into a local list first, and woken after.
//   SW.LOCK3  While the bit is held the queue is touched only by the holder, inside a
//             no_suspend_scope: a fiber suspended there would leave everyone spinning on it.
//   SW.LOCK4  The value may still change while the bit is held (other operations' RMWs carry
//             the bit over as they found it), unless the primitive's protocol rules that out
//             (semaphore, SM.SEM3): so the holder's writes are CASes or a fetch_and, not stores.
#pragma once

#include <cstdint>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/spin_wait.hpp>

namespace spindle::fiber::sync::detail {

struct state_word {
  static constexpr std::uint64_t lock_bit = 1;
  static constexpr std::uint64_t has_waiters = 2;
  static constexpr std::uint64_t one = std::uint64_t{1} << 32;  // 1 in the value

  static std::uint32_t value_of(std::uint64_t state) noexcept {
    return static_cast<std::uint32_t>(state >> 32);
  }

  // SW.LOCK1: takes the lock bit, setting `also` in the same CAS, spinning while another holds it
  // — unless give_up(state) holds first: then returns false with `state` as last read
  // (relaxed). On true, `state` is the word as this CAS wrote it. `state` starts as the
  // caller's last read of `word`.
  template <class GiveUp>
  static bool lock_unless(twist::atomic<std::uint64_t>& word, std::uint64_t& state,
                          std::uint64_t also, GiveUp give_up) noexcept {
    twist::spin_wait spin;
    while (!give_up(state)) {
      if ((state & lock_bit) != 0) {
        spin();
        state = word.load(std::memory_order_relaxed);
        continue;
      }
      // acquire: pairs with the release write that dropped the bit (SW.LOCK2).
      if (word.compare_exchange_weak(state, state | lock_bit | also, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
        state |= lock_bit | also;
        return true;
      }
    }
    return false;
  }

  // SW.LOCK1 without a way out.
  static void lock(twist::atomic<std::uint64_t>& word, std::uint64_t& state) noexcept {
    lock_unless(word, state, 0, [](std::uint64_t) { return false; });
  }

  // SW.LOCK2 for a holder that publishes nothing but the queue: drops the bit, keeping the value
  // as others changed it meanwhile (SW.LOCK4). release: pairs with the next holder's SW.LOCK1.
  static void unlock(twist::atomic<std::uint64_t>& word) noexcept {
    word.fetch_and(~lock_bit, std::memory_order_release);
  }
};

}  // namespace spindle::fiber::sync::detail
