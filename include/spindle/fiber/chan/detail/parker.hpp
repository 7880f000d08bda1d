// The waiting side of one blocking channel operation: a plain send or recv (one case) or a
// whole select (one case per channel case). It parks its owner — a fiber suspends, a plain
// thread futex-waits — and holds the claim word that makes exactly one case complete.
//
// Two ways to park, chosen by the owner:
//   - park_unlocking(lock): a fiber doing a plain send/recv (one channel). It suspends while
//     still holding the channel's lock; once it is off its stack, the after_switch callback
//     stores its handle and releases the lock (Go's gopark with chanparkcommit). A completer
//     finds the node only under that lock, so it always finds the fiber fully parked: waking
//     is a plain resume(), with no atomic on the parker (PARK1 below). This is the hot path
//     of a ping-pong between fibers.
//   - park(): a plain thread, or a select (several channels): the owner releases its locks
//     and parks through sync::waiter's protocol (WAIT1/WAIT2 in sync/waiter.hpp), which
//     tolerates the completer coming before the owner has gone to sleep.
//
// Protocol (the claim; the channel and select protocols around it are in channel_base.hpp
// and select.hpp):
//   1. The owner creates the parker unclaimed (single_case for a plain send/recv), links one
//      case_node per case (each in its channel's wait queue, under that channel's lock), and
//      parks: park_unlocking(), or releases the locks and park()s.
//   2. A completer (a send, recv, close or select on one of those channels) that dequeues a
//      node calls try_claim(node.index) while holding that channel's lock. Exactly one
//      try_claim per parker succeeds (CLAIM1: a CAS from `unclaimed`; a single-case parker's
//      node sits in one queue and is dequeued under one lock, so its first try_claim is its
//      only one and needs no CAS). The winner finishes the case (moves the value, or marks it
//      closed), releases the lock and wake()s the parker. A loser drops the node it dequeued
//      (it stays unlinked) and looks for another one.
//   3. The owner wakes, reads winner() and unlinks every other node, each under its own
//      channel's lock, before it returns (select.hpp, SEL2).
// PARK1 (park_unlocking): the owner holds the lock from linking its node until after its
// after_switch has written fiber_ and parked_under_lock_, so a completer — which reaches the
// node only under that lock — reads both written, and the fiber is already off its stack:
// resuming it is safe and nobody else can (the node was unlinked by the claiming completer).
// The after_switch's unlock is its last access to anything of the fiber's (the fiber may run
// at once, elsewhere); the completer's resume() is its last access to the parker (HANDLE1).
// Memory: the claim carries no data (relaxed). The case's node and slot reach the completer
// through the channel lock (the owner linked them under it); the completer's writes reach the
// owner through wake(): the executor's submit/run of the resumed fiber (PARK1), or the
// waiter's release/acquire (park()).
#pragma once

#include <cstdint>

#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/handle.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::fiber::detail {
class fiber_block;
}  // namespace spindle::fiber::detail

namespace spindle::fiber::chan::detail {

class parker : public sync::waiter {
 public:
  static constexpr std::uint32_t unclaimed = ~std::uint32_t{0};

  // single_case: the owner links exactly one node (a plain send or recv).
  explicit parker(bool single_case) noexcept : single_case_(single_case) {}

  // Claims the parker for case `index`; true for exactly one caller (CLAIM1). Call it holding
  // the lock of the channel whose queue held the node (the owner may return once it relocks).
  bool try_claim(std::uint32_t index) noexcept {
    if (single_case_) {
      // Step 2: its only node is dequeued once, under one lock: a store, not a CAS.
      // relaxed: as the CAS below.
      winner_.store(index, std::memory_order_relaxed);
      return true;
    }
    std::uint32_t expected = unclaimed;
    // relaxed: the CAS only arbitrates; data travels by the channel lock and wake()/park().
    return winner_.compare_exchange_strong(expected, index, std::memory_order_relaxed,
                                           std::memory_order_relaxed);
  }

  // The case that completed. Owner only, after it was woken (the wake orders it).
  std::uint32_t winner() const noexcept {
    // relaxed: the claiming CAS happens-before the wake() that park() acquired.
    return winner_.load(std::memory_order_relaxed);
  }

  // Fibers only, single case only: suspends `running` (the calling fiber, which holds `lock`:
  // the lock of the one channel whose queue holds its node); releases `lock` once the fiber
  // is off its stack (PARK1). Returns once a completer woke it.
  void park_unlocking(fiber::detail::fiber_block& running, core::spinlock& lock) noexcept;

  // Wakes the owner, however it parked. The completer's last touch of the parker.
  void wake() noexcept {
    if (parked_under_lock_) {
      const handle parked = fiber_;  // PARK1: the fiber is suspended until this resume
      parked.resume();
    } else {
      waiter::wake();
    }
  }

 private:
  // `unclaimed`, then the index of the case that completed (written once, by the claim CAS).
  twist::atomic<std::uint32_t> winner_{unclaimed};
  const bool single_case_;
  // Written by park_unlocking's after_switch before it releases the channel lock; read by the
  // completer after it took that lock (PARK1). parked_under_lock_ stays false for park().
  bool parked_under_lock_ = false;
  handle fiber_;
};

}  // namespace spindle::fiber::chan::detail
