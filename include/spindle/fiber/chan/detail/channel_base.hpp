// The part of fiber::chan::channel<T> that does not depend on T: the lock, the closed flag,
// the ring's indices, the two wait queues, close() and the destruction check. channel.hpp
// holds the typed half (the ring's slots, send, recv); select.hpp drives several channels.
//
// Protocol (after Go's runtime/chan.go, D. Vyukov et al.; its invariants restated for
// intrusive waiters that live on the blocked party's stack):
//   CHAN1  Everything below — closed, the ring (head, count, slots), both queues and the links
//          of every node in them — is read and written only under lock_ (a core::spinlock,
//          held inside a no_suspend_scope, never across a park()).
//   CHAN2  count > 0  implies  no receiver is queued: a receiver queues only when the ring is
//          empty, and every send first hands its value to a queued receiver if one can be
//          claimed (dropping those whose select already completed), so it only buffers once
//          the receiver queue is empty.
//   CHAN3  a sender is queued  implies  count == capacity: a sender queues only when the ring
//          is full, and every recv that takes from the ring refills it from the oldest
//          claimable sender (a capacity-0 channel: takes the sender's value directly).
//          Together with FIFO queues and the ring, values leave in the order they came.
//   1. send(v): lock. Closed -> unlock, return `closed` (v untouched). A receiver node can be
//      claimed (wait_queue::pop_claimed) -> emplace v into its slot; else the ring has room
//      -> push v; else queue our own node (slot = &v) on the senders and park after unlock.
//      Unlock, then wake() the claimed receiver — the last touch of anything it owns.
//   2. recv(): lock. A sender node can be claimed -> take the ring's head and push the
//      sender's value behind (capacity 0: take the sender's value); else the ring is
//      non-empty -> take its head; else closed -> empty optional; else queue our own node
//      (slot = &result) on the receivers and park after unlock. Unlock, wake the sender.
//   3. close(): lock; already closed -> return false. Set closed; claim every queued node
//      (senders and receivers), mark each `closed`, collect their parkers in a local list.
//      Unlock, then wake each, popping it from the list first (the parker may vanish at once).
//      Blocked senders return `closed` (their values were not sent); blocked receivers return
//      an empty optional; buffered values stay and recv() drains them before it reports closed.
//   4. Park: a fiber suspends still holding the lock, which its after_switch releases once
//      it is off its stack (PARK1 in parker.hpp); a thread unlocks, then parks (WAIT1 of
//      waiter.hpp). Either way the owner returns only after the claiming completer's wake(),
//      so a node is never re-used or freed while a completer writes its slot.
//   5. send_until(v, d) / recv_until(d), the timed operations: lock; step 1 or 2 without
//      blocking — done if it completes (a ready operation never waits, and never reads the
//      clock). Otherwise, in a fiber, check it has a timer service (parker.hpp,
//      check_timed_wait). The deadline has passed -> unlock, return `timed_out` (like try_*,
//      nothing was queued). Else queue our node, owned by a `timed` parker (CLAIM2 of
//      parker.hpp), unlock, and park_until(d) — never under the lock (PARK1 is for untimed
//      operations only: the timer service's expiry must not wait for a channel lock).
//      Woken: a completer claimed us and finished the operation (moved our value, filled our
//      slot, or marked the node closed), exactly as after step 4. Timed out: relock, unlink
//      our node if still queued, unlock, return `timed_out`.
//   CHAN5 (a timeout racing a completion has one outcome): the completer's claim and the
//      timeout are CASes on one word (CLAIM2, WAIT4 of sync/waiter.hpp), so exactly one wins.
//      The claim won: the completer moves the value before waking us, and we report success
//      (or `closed`). The timeout won: every completer that dequeues our node fails the claim
//      and drops the node without touching its slot — a timed-out send's value was not taken
//      (the caller still owns it, unmoved), a timed-out recv's slot stays empty — and the
//      wake goes to another party. Never both, never neither; one wake per operation.
//   CHAN6 (the timed-out owner leaves nothing behind): it unlinks its node under lock_ before
//      returning, and completers touch a node or its parker only under lock_ (or, having
//      claimed it, through the final wake()); so after the unlink nobody holds a pointer into
//      its frame, and its unlock is its last access to *this (CHAN4 holds for timed
//      operations too). The timer entry lives in park_until's frame and is done with before
//      park_until returns (WAIT5, TIM1).
// No lost wakeup: an owner queues its node and a completer looks for nodes under the same
// lock; the owner's park() after unlocking cannot miss the wake() (WAIT1).
// Destruction (CHAN4): every operation's last access to the channel is lock_.unlock(); wakes
// touch only parkers. There is no lock-free fast path, so a party whose operation has returned
// may destroy the channel at once (e.g. the receiver of the last value) — storage-tested.
// Destroying a channel on which somebody is still blocked (its node is queued) is misuse: the
// destructor stops the program with a message (always on: it is one check of two pointers).
#pragma once

#include <cstddef>

#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/chan/detail/parker.hpp>
#include <spindle/fiber/chan/detail/wait_queue.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::chan::detail {

class channel_base {
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

  // For select (select.hpp): the lock, and unlinking a losing case's node if it is still
  // queued (takes the lock).
  void lock() const noexcept { lock_.lock(); }
  void unlock() const noexcept { lock_.unlock(); }
  void unlink(case_node& node) noexcept;

 protected:
  explicit channel_base(std::size_t capacity) noexcept : capacity_(capacity) {}
  ~channel_base();

  // Step 4 of a plain send/recv: called holding lock_, with `self`'s one node linked here;
  // releases lock_ and returns once a completer woke `self`. A fiber parks under the lock
  // (parker::park_unlocking, PARK1); a thread unlocks, then parks on the futex.
  void park(parker& self) noexcept;

  // Step 5's wait, entered holding lock_ after step 1 or 2 found nobody: queues `node` (its
  // slot set) on `queue`, owned by a timed parker in this frame, releases lock_ and parks
  // until a completer claims it (true: the operation completed, node.closed says how) or
  // `deadline` passes (false: timed out; the node is not queued any more, CHAN6). A passed
  // deadline returns false at once, queueing nothing.
  bool wait_until_locked(case_node& node, wait_queue& queue,
                         twist::steady_clock::time_point deadline) noexcept;

  // Guarded by lock_ (CHAN1).
  struct guarded_state {
    bool closed = false;
    std::size_t head = 0;   // ring index of the oldest buffered value
    std::size_t count = 0;  // buffered values
    wait_queue senders;     // blocked senders, oldest first (CHAN3)
    wait_queue receivers;   // blocked receivers, oldest first (CHAN2)
  };

  mutable core::spinlock lock_;
  guarded_state guarded_;
  const std::size_t capacity_;
};

}  // namespace spindle::fiber::chan::detail
