// Holds a core::spinlock for a scope, releasing it on every way out (exceptions too):
//
//   const core::spinlock_guard hold(lock_);
//
// std::lock_guard would do the same, but <mutex> stays out of the toolbox
// (tests/guard/check_facade_use.sh), so the toolbox has this one.
#pragma once

#include <spindle/base/thread_safety.hpp>
#include <spindle/core/spinlock.hpp>

namespace spindle::core {

class SPINDLE_SCOPED_CAPABILITY spinlock_guard {
 public:
  explicit spinlock_guard(spinlock& lock) noexcept SPINDLE_ACQUIRE(lock) : lock_(lock) {
    lock_.lock();
  }
  ~spinlock_guard() SPINDLE_RELEASE() { lock_.unlock(); }

  spinlock_guard(const spinlock_guard&) = delete;
  spinlock_guard& operator=(const spinlock_guard&) = delete;

 private:
  spinlock& lock_;
};

}  // namespace spindle::core
