// sim backend of twist/thread_local.hpp: every simulated thread has its own slots, null at its
// start, and a static_var is constructed afresh in every run and destroyed at the run's end —
// so no state leaks from one explored schedule into the next.
#pragma once

#include <cstddef>
#include <new>

#include <spindle/sim/trap.hpp>

namespace spindle::twist {

template <class T, class Tag>
class thread_local_ptr {
 public:
  static T* get() noexcept {
    if (!sim::trap::in_simulation()) return outside_;
    return static_cast<T*>(sim::trap::thread_local_slot(index_));
  }
  static void set(T* value) noexcept {
    if (!sim::trap::in_simulation()) {
      outside_ = value;
      return;
    }
    sim::trap::thread_local_slot(index_) = const_cast<void*>(static_cast<const void*>(value));
  }

 private:
  static inline const std::size_t index_ = sim::trap::register_thread_local();
  static inline T* outside_ = nullptr;  // the slot of the OS thread, outside simulations
};

template <class T, class Tag>
class static_var {
 public:
  static T& get() {
    if (!sim::trap::in_simulation()) {
      static T outside;
      return outside;
    }
    static const char key = 0;
    return *static_cast<T*>(sim::trap::run_static(
        &key, sizeof(T), [](void* where) { ::new (where) T(); },
        [](void* object) { static_cast<T*>(object)->~T(); }));
  }
};

}  // namespace spindle::twist
