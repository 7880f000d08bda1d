// Facade: thread-locals and statics that toolbox code keeps (the current worker, the current
// fiber). Going through these lets the simulator give every simulated thread its own slot and
// start every simulated run clean; in std and faulty modes they are plain C++ thread_local
// and function-local statics.
//
// Each slot is named by a tag type, so declarations read:
//
//   struct current_fiber_slot;                       // the tag; never defined
//   using current_fiber = twist::thread_local_ptr<fiber, current_fiber_slot>;
//   current_fiber::set(this);  ...  fiber* f = current_fiber::get();
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/twist/sim/thread_local.hpp>
#else

namespace spindle::twist {

// A per-thread pointer, null in every new thread.
template <class T, class Tag>
class thread_local_ptr {
 public:
  static T* get() noexcept { return slot_; }
  static void set(T* value) noexcept { slot_ = value; }

 private:
  static inline thread_local T* slot_ = nullptr;
};

// A process-wide value, constructed on first use (per simulated run in sim mode).
template <class T, class Tag>
class static_var {
 public:
  static T& get() {
    static T value;
    return value;
  }
};

}  // namespace spindle::twist

#endif  // SPINDLE_TWIST_MODE_SIM
