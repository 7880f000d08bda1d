// What a select waits on: the one interface between the select protocol (select.hpp,
// select.cpp) and a thing that can complete one of its cases. Today every source is a
// channel (channel_base.hpp implements it; a recv case and a send case on one channel are two
// cases on one source). select reaches a source only through this class; a new case kind (a
// timer, an event) derives from it and from select_case (select.hpp) — docs/fiber.md,
// "Adding a case kind", walks through one.
//
//   class my_source final : public chan::detail::case_source {
//     bool try_complete_locked(case_op, case_node& node, parker*& to_wake) noexcept override;
//     void enqueue_locked(case_op, case_node& node) noexcept override;
//     void cancel(case_node& node) noexcept override;
//   };
//
// Contract (select's steps 1-7 and CH.SEL1-CH.SEL3 in select.hpp rely on each item):
//   CH.SRC1  lock() / unlock() take and release the source's one lock (lock_). It guards every
//            node the source holds and every call below except cancel(), which takes it itself.
//            Distinct sources have distinct locks: select locks each distinct source once, all
//            at once, in address order (CH.SEL1), so whoever holds a source's lock must not take
//            another one or wait for anything.
//   CH.SRC2  try_complete_locked(op, node, to_wake), under lock(): if the case would not block
//            (for a channel: a counterpart or the ring can serve it, or it is closed), completes
//            it through node.slot (and node.closed), and returns true; otherwise it changes
//            nothing a completer can see and returns false. If completing it claimed a parked
//            counterpart (parker::try_claim), it sets to_wake to that counterpart's parker, which
//            select wakes once it has released every lock — its last touch of that parker.
//   CH.SRC3  enqueue_locked(op, node), under lock() and within the same hold in which
//            try_complete_locked(op, node) just returned false: registers the node (its owner,
//            slot and index set). From then on a completer on this source may reach the node
//            only under lock(); it must claim node.owner with try_claim(node.index) before it
//            touches node.slot or node.closed, unlink the node whether it wins or loses, and,
//            having won, finish the case, release lock() and call node.owner->wake() — its last
//            touch of the node or the parker. A completer that loses drops the node untouched.
//   CH.SRC4  cancel(node): takes lock(), unregisters the node if it is still registered, releases
//            lock(). Once it returns the source holds no pointer into the node or its parker
//            (CH.SEL2). select calls it for every registered node except the winner's (which the
//            winning completer unlinked), and for every node after a timeout.
//   CH.SRC5  A source outlives every select that names it until that select returns (as for a
//            channel, misuse otherwise).
// What select never needs from a source: its value type (the slot is the case's business: a
// case and its source agree on what node.slot points to), its queues, or how it blocks plain
// callers. The lock is a plain member, not a virtual, so locking costs select what it cost
// before there was an interface; a lock-free source would make lock()/unlock() virtual (or
// no-ops) and keep CH.SRC2-CH.SRC4 atomic with its completers by other means.
#pragma once

#include <cstdint>

#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/chan/detail/parker.hpp>
#include <spindle/fiber/chan/detail/wait_queue.hpp>

namespace spindle::fiber::chan::detail {

// The direction of a case on its source. A channel serves both; a source that only delivers
// (a timer, an event) serves `recv` only.
enum class case_op : std::uint8_t {
  recv,  // node.slot: the case's std::optional<T>, empty; filled if a value comes out
  send,  // node.slot: the case's T, moved from only if the case completes as sent
};

class case_source {
 public:
  case_source(const case_source&) = delete;
  case_source& operator=(const case_source&) = delete;
  case_source(case_source&&) = delete;
  case_source& operator=(case_source&&) = delete;

  // CH.SRC1: the source's lock.
  void lock() const noexcept SPINDLE_ACQUIRE(lock_) { lock_.lock(); }
  void unlock() const noexcept SPINDLE_RELEASE(lock_) { lock_.unlock(); }

  // CH.SRC2: under lock(); completes the case now if it would not block (true), else false.
  virtual bool try_complete_locked(case_op op, case_node& node, parker*& to_wake) noexcept = 0;

  // CH.SRC3: under lock(), right after try_complete_locked(op, node) returned false; registers
  // `node` for a completer to claim.
  virtual void enqueue_locked(case_op op, case_node& node) noexcept = 0;

  // CH.SRC4: takes lock(); unregisters `node` if it is still registered.
  virtual void cancel(case_node& node) noexcept = 0;

 protected:
  case_source() noexcept = default;
  ~case_source() = default;

  mutable core::spinlock lock_;  // CH.SRC1
};

}  // namespace spindle::fiber::chan::detail
