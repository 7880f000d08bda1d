// A worker's bounded FIFO ring in the fast pool (yielded tasks, shares of the injection queue;
// spawned tasks go to the owner-LIFO work_stealing_deque.hpp): the owner pushes at the tail and
// pops at the head; other workers steal half of it at once.
//
// Algorithm: the local run queue of Tokio's multi-threaded scheduler (C. Lerche et al.,
// tokio/src/runtime/scheduler/multi_thread/queue.rs), itself after Go's runq (D. Vyukov,
// "Scalable Go Scheduler Design", 2012). One 64-bit head packs two 32-bit indices (steal, real),
// and a 32-bit tail; indices grow without bound and wrap (unsigned arithmetic), a slot is
// index & kMask.
//
// Protocol:
//   1. push_back (owner): read head (acquire) for `steal`; if tail - steal < kCapacity, write the
//      slot and store tail + 1 (release). Full and no steal in flight (steal == real): claim the
//      older half with one CAS of head (real, real) -> (real + half, real + half) and move it,
//      plus the new task, to the global queue as one batch (OVERFLOW). Full during a steal: the
//      new task alone goes to the global queue.
//   2. pop (owner): CAS head from (steal, real) to (steal', real + 1), where steal' = real + 1 if
//      no steal was in flight (steal == real) and stays `steal` otherwise; the slot at `real` is
//      the owner's.
//   3. steal_into(dst) (a thief; dst is its own queue):
//      a. read head (acquire); if steal != real another thief is active: give up. Read tail
//         (acquire: pairs with the owner's release store in step 1, so the slots are written);
//         n = ceil((tail - real) / 2). CAS head (steal, real) -> (steal, real + n): the range
//         [steal, steal + n) is now reserved for this thief.
//      b. copy the n slots into dst's slots (dst is the thief's own: nobody else writes them).
//      c. CAS head (steal, r) -> (r, r) for the current real r (the owner may have popped
//         meanwhile), release: the reserved slots may be reused by the owner only after this.
//      d. return the last copied task; publish the others with dst.tail += n - 1 (release).
//
// Correctness:
//   WS.LQ1  While steal != real, [steal, real) belongs to one thief: the owner's pops advance only
//           `real` (step 2), other thieves give up (3a), and the owner's push never writes a slot
//           in [steal, steal + kCapacity) beyond the ring (1 tests tail - steal, not tail - real).
//   WS.LQ2  Each index in [head, tail) goes to exactly one consumer: every claim (pop, steal,
//           overflow) is a CAS of head that moves `real` past exactly the indices it takes.
//   WS.LQ3  Slots are written only by the owner (push) — a thief writes only its own queue — and a
//           slot is rewritten only after head's release in 2/3c/OVERFLOW, which the owner's acquire
//           read of head in step 1 observes before reusing it.
//   WS.LQ4  n <= kCapacity / 2, so a thief's own queue (which it steals into only when it holds at
//           most kCapacity / 2 tasks) never overflows.
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/base/config.hpp>
#include <spindle/exec/detail/injection_queue.hpp>
#include <spindle/exec/task.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/mode.hpp>

namespace spindle::exec::detail {

class local_queue {
 public:
  // 256 (Go's and Tokio's size). Under faulty/sim, tiny so that overflow and steal-half run in
  // every test, not only under rare load.
  static constexpr std::uint32_t kCapacity =
      twist::current_mode == twist::mode::std_threads ? 256 : 4;
  static constexpr std::uint32_t kMask = kCapacity - 1;
  static_assert(kCapacity >= 4 && (kCapacity & kMask) == 0, "a power of two, at least 4");

  local_queue() noexcept {
    for (auto& slot : buffer_) slot.store(nullptr, std::memory_order_relaxed);
  }
  local_queue(const local_queue&) = delete;
  local_queue& operator=(const local_queue&) = delete;

  // Owner only. Appends `t`; when full, moves half the queue and `t` to `overflow`.
  void push_back(task& t, injection_queue& overflow) noexcept {
    for (;;) {
      // acquire: pairs with the release CAS of head in pop / steal (3c), so slots freed by a
      // finished steal are no longer read when we overwrite them (WS.LQ3).
      const std::uint64_t head = head_.load(std::memory_order_acquire);
      // relaxed: the owner is tail_'s only writer.
      const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
      if (tail - steal_of(head) < kCapacity) {
        buffer_[tail & kMask].store(&t, std::memory_order_relaxed);
        // release: publishes the slot to thieves' acquire load of tail_ (3a).
        tail_.store(tail + 1, std::memory_order_release);
        return;
      }
      if (steal_of(head) != real_of(head)) {  // a thief is copying: don't wait for it
        overflow.push_back(t);
        return;
      }
      if (push_overflow(t, real_of(head), tail, overflow)) return;
      // a thief or our own... (only thieves move head under us): retry
    }
  }

  // Owner only. Takes the oldest task, or nullptr.
  task* pop() noexcept {
    // acquire: pairs with thieves' release CAS (3c).
    std::uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const std::uint32_t steal = steal_of(head);
      const std::uint32_t real = real_of(head);
      // relaxed: own tail.
      if (real == tail_.load(std::memory_order_relaxed)) return nullptr;
      const std::uint32_t next_real = real + 1;
      const std::uint64_t next = steal == real ? pack(next_real, next_real) : pack(steal, next_real);
      // acq_rel: acquire as above; release so a thief reading the new head does not copy the
      // slot we take (WS.LQ2 via the RMW order on head).
      if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        // relaxed: the owner wrote this slot itself.
        return buffer_[real & kMask].load(std::memory_order_relaxed);
      }
    }
  }

  // A thief (not the owner). Moves about half of this queue into `dst` (the thief's own queue,
  // holding at most kCapacity / 2 tasks) and returns one of them to run now, or nullptr.
  task* steal_into(local_queue& dst) noexcept {
    // relaxed: dst's own tail (the caller owns dst).
    const std::uint32_t dst_tail = dst.tail_.load(std::memory_order_relaxed);
    // acquire: pairs with release CASes on dst's head (thieves stealing from us).
    const std::uint32_t dst_steal = steal_of(dst.head_.load(std::memory_order_acquire));
    if (dst_tail - dst_steal > kCapacity / 2) return nullptr;  // WS.LQ4 would not hold
    std::uint32_t n = steal_into_slots(dst, dst_tail);
    if (n == 0) return nullptr;
    --n;
    // relaxed: dst's slot, written by this thread just now.
    task* ret = dst.buffer_[(dst_tail + n) & kMask].load(std::memory_order_relaxed);
    if (n != 0) {
      // release: publishes the copied slots to thieves of dst (3a).
      dst.tail_.store(dst_tail + n, std::memory_order_release);
    }
    return ret;
  }

  // True if the queue held no task at some recent moment (callers fence first: WP.PARK3).
  bool empty_hint() const noexcept {
    // relaxed: a hint ordered by the caller's seq_cst fence.
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return real_of(head) == tail_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::uint32_t steal_of(std::uint64_t head) noexcept {
    return static_cast<std::uint32_t>(head >> 32);
  }
  static constexpr std::uint32_t real_of(std::uint64_t head) noexcept {
    return static_cast<std::uint32_t>(head);
  }
  static constexpr std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
    return (static_cast<std::uint64_t>(steal) << 32) | real;
  }

  // OVERFLOW (step 1): the queue is full (tail - head == kCapacity) and no thief is active.
  bool push_overflow(task& t, std::uint32_t head, [[maybe_unused]] std::uint32_t tail,
                     injection_queue& overflow) noexcept {
    constexpr std::uint32_t kTaken = kCapacity / 2;
    SPINDLE_ASSERT(tail - head == kCapacity, "local queue overflow while not full");
    std::uint64_t expected = pack(head, head);
    // release: as pop's CAS; relaxed on failure: we retry from push_back's loads.
    if (!head_.compare_exchange_strong(expected, pack(head + kTaken, head + kTaken),
                                       std::memory_order_release, std::memory_order_relaxed)) {
      return false;  // a thief claimed tasks first: there is room now, or will be
    }
    injection_queue::list_type batch;
    for (std::uint32_t i = 0; i < kTaken; ++i) {
      // relaxed: own slots, claimed by the CAS above.
      batch.push_back(*buffer_[(head + i) & kMask].load(std::memory_order_relaxed));
    }
    batch.push_back(t);
    overflow.push_back(batch);
    return true;
  }

  // 3a-3c: reserves and copies up to half of this queue into dst's slots from dst_tail on;
  // returns how many.
  std::uint32_t steal_into_slots(local_queue& dst, std::uint32_t dst_tail) noexcept {
    // acquire: pairs with the release CASes of the owner and of other thieves.
    std::uint64_t prev = head_.load(std::memory_order_acquire);
    std::uint32_t n = 0;
    std::uint64_t next = 0;
    for (;;) {
      const std::uint32_t steal = steal_of(prev);
      const std::uint32_t real = real_of(prev);
      if (steal != real) return 0;  // another thief is active (WS.LQ1)
      // acquire: pairs with the owner's release store of tail_ (the slots are written).
      const std::uint32_t tail = tail_.load(std::memory_order_acquire);
      n = tail - real;
      n -= n / 2;
      if (n == 0 || n > kCapacity / 2) {
        // n > kCapacity / 2: we read a tail from a later lap than head (stale head); retry.
        if (n == 0) return 0;
        prev = head_.load(std::memory_order_acquire);
        continue;
      }
      next = pack(steal, real + n);
      // acq_rel: acquire as above; release so the owner's reading of head orders after.
      if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        break;
      }
    }
    const std::uint32_t first = steal_of(next);
    for (std::uint32_t i = 0; i < n; ++i) {
      // relaxed: slots published by the acquire load of tail_ above; reserved by the CAS (WS.LQ1).
      task* t = buffer_[(first + i) & kMask].load(std::memory_order_relaxed);
      dst.buffer_[(dst_tail + i) & kMask].store(t, std::memory_order_relaxed);
    }
    // 3c: release the reservation.
    prev = next;
    for (;;) {
      const std::uint32_t real = real_of(prev);
      // release: the owner may reuse the copied slots after reading this (WS.LQ3).
      if (head_.compare_exchange_weak(prev, pack(real, real), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        return n;
      }
      SPINDLE_ASSERT(steal_of(prev) != real_of(prev), "steal reservation vanished");
    }
  }

  // (steal << 32) | real: `real` is the next index the owner pops; [steal, real) is being
  // copied by a thief. CAS by the owner (pop, overflow) and thieves; any thread reads it.
  alignas(64) twist::atomic<std::uint64_t> head_{0};
  // One past the newest task. Written only by the owner (release), read by thieves (acquire).
  alignas(64) twist::atomic<std::uint32_t> tail_{0};
  // Written only by the owner (push); read by the owner (pop) and thieves in their reserved
  // range. Atomic (relaxed) so that thieves' reads of slots are never data races.
  twist::atomic<task*> buffer_[kCapacity];
};

}  // namespace spindle::exec::detail
