// sim backend of twist::atomic_flag: a bool whose operations are simulation steps, committed
// like any atomic access (see sim/atomic.hpp).
//
//   twist::atomic_flag busy;                                // clear
//   while (busy.test_and_set(std::memory_order_acquire)) {  // acquire: pairs with clear(release)
//     twist::spin_wait{}();
//   }
//   busy.clear(std::memory_order_release);
#pragma once

#include <atomic>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

class atomic_flag {
  using operation = sim::trap::operation;

 public:
  constexpr atomic_flag() noexcept = default;

  atomic_flag(const atomic_flag&) = delete;
  atomic_flag& operator=(const atomic_flag&) = delete;

  bool test(std::memory_order order = std::memory_order_seq_cst,
            source_location where = source_location::current()) const noexcept {
    return run(operation::atomic_load, order, where, [&] { return set_; });
  }

  bool test_and_set(std::memory_order order = std::memory_order_seq_cst,
                    source_location where = source_location::current()) noexcept {
    return run(operation::atomic_rmw, order, where, [&] {
      const bool was_set = set_;
      set_ = true;
      return was_set;
    });
  }

  void clear(std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) noexcept {
    run(operation::atomic_store, order, where, [&] { return set_ = false; });
  }

 private:
  template <class Perform>
  bool run(operation op, std::memory_order order, const source_location& where,
           Perform perform) const noexcept {
    if (!sim::trap::in_simulation()) return perform();
    const sim::trap::step step{op, &set_, &tag_, order, where};
    sim::trap::before(step);
    const bool seen = perform();
    sim::trap::commit(step, {op, order, seen ? 1u : 0u, false});
    return seen;
  }

  mutable bool set_ = false;
  mutable sim::trap::location_tag tag_;
};

}  // namespace spindle::twist
