// twist::atomic_flag of the wrapping backends (faulty and sim; in std mode it is
// std::atomic_flag): a twist::atomic<bool>, so each operation is that backend's atomic
// operation (faulty: an injection point around it; sim: a step committed like any atomic
// access). Included by threads/atomic.hpp and sim/atomic.hpp after twist::atomic.
//
//   twist::atomic_flag busy;                                // clear
//   while (busy.test_and_set(std::memory_order_acquire)) {  // acquire: pairs with clear(release)
//     twist::spin_wait{}();
//   }
//   busy.clear(std::memory_order_release);
#pragma once

#include <atomic>

#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

class atomic_flag {
 public:
  // Clear, as std::atomic_flag is since C++20.
  constexpr atomic_flag() noexcept = default;

  atomic_flag(const atomic_flag&) = delete;
  atomic_flag& operator=(const atomic_flag&) = delete;

  // Returns the flag's value.
  bool test(std::memory_order order = std::memory_order_seq_cst,
            source_location where = source_location::current()) const noexcept {
    return set_.load(order, where);
  }

  // Sets the flag; returns its previous value.
  bool test_and_set(std::memory_order order = std::memory_order_seq_cst,
                    source_location where = source_location::current()) noexcept {
    return set_.exchange(true, order, where);
  }

  // Clears the flag.
  void clear(std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) noexcept {
    set_.store(false, order, where);
  }

 private:
  atomic<bool> set_{false};
};

}  // namespace spindle::twist
