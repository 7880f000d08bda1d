// What the faulty and sim backends' twist::atomic<T> share: which operations a T has (as
// std::atomic<T> decides it), the member types, and the failure order of a one-order CAS.
#pragma once

#include <atomic>
#include <cstddef>
#include <type_traits>

namespace spindle::twist::detail {

template <class T>
concept atomic_integral = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <class T>
concept atomic_arithmetic = atomic_integral<T> || std::is_floating_point_v<T>;

template <class T>
concept atomic_object_pointer = std::is_pointer_v<T> && std::is_object_v<std::remove_pointer_t<T>>;

// The operand type of fetch_add/fetch_sub: the value type, or ptrdiff_t for pointers. For types
// without arithmetic it names T only so the (constrained-away) declarations stay well-formed.
template <class T>
struct difference_of {
  using type = T;
};
template <class T>
struct difference_of<T*> {
  using type = std::ptrdiff_t;
};

// The member types std::atomic<T> has: difference_type only where it has arithmetic.
template <class T>
struct atomic_member_types {
  using value_type = T;
};
template <class T>
  requires atomic_arithmetic<T> || atomic_object_pointer<T>
struct atomic_member_types<T> {
  using value_type = T;
  using difference_type = typename difference_of<T>::type;
};

// The failure order the standard derives for a one-order compare_exchange.
constexpr std::memory_order failure_order_for(std::memory_order success) noexcept {
  if (success == std::memory_order_acq_rel) return std::memory_order_acquire;
  if (success == std::memory_order_release) return std::memory_order_relaxed;
  return success;
}

}  // namespace spindle::twist::detail
