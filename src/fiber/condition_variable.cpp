// fiber::sync::condition_variable: the protocol (steps 1-3, CV1, CV2) is in
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

void condition_variable::wait_holding(mutex& mu) {
  waiter self;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    SPINDLE_VERIFY(guarded_.waiters_mutex == nullptr || guarded_.waiters_mutex == &mu,
                   "fiber::sync::condition_variable: concurrent waits with different mutexes");
    guarded_.waiters_mutex = &mu;
    guarded_.waiters.push_back(self);  // step 1: before the mutex is released (CV1)
  }
  lock_.unlock();
  mu.unlock();
  self.park();
  mu.lock();
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
