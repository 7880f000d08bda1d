// fiber::sync::barrier: the protocol (steps 1-4, BR.BAR1, BR.BAR2) is in barrier.hpp.
#include <spindle/fiber/sync/barrier.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::sync::detail {

namespace {
constexpr const char* lock_name = "fiber::sync::barrier lock";
}

barrier_base::barrier_base(std::uint32_t parties) : parties_(parties) {
  SPINDLE_VERIFY(parties > 0, "fiber::sync::barrier needs at least one party");
}

barrier_base::~barrier_base() {
  // Destruction happens-after the last arrivals by the owner's own synchronization (BR.BAR2).
  SPINDLE_ASSERT(guarded_.waiters.empty() && guarded_.arrivals == 0,
                 "fiber::sync::barrier destroyed while fibers or threads wait on it");
}

void barrier_base::arrive_and_wait(completion_fn complete, void* context) {
  waiter self;
  core::intrusive::queue<waiter, waiter_tag> released;
  bool last = false;
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    SPINDLE_VERIFY(!guarded_.completing,
                   "fiber::sync::barrier::arrive_and_wait() while the barrier completes a "
                   "generation (more arrivals than parties, or called from the completion "
                   "function)");
    if (++guarded_.arrivals < parties_) {
      guarded_.waiters.push_back(self);  // step 1
    } else {
      last = true;  // step 2
      released.splice(guarded_.waiters);
      guarded_.arrivals = 0;
      guarded_.completing = complete != nullptr;
    }
  }
  lock_.unlock();
  if (!last) {
    self.park();  // returns once the last arriver woke us (step 4)
    return;
  }
  if (complete != nullptr) {
    complete(context);  // step 3: no arrival can come meanwhile (BR.BAR1)
    lock_.lock();
    guarded_.completing = false;
    lock_.unlock();  // BR.BAR2: the last access to *this; nobody has been released yet
  }
  while (waiter* w = released.pop_front()) w->wake();  // step 4: popped before it is woken
}

}  // namespace spindle::fiber::sync::detail
