// faulty backend of twist::atomic_flag: std::atomic_flag with an injection point around each
// operation (see detail/injector.hpp).
//
//   twist::atomic_flag busy;                                // clear
//   while (busy.test_and_set(std::memory_order_acquire)) {  // acquire: pairs with clear(release)
//     twist::spin_wait{}();
//   }
//   busy.clear(std::memory_order_release);
#pragma once

#include <atomic>

#include <spindle/twist/faulty/detail/injector.hpp>
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
    faulty::detail::operation_scope scope{where};
    return impl_.test(order);
  }

  // Sets the flag; returns its previous value.
  bool test_and_set(std::memory_order order = std::memory_order_seq_cst,
                    source_location where = source_location::current()) noexcept {
    faulty::detail::operation_scope scope{where};
    return impl_.test_and_set(order);
  }

  // Clears the flag.
  void clear(std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) noexcept {
    faulty::detail::operation_scope scope{where};
    impl_.clear(order);
  }

 private:
  std::atomic_flag impl_;
};

}  // namespace spindle::twist
