// fiber::chan::detail::parker: park_unlocking (PARK1 in parker.hpp).
#include <spindle/fiber/chan/detail/parker.hpp>

#include <spindle/fiber/suspend.hpp>

namespace spindle::fiber::chan::detail {

void parker::park_unlocking(fiber::detail::fiber_block& running, core::spinlock& lock) noexcept {
  core::spinlock* held = &lock;
  fiber::detail::suspend(running, [this, held](handle h) {
    fiber_ = h;
    parked_under_lock_ = true;
    held->unlock();  // PARK1: from here a completer may resume the fiber; touch nothing more
  });
}

}  // namespace spindle::fiber::chan::detail
