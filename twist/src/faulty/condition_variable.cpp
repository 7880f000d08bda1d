// twist::condition_variable in faulty mode; the protocol and its invariants (TCV.INV1-TCV.INV3)
// are at the top of include/spindle/twist/threads/condition_variable.hpp.
#include <spindle/twist/threads/condition_variable.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <thread>

#include <spindle/twist/faulty/detail/injector.hpp>
#include <spindle/twist/faulty/fault_observer.hpp>
#include <spindle/twist/threads/futex.hpp>

#include "runtime.hpp"

namespace spindle::twist {

namespace {
constexpr std::uint32_t kWaiting = 0;
constexpr std::uint32_t kNotified = 1;
}  // namespace

condition_variable::~condition_variable() {
  for (;;) {
    list_lock_.lock();
    const bool has_waiters = waiters_.num_waiters != 0;
    const bool notified_waiters_leaving = waiters_.num_in_wait != 0;
    list_lock_.unlock();
    if (has_waiters) {
      faulty::detail::misuse("twist::condition_variable destroyed while threads wait on it",
                             source_location::current());
    }
    // TCV.INV3: each remaining one was notified and needs list_lock_ once more (step 3), briefly.
    if (!notified_waiters_leaving) return;
    std::this_thread::yield();
  }
}

void condition_variable::notify_one(source_location where) noexcept {
  faulty::detail::inject(where);
  list_lock_.lock();
  if (waiters_.num_waiters != 0) {
    std::size_t position = faulty::detail::choose_waiter(waiters_.num_waiters, where);
    waiter* chosen = waiters_.head;
    while (position-- != 0) chosen = chosen->next;
    unlink(*chosen);
    signal(*chosen);
  }
  list_lock_.unlock();
}

void condition_variable::notify_all(source_location where) noexcept {
  faulty::detail::inject(where);
  list_lock_.lock();
  while (waiters_.head != nullptr) {
    waiter& first = *waiters_.head;
    unlink(first);
    signal(first);
  }
  list_lock_.unlock();
}

void condition_variable::wait(std::unique_lock<mutex>& lock, source_location where) {
  waiter self;
  if (begin_wait(self, lock, where)) {
    // acquire: pairs with the release store in signal().
    while (self.notified.load(std::memory_order_acquire) == kWaiting) {
      futex::os::wait(futex::detail::address_of(self.notified), kWaiting);
    }
  }
  end_wait(self, lock);
}

bool condition_variable::begin_wait(waiter& self, std::unique_lock<mutex>& lock,
                                    source_location where) {
  if (!lock.owns_lock()) {
    faulty::detail::misuse("twist::condition_variable wait with a unique_lock that does not own "
                           "its mutex", where);
  }
  faulty::detail::inject(where);
  list_lock_.lock();
  self.prev = waiters_.tail;
  if (waiters_.tail != nullptr) {
    waiters_.tail->next = &self;
  } else {
    waiters_.head = &self;
  }
  waiters_.tail = &self;
  ++waiters_.num_waiters;
  ++waiters_.num_in_wait;  // TCV.INV3
  list_lock_.unlock();
  // Decided while the node is listed: a spurious return must still unlink it (step 3).
  const bool sleep = !faulty::detail::spurious(faulty::fault_kind::spurious_condvar_wakeup, where);
  lock.unlock();  // after listing: step 1's no-lost-wakeup argument
  return sleep;
}

void condition_variable::sleep_on(waiter& self, std::chrono::nanoseconds timeout) noexcept {
  futex::os::wait_for(futex::detail::address_of(self.notified), kWaiting, timeout);
}

bool condition_variable::end_wait(waiter& self, std::unique_lock<mutex>& lock) {
  // Taking list_lock_ also waits out a notifier still working on our node (TCV.INV2).
  list_lock_.lock();
  // relaxed: written only under list_lock_, which we hold (TCV.INV1).
  const bool notified = self.notified.load(std::memory_order_relaxed) == kNotified;
  if (!notified) unlink(self);
  --waiters_.num_in_wait;  // TCV.INV3: from here on, *this may be destroyed under us
  list_lock_.unlock();
  lock.lock();
  return notified;
}

void condition_variable::unlink(waiter& node) noexcept {
  if (node.prev != nullptr) {
    node.prev->next = node.next;
  } else {
    waiters_.head = node.next;
  }
  if (node.next != nullptr) {
    node.next->prev = node.prev;
  } else {
    waiters_.tail = node.prev;
  }
  node.prev = nullptr;
  node.next = nullptr;
  --waiters_.num_waiters;
}

void condition_variable::signal(waiter& node) noexcept {
  // release: pairs with the acquire loads of `notified` in wait() and wait_until().
  node.notified.store(kNotified, std::memory_order_release);
  // Under list_lock_, so the node is still alive (TCV.INV2).
  futex::os::wake(futex::detail::address_of(node.notified), /*all=*/false);
}

}  // namespace spindle::twist
