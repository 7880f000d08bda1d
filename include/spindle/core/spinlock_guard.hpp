// Holds a core::spinlock for a scope, releasing it on every way out (exceptions too):
//
//   const core::spinlock_guard hold(lock_);
//
// std::lock_guard would do the same, but <mutex> stays out of the toolbox
// (tests/guard/check_facade_use.sh), so the toolbox has this one.
#pragma once

#include <spindle/core/spinlock.hpp>

namespace spindle::core {

class spinlock_guard {
 public:
  explicit spinlock_guard(spinlock& lock) noexcept : lock_(lock) { lock_.lock(); }
  ~spinlock_guard() { lock_.unlock(); }

  spinlock_guard(const spinlock_guard&) = delete;
  spinlock_guard& operator=(const spinlock_guard&) = delete;

 private:
  spinlock& lock_;
};

}  // namespace spindle::core
