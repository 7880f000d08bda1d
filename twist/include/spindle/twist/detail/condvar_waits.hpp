// The predicate forms of condition_variable's waits, written once for the backends that
// implement their own condition variable (faulty: threads/condition_variable.hpp, sim:
// sim/condition_variable.hpp) in terms of the forms each writes itself: wait(lock),
// wait_until(lock, deadline), and a static deadline_after(timeout) giving the deadline a
// wait_for(timeout) waits until. Derived brings these in with using-declarations.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

namespace spindle::twist::detail {

template <class Derived, class Mutex>
class condvar_waits {
 public:
  // Waits until pred() holds (checked with the lock held).
  template <class Predicate>
  void wait(std::unique_lock<Mutex>& lock, Predicate pred) {
    while (!pred()) self().wait(lock);
  }

  // Waits until pred() holds or `deadline` passes; returns pred().
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::unique_lock<Mutex>& lock,
                  const std::chrono::time_point<Clock, Duration>& deadline, Predicate pred) {
    while (!pred()) {
      if (self().wait_until(lock, deadline) == std::cv_status::timeout) return pred();
    }
    return true;
  }

  // Waits until pred() holds or `timeout` passes; returns pred().
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::unique_lock<Mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                Predicate pred) {
    return wait_until(lock, Derived::deadline_after(timeout), std::move(pred));
  }

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace spindle::twist::detail
