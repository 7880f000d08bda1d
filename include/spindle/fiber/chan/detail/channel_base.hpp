// The part of fiber::chan::channel<T> that does not depend on T: the lock, the closed flag,
// the ring's indices, the two wait queues, close(), parking, the destruction check, the
// shape every send and recv shares (complete_or_wait), and the T-free half of the
// case_source interface that select waits on (case_source.hpp: enqueue_locked, cancel).
// channel.hpp holds the typed half (the ring's slots, send, recv, try_complete_locked);
// select.hpp drives several channels through case_source only.
//
// Protocol (after Go's runtime/chan.go, D. Vyukov et al.; its invariants restated for
// intrusive waiters that live on the blocked party's stack):
//   CH.CHAN1  Everything below — closed, the ring (head, count, slots), both queues and the links
//             of every node in them — is read and written only under lock_ (a core::spinlock,
//             case_source's CH.SRC1 lock, held inside a no_suspend_scope, never across a park()).
//   CH.CHAN2  count > 0  implies  no receiver is queued: a receiver queues only when the ring is
//             empty, and every send first hands its value to a queued receiver if one can be
//             claimed (dropping those whose select already completed), so it only buffers once
//             the receiver queue is empty.
//   CH.CHAN3  a sender is queued  implies  count == capacity: a sender queues only when the ring
//             is full, and every recv that takes from the ring refills it from the oldest
//             claimable sender (a capacity-0 channel: takes the sender's value directly).
//             Together with FIFO queues and the ring, values leave in the order they came.
// Every send and recv below has one shape, complete_or_wait(): lock; the operation without
// blocking (step 1 or 2: channel.hpp's try_send_locked / try_recv_locked); if that would
// block, wait (step 4 or 5, which release the lock); else unlock, then wake the counterpart
// it claimed. try_send / try_recv "wait" by unlocking and reporting full / empty.
//   1. send(v): lock. Closed -> unlock, return `closed` (v untouched). A receiver node can be
//      claimed (wait_queue::pop_claimed) -> emplace v into its slot; else the ring has room
//      -> push v; else queue our own node (slot = &v) on the senders and park (step 4).
//      Unlock, then wake() the claimed receiver — the last touch of anything it owns.
//   2. recv(): lock. A sender node can be claimed -> take the ring's head and push the
//      sender's value behind (capacity 0: take the sender's value); else the ring is
//      non-empty -> take its head; else closed -> empty optional; else queue our own node
//      (slot = &result) on the receivers and park (step 4). Unlock, wake the sender.
//   3. close(): lock; already closed -> return false. Set closed; claim every queued node
//      (senders and receivers), mark each `closed`, collect their parkers in a local list.
//      Unlock, then wake each, popping it from the list first (the parker may vanish at once).
//      Blocked senders return `closed` (their values were not sent); blocked receivers return
//      an empty optional; buffered values stay and recv() drains them before it reports closed.
//   4. Park (wait_locked): a fiber suspends still holding the lock, which its after_switch
//      releases once it is off its stack (CH.PARK1 in parker.hpp); a thread unlocks, then parks
//      (WT.WAIT1 of waiter.hpp). Either way the owner returns only after the claiming
//      completer's wake(), so a node is never re-used or freed while a completer writes its
//      slot.
//   5. send_until(v, d) / recv_until(d), the timed operations: lock; step 1 or 2 without
//      blocking — done if it completes (a ready operation never waits, and never reads the
//      clock). Otherwise (wait_until_locked), in a fiber, check it has a timer service
//      (parker.hpp, check_timed_wait). The deadline has passed -> unlock, return `timed_out`
//      (like try_*, nothing was queued). Else queue our node, owned by a `timed` parker
//      (CH.CLAIM2 of parker.hpp), unlock, and park_until(d) — never under the lock (CH.PARK1 is for
//      untimed operations only: the timer service's expiry must not wait for a channel lock).
//      Woken: a completer claimed us and finished the operation (moved our value, filled our
//      slot, or marked the node closed), exactly as after step 4. Timed out: relock, unlink
//      our node if still queued (cancel), unlock, return `timed_out`.
//   CH.CHAN5 (a timeout racing a completion has one outcome): the completer's claim and the
//      timeout are CASes on one word (CH.CLAIM2, WT.WAIT4 of sync/waiter.hpp), so exactly one wins.
//      The claim won: the completer moves the value before waking us, and we report success
//      (or `closed`). The timeout won: every completer that dequeues our node fails the claim
//      and drops the node without touching its slot — a timed-out send's value was not taken
//      (the caller still owns it, unmoved), a timed-out recv's slot stays empty — and the
//      wake goes to another party. Never both, never neither; one wake per operation.
//   CH.CHAN6 (the timed-out owner leaves nothing behind): it unlinks its node under lock_ before
//      returning, and completers touch a node or its parker only under lock_ (or, having
//      claimed it, through the final wake()); so after the unlink nobody holds a pointer into
//      its frame, and its unlock is its last access to *this (CH.CHAN4 holds for timed
//      operations too). The timer entry lives in park_until's frame and is done with before
//      park_until returns (WT.WAIT5, TS.TIM1).
// As a case_source (case_source.hpp) a channel meets CH.SRC2 with try_send_locked /
// try_recv_locked, CH.SRC3 by queueing the node like step 1 or 2 would queue its own, and CH.SRC4
// with the same unlink as CH.CHAN6; every completer above claims before it touches a node.
// No lost wakeup: an owner queues its node and a completer looks for nodes under the same
// lock; the owner's park() after unlocking cannot miss the wake() (WT.WAIT1).
// Destruction (CH.CHAN4): every operation's last access to the channel is lock_.unlock(); wakes
// touch only parkers. There is no lock-free fast path, so a party whose operation has returned
// may destroy the channel at once (e.g. the receiver of the last value) — storage-tested.
// Destroying a channel on which somebody is still blocked (its node is queued) is misuse: the
// destructor stops the program with a message (always on: it is one check of two pointers).
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/chan/detail/case_source.hpp>
#include <spindle/fiber/chan/detail/parker.hpp>
#include <spindle/fiber/chan/detail/wait_queue.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::chan::detail {

class channel_base : public case_source {
 public:
  channel_base(const channel_base&) = delete;
  channel_base& operator=(const channel_base&) = delete;
  channel_base(channel_base&&) = delete;
  channel_base& operator=(channel_base&&) = delete;

  // Closes the channel and wakes every blocked party (step 3); true if this call closed it,
  // false if it already was (closing twice is allowed and does nothing).
  bool close() noexcept;

  // Whether close() has been called (a snapshot).
  bool is_closed() const noexcept;

  // How many values the ring holds at most (0: unbuffered, each send meets a receiver).
  std::size_t capacity() const noexcept { return capacity_; }

  // CH.SRC3 (case_source.hpp): queues a select case's node where step 1 or 2 would queue its
  // own (a recv case on the receivers, a send case on the senders).
  void enqueue_locked(case_op op, case_node& node) noexcept final;

  // CH.SRC4: unlinks a select case's node (or a timed-out operation's, CH.CHAN6) if still queued.
  void cancel(case_node& node) noexcept final;

 protected:
  explicit channel_base(std::size_t capacity) noexcept : capacity_(capacity) {}
  ~channel_base();

  static constexpr const char* lock_name = "fiber::chan::channel lock";

  // How a waiting operation (step 4 or 5) ended.
  enum class wait_result : std::uint8_t {
    completed,  // a completer claimed the node and moved the value (in or out)
    closed,     // close() claimed the node: nothing moved
    timed_out,  // step 5 only: the deadline won (CH.CHAN5); nothing moved, nothing queued
  };

  // Every send and recv: takes lock_, runs `attempt(to_wake)` (step 1 or 2 without blocking,
  // returning a Status) under it; if that returns `would_block`, returns `wait()`, which is
  // entered holding lock_ and must release it (step 4 or 5, or a try_'s unlock); otherwise
  // releases lock_ and wakes the counterpart the attempt claimed (to_wake), if any.
  // Not analysed for lock discipline: on the would_block path lock_ passes to wait(), which
  // releases it, and clang's analysis cannot follow a lock into a callable.
  template <class Status, class Attempt, class Wait>
  Status complete_or_wait(Status would_block, Attempt attempt, Wait wait)
      SPINDLE_NO_THREAD_SAFETY_ANALYSIS {
    parker* to_wake = nullptr;
    Status status;
    lock_.lock();
    {
      no_suspend_scope no_suspend(lock_name);
      status = attempt(to_wake);
    }
    if (status == would_block) return wait();
    lock_.unlock();  // CH.CHAN4: our last access to *this
    if (to_wake != nullptr) to_wake->wake();  // the claimed counterpart's last touch
    return status;
  }

  // Step 4, entered holding lock_ after step 1 or 2 found nobody: links a node for the
  // caller (its slot = `slot`) on `queue` and parks it; releases lock_ and returns once a
  // completer woke it: `completed` or `closed`. A fiber parks under the lock
  // (parker::park_unlocking, CH.PARK1); a thread unlocks, then parks on the futex. Only the
  // wait path builds a node and a parker: an operation that completes at once builds none.
  wait_result wait_locked(wait_queue& queue, void* slot) noexcept {
    parker self(/*single_case=*/true);
    case_node node;
    {
      no_suspend_scope no_suspend(lock_name);
      node.owner = &self;
      node.slot = slot;
      queue.push_back(node);
    }
    park(self);  // step 4: a completer finishes our operation, or close() marks the node closed
    return node.closed ? wait_result::closed : wait_result::completed;
  }

  // Step 5's wait, entered holding lock_ after step 1 or 2 found nobody: queues a node for
  // the caller (its slot = `slot`) on `queue`, owned by a timed parker in this frame,
  // releases lock_ and parks until a completer claims it (`completed` or `closed`) or
  // `deadline` passes (`timed_out`: the node is not queued any more, CH.CHAN6). A passed
  // deadline returns `timed_out` at once, queueing nothing.
  // Entered holding lock_, which the caller took (complete_or_wait): not analysed.
  wait_result wait_until_locked(wait_queue& queue, void* slot,
                                twist::steady_clock::time_point deadline) noexcept
      SPINDLE_NO_THREAD_SAFETY_ANALYSIS;

  // Guarded by lock_ (CH.CHAN1).
  struct guarded_state {
    bool closed = false;
    std::size_t head = 0;   // ring index of the oldest buffered value
    std::size_t count = 0;  // buffered values
    wait_queue senders;     // blocked senders, oldest first (CH.CHAN3)
    wait_queue receivers;   // blocked receivers, oldest first (CH.CHAN2)
  };

  guarded_state guarded_;
  const std::size_t capacity_;

 private:
  // Releases lock_ and parks `self`, whose one node is linked here (step 4). Entered holding
  // lock_, which the caller took (complete_or_wait): not expressible to the analysis.
  void park(parker& self) noexcept SPINDLE_NO_THREAD_SAFETY_ANALYSIS;
};

}  // namespace spindle::fiber::chan::detail
