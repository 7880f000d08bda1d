// The waiting side of one blocking channel operation: a plain send or recv (one case) or a
// whole select (one case per channel case). It parks its owner — a fiber suspends, a plain
// thread futex-waits — and holds the claim word that makes exactly one case complete.
//
// Two ways to park, chosen by the owner:
//   - park_unlocking(lock): a fiber doing a plain send/recv (one channel). It suspends while
//     still holding the channel's lock; once it is off its stack, the after_switch callback
//     stores its handle and releases the lock (Go's gopark with chanparkcommit). A completer
//     finds the node only under that lock, so it always finds the fiber fully parked: waking
//     is a plain resume(), with no atomic on the parker (CH.PARK1 below). This is the hot path
//     of a ping-pong between fibers.
//   - park(): a plain thread, or a select (several channels): the owner releases its locks
//     and parks through sync::waiter's protocol (WT.WAIT1/WT.WAIT2 in sync/waiter.hpp), which
//     tolerates the completer coming before the owner has gone to sleep.
//   - park_until(deadline): a timed operation (send_until, recv_until, select_until), fiber
//     or thread. The parker is built `timed`; it parks through sync::waiter's timed protocol
//     (steps 5-10, WT.WAIT4 in sync/waiter.hpp: the timer service's expiry on a fiber, a futex
//     wait with a timeout on a thread), and its claim takes one more step (CH.CLAIM2).
//
// Protocol (the claim; the channel and select protocols around it are in channel_base.hpp
// and select.hpp):
//   1. The owner creates the parker unclaimed (single_case for a plain send/recv), links one
//      case_node per case (each in its channel's wait queue, under that channel's lock), and
//      parks: park_unlocking(), or releases the locks and park()s.
//   2. A completer (a send, recv, close or select on one of those channels) that dequeues a
//      node calls try_claim(node.index) while holding that channel's lock. Exactly one
//      try_claim per parker succeeds (CH.CLAIM1: a CAS from `unclaimed`; a single-case parker's
//      node sits in one queue and is dequeued under one lock, so its first try_claim is its
//      only one and needs no CAS). The winner finishes the case (moves the value, or marks it
//      closed), releases the lock and wake()s the parker. A loser drops the node it dequeued
//      (it stays unlinked) and looks for another one.
//   3. The owner wakes, reads winner() and unlinks every other node, each under its own
//      channel's lock, before it returns (select.hpp, CH.SEL2).
// CH.CLAIM2 (timed parkers: a timeout racing a completion has exactly one outcome): a timed
// parker is never single_case, so step 2's claim is first the CAS on winner_ — which picks
// one completer among those on its channels (CH.CLAIM1) — and then, by that one completer only,
// sync::waiter::claim(): a CAS on the waiter's state that fails once the timeout has won
// (WT.WAIT4). Success: the completer finishes the case and wakes the owner, whose park_until()
// then reports woken — the timeout can no longer win. Failure: the timeout won first; the
// completer treats it as a lost claim (drops the node, moves or takes no value, wakes
// nobody), and the owner reports timed out. The timeout is thus one more contender for the
// waiter's claim word, and winner_ is read only by a woken owner. An untimed parker's
// waiter::claim() is a test of a bool (no atomic): untimed selects keep their one CAS, and
// single-case untimed operations (CH.PARK1) do not reach it at all.
// CH.PARK1 (park_unlocking): the owner holds the lock from linking its node until after its
// after_switch has written fiber_ and parked_under_lock_, so a completer — which reaches the
// node only under that lock — reads both written, and the fiber is already off its stack:
// resuming it is safe and nobody else can (the node was unlinked by the claiming completer).
// The after_switch's unlock is its last access to anything of the fiber's (the fiber may run
// at once, elsewhere); the completer's resume() is its last access to the parker (HD.HANDLE1).
// A timed parker's owner, timed out, relocks each channel holding one of its nodes and
// unlinks the node if still queued (sync::waiter's step 10) before it returns: a completer
// that lost CH.CLAIM2 touched the parker only under such a lock (CH.SEL2).
// Memory: the claim carries no data (relaxed). The case's node and slot reach the completer
// through the channel lock (the owner linked them under it); the completer's writes reach the
// owner through wake(): the executor's submit/run of the resumed fiber (CH.PARK1), or the
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

  // A timed parker (any number of nodes): park_until() only; every claim is CH.CLAIM2's.
  explicit parker(sync::timed_t) noexcept : waiter(sync::timed), single_case_(false) {}

  // Claims the parker for case `index`; true for at most one caller (CH.CLAIM1), and for none
  // once a timed parker's timeout has won (CH.CLAIM2). Call it holding the lock of the channel
  // whose queue held the node (the owner may return once it relocks).
  bool try_claim(std::uint32_t index) noexcept {
    if (single_case_) {
      // Step 2: its only node is dequeued once, under one lock: a store, not a CAS.
      // relaxed: as the CAS below.
      winner_.store(index, std::memory_order_relaxed);
      return true;
    }
    std::uint32_t expected = unclaimed;
    // relaxed: the CAS only arbitrates; data travels by the channel lock and wake()/park().
    if (!winner_.compare_exchange_strong(expected, index, std::memory_order_relaxed,
                                         std::memory_order_relaxed)) {
      return false;
    }
    // CH.CLAIM2: the one completer that won winner_ races the timeout (a bool test if untimed).
    return claim();
  }

  // The case that completed. Owner only, after it was woken (the wake orders it).
  std::uint32_t winner() const noexcept {
    // relaxed: the claiming CAS happens-before the wake() that park() acquired.
    return winner_.load(std::memory_order_relaxed);
  }

  // Fibers only, single case only: suspends `running` (the calling fiber, which holds `lock`:
  // the lock of the one channel whose queue holds its node); releases `lock` once the fiber
  // is off its stack (CH.PARK1). Returns once a completer woke it.
  void park_unlocking(fiber::detail::fiber_block& running, core::spinlock& lock) noexcept;

  // Wakes the owner, however it parked. The completer's last touch of the parker.
  void wake() noexcept {
    if (parked_under_lock_) {
      const handle parked = fiber_;  // CH.PARK1: the fiber is suspended until this resume
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
  // completer after it took that lock (CH.PARK1). parked_under_lock_ stays false for park().
  bool parked_under_lock_ = false;
  handle fiber_;
};

// Before a timed operation waits: a fiber needs a timer service (options::timers); without
// one the program stops with a message naming the channel operation. Checked whenever the
// operation would wait, whatever the deadline (like the timed waits of fiber::sync).
void check_timed_wait() noexcept;

}  // namespace spindle::fiber::chan::detail
