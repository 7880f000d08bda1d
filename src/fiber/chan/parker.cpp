// fiber::chan::detail::parker: park_unlocking (CH.PARK1 in parker.hpp), the timer check of the
// timed operations (CH.CLAIM2).
#include <spindle/fiber/chan/detail/parker.hpp>

#include <spindle/base/config.hpp>
#include <spindle/fiber/detail/fiber_block.hpp>
#include <spindle/fiber/suspend.hpp>

namespace spindle::fiber::chan::detail {

void parker::park_unlocking(fiber::detail::fiber_block& running, core::spinlock& lock) noexcept {
  core::spinlock* held = &lock;
  // The after_switch releases the lock the caller took: the analysis cannot follow it there.
  fiber::detail::suspend(running, [this, held](handle h) SPINDLE_NO_THREAD_SAFETY_ANALYSIS {
    fiber_ = h;
    parked_under_lock_ = true;
    held->unlock();  // CH.PARK1: from here a completer may resume the fiber; touch nothing more
  });
}

void check_timed_wait() noexcept {
  const fiber::detail::fiber_block* running = fiber::detail::fiber_block::current();
  SPINDLE_VERIFY(running == nullptr || running->timers() != nullptr,
                 "fiber::chan: a timed channel operation (send_until, send_for, recv_until, "
                 "recv_for, select_until, select_for) in a fiber without a timer service (set "
                 "options::timers)");
}

}  // namespace spindle::fiber::chan::detail
