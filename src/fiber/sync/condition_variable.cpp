// fiber::sync::condition_variable: the protocol (steps 1-4, FCV.CV1-FCV.CV3) is in
// condition_variable.hpp.
#include <spindle/fiber/sync/condition_variable.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::sync {

namespace {
constexpr const char* lock_name = "fiber::sync::condition_variable waiter lock";
}

condition_variable::~condition_variable() {
  // Destruction happens-after the last wait/notify by the owner's own synchronization (FCV.CV2).
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
    guarded_.waiters.push_back(self);  // step 1: before the mutex is released (FCV.CV1)
    if (self.is_timed()) ++guarded_.timed_waiters;
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
  waiter self(timed);
  enqueue(self, mu);
  mu.unlock();
  const bool woken = self.park_until(deadline);  // woken: claimed, cv untouched since (FCV.CV2)
  if (!woken) {
    lock_.lock();
    {
      no_suspend_scope no_suspend(lock_name);
      // Not found: a notify skipped us (our timeout won) and counted us out itself.
      if (unlink_waiter(guarded_.waiters, self)) --guarded_.timed_waiters;
      if (guarded_.waiters.empty()) guarded_.waiters_mutex = nullptr;
    }
    lock_.unlock();
  }
  mu.lock();
  return woken ? cv_status::no_timeout : cv_status::timeout;
}

waiter* condition_variable::pop_claimed() noexcept {
  while (waiter* w = guarded_.waiters.pop_front()) {
    if (w->is_timed()) --guarded_.timed_waiters;
    if (w->claim()) return w;  // else its timeout won: skip it, it leaves on its own (FCV.CV3)
  }
  return nullptr;
}

void condition_variable::notify_one() noexcept {
  waiter* next = nullptr;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    next = pop_claimed();
    if (guarded_.waiters.empty()) guarded_.waiters_mutex = nullptr;
  }
  lock_.unlock();  // FCV.CV2: the last access to *this, before anyone is woken
  if (next != nullptr) next->wake();
}

void condition_variable::notify_all() noexcept {
  core::intrusive::queue<waiter, waiter_tag> woken;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    if (guarded_.timed_waiters == 0) {
      woken.splice(guarded_.waiters);  // untimed waiters only: nothing to claim
    } else {
      while (waiter* w = pop_claimed()) woken.push_back(*w);
    }
    guarded_.waiters_mutex = nullptr;
  }
  lock_.unlock();  // FCV.CV2: the last access to *this, before anyone is woken
  while (waiter* w = woken.pop_front()) w->wake();  // popped before it is woken
}

}  // namespace spindle::fiber::sync
