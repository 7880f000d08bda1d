// fiber::sync::condition_variable: the protocol (steps 1-4, CV1-CV3) is in
// condition_variable.hpp.
#include <spindle/fiber/sync/condition_variable.hpp>

#include <spindle/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::sync {

namespace {
constexpr const char* lock_name = "fiber::sync::condition_variable waiter lock";
}

condition_variable::~condition_variable() {
  // Destruction happens-after the last wait/notify by the owner's own synchronization (CV2).
  SPINDLE_ASSERT(guarded_.waiters.empty(),
                 "fiber::sync::condition_variable destroyed while fibers or threads wait on it");
}

void condition_variable::enqueue(waiter& self, mutex& mu) {
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    SPINDLE_VERIFY(guarded_.waiters_mutex == nullptr || guarded_.waiters_mutex == &mu,
                   "fiber::sync::condition_variable: concurrent waits with different mutexes");
    guarded_.waiters_mutex = &mu;
    guarded_.waiters.push_back(self);  // step 1: before the mutex is released (CV1)
  }
  lock_.unlock();
}

void condition_variable::wait_holding(mutex& mu) {
  waiter self;
  enqueue(self, mu);
  mu.unlock();
  self.park();
  mu.lock();
}

cv_status condition_variable::wait_holding_until(mutex& mu,
                                                 twist::steady_clock::time_point deadline) {
  waiter self;
  enqueue(self, mu);
  mu.unlock();
  bool woken = self.park_until(deadline);
  if (!woken) {
    bool unlinked = false;
    lock_.lock();
    {
      no_suspend_scope no_suspend(lock_name);
      unlinked = unlink_waiter(guarded_.waiters, self);
      if (guarded_.waiters.empty()) guarded_.waiters_mutex = nullptr;
    }
    lock_.unlock();
    if (!unlinked) {
      self.park();  // a notify picked us: take its wake (CV3, WAIT4)
      woken = true;
    }
  }
  mu.lock();
  return woken ? cv_status::no_timeout : cv_status::timeout;
}

void condition_variable::notify_one() noexcept {
  waiter* next = nullptr;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    next = guarded_.waiters.pop_front();
    if (guarded_.waiters.empty()) guarded_.waiters_mutex = nullptr;
  }
  lock_.unlock();  // CV2: the last access to *this, before anyone is woken
  if (next != nullptr) next->wake();
}

void condition_variable::notify_all() noexcept {
  core::intrusive::queue<waiter, waiter_tag> woken;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    woken.splice(guarded_.waiters);
    guarded_.waiters_mutex = nullptr;
  }
  lock_.unlock();  // CV2: the last access to *this, before anyone is woken
  while (waiter* w = woken.pop_front()) w->wake();  // popped before it is woken
}

}  // namespace spindle::fiber::sync
