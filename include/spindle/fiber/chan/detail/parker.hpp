// The waiting side of one blocking channel operation: a plain send or recv (one case) or a
// whole select (one case per channel case). It is a fiber::sync::waiter (park() suspends a
// fiber or futex-parks a thread) plus the claim word that makes exactly one case complete.
//
// Protocol (the claim; the channel and select protocols around it are in channel_base.hpp
// and select.hpp):
//   1. The owner creates the parker unclaimed, registers one case_node per case (each in its
//      channel's wait queue, under that channel's lock), releases the locks and park()s.
//   2. A completer (a send, recv, close or select on one of those channels) that dequeues a
//      node calls try_claim(node.index) while holding that channel's lock. Exactly one
//      try_claim per parker succeeds (CLAIM1: a CAS from `unclaimed`); the winner finishes the
//      case (moves the value, or marks it closed), releases the lock and wake()s the parker.
//      A loser drops the node it dequeued (it stays unlinked) and looks for another one.
//   3. The owner wakes, reads winner() and unlinks every other node, each under its own
//      channel's lock, before it returns (select.hpp, SEL2).
// Memory: the claim carries no data (relaxed). The case's node and slot reach the completer
// through the channel lock (the owner enqueued them under it); the completer's writes reach
// the owner through wake() (release) and park() (acquire), waiter.hpp.
#pragma once

#include <cstdint>

#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::fiber::chan::detail {

class parker : public sync::waiter {
 public:
  static constexpr std::uint32_t unclaimed = ~std::uint32_t{0};

  parker() noexcept = default;

  // Claims the parker for case `index`; true for exactly one caller (CLAIM1). Call it holding
  // the lock of the channel whose queue held the node (the owner may return once it relocks).
  bool try_claim(std::uint32_t index) noexcept {
    std::uint32_t expected = unclaimed;
    // relaxed: the CAS only arbitrates; data travels by the channel lock and wake()/park().
    return winner_.compare_exchange_strong(expected, index, std::memory_order_relaxed,
                                           std::memory_order_relaxed);
  }

  // The case that completed. Owner only, after park() returned (park's acquire orders it).
  std::uint32_t winner() const noexcept {
    // relaxed: the claiming CAS happens-before the wake() that park() acquired.
    return winner_.load(std::memory_order_relaxed);
  }

 private:
  // `unclaimed`, then the index of the case that completed (written once, by the claim CAS).
  twist::atomic<std::uint32_t> winner_{unclaimed};
};

}  // namespace spindle::fiber::chan::detail
