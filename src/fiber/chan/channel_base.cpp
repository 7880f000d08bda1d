// fiber::chan::detail::channel_base: close(), parking (steps 4-5), the T-free half of the
// case_source interface, and the destruction check; the protocol (CH.CHAN1-6, steps 1-5) is in
// channel_base.hpp.
#include <spindle/fiber/chan/detail/channel_base.hpp>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/fiber/detail/fiber_block.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::chan::detail {

channel_base::~channel_base() {
  // Destruction happens-after every operation that returned (the caller's synchronization);
  // a queued node means somebody is still blocked here (or a select naming us still runs).
  SPINDLE_VERIFY(guarded_.senders.empty() && guarded_.receivers.empty(),
                 "fiber::chan::channel destroyed while fibers or threads wait on it");
}

bool channel_base::close() noexcept {
  // Parkers to wake once the lock is released; a parker is claimed at most once (CH.CLAIM1), so
  // it is pushed at most once. Its waiter hook is free: a parker sits in no other queue.
  core::intrusive::queue<sync::waiter, sync::waiter_tag> woken;
  bool closed_now = false;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    if (!guarded_.closed) {
      guarded_.closed = true;
      closed_now = true;
      for (wait_queue* queue : {&guarded_.senders, &guarded_.receivers}) {
        while (case_node* node = queue->pop_claimed()) {
          node->closed = true;  // read by the owner after park() (wake's release)
          woken.push_back(*node->owner);
        }
      }
    }
  }
  lock_.unlock();  // CH.CHAN4: our last access to *this
  // Pop before wake: a woken owner may return and free its parker at once.
  // Every waiter queued here is a parker (its own wake(): CH.PARK1 or the waiter protocol).
  while (sync::waiter* parked = woken.pop_front()) static_cast<parker*>(parked)->wake();
  return closed_now;
}

void channel_base::park(parker& self) noexcept {
  if (fiber::detail::fiber_block* running = fiber::detail::fiber_block::current()) {
    self.park_unlocking(*running, lock_);  // CH.PARK1: lock_ is released once we are off our stack
  } else {
    lock_.unlock();  // CH.CHAN4
    self.park();
  }
}

channel_base::wait_result channel_base::wait_until_locked(
    wait_queue& queue, void* slot, twist::steady_clock::time_point deadline) noexcept {
  parker self(sync::timed);  // CH.CLAIM2: completers claim it with winner_'s CAS, then the waiter's
  case_node node;
  bool expired = false;
  {
    no_suspend_scope no_suspend(lock_name);
    check_timed_wait();  // before the deadline test: the mistake shows whatever the deadline
    expired = twist::steady_clock::now() >= deadline;
    if (!expired) {
      node.owner = &self;
      node.slot = slot;
      queue.push_back(node);
    }
  }
  lock_.unlock();  // never parked under: the expiry must not wait for lock_ (step 5)
  if (expired) return wait_result::timed_out;  // like try_send / try_recv: nothing was queued
  if (self.park_until(deadline)) {
    // Claimed: the operation completed (CH.CHAN5), or close() marked the node.
    return node.closed ? wait_result::closed : wait_result::completed;
  }
  cancel(node);  // CH.CHAN6: our last access to *this
  return wait_result::timed_out;
}

bool channel_base::is_closed() const noexcept {
  lock_.lock();
  const bool closed = guarded_.closed;
  lock_.unlock();
  return closed;
}

void channel_base::enqueue_locked(case_op op, case_node& node) noexcept {
  (op == case_op::recv ? guarded_.receivers : guarded_.senders).push_back(node);
}

void channel_base::cancel(case_node& node) noexcept {
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    // The node is in one of our queues unless a completer dropped it (wait_queue::pop_claimed)
    // or claimed it; either way it did so under this lock, which we now hold (CH.SEL2).
    if (node.linked()) {
      (guarded_.senders.holds(node) ? guarded_.senders : guarded_.receivers).unlink(node);
    }
  }
  lock_.unlock();
}

}  // namespace spindle::fiber::chan::detail
