// What the wrapping backends' twist::atomic<T> (faulty: threads/atomic.hpp, sim: sim/atomic.hpp)
// share: which operations a T has (as std::atomic<T> decides it), the member types, and
// atomic_base, which spells once every member that a backend need not write itself (the
// one-order compare_exchange overloads and the operators) in terms of the members it does
// write: load, store, the two-order compare_exchange_weak/strong and fetch_*. In std mode
// twist::atomic is std::atomic itself and none of this is used.
#pragma once

#include <atomic>
#include <cstddef>
#include <type_traits>

#include <spindle/twist/source_location.hpp>

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

// old + arg and old - arg as the atomic operations compute them: integers wrap around (two's
// complement, as std::atomic's fetch_add does) instead of overflowing.
template <class T, class Arg>
constexpr T wrapping_plus(T old, Arg arg) noexcept {
  if constexpr (atomic_integral<T>) {
    using bits = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<bits>(static_cast<bits>(old) + static_cast<bits>(arg)));
  } else {
    return old + arg;
  }
}
template <class T, class Arg>
constexpr T wrapping_minus(T old, Arg arg) noexcept {
  if constexpr (atomic_integral<T>) {
    using bits = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<bits>(static_cast<bits>(old) - static_cast<bits>(arg)));
  } else {
    return old - arg;
  }
}

// The members of twist::atomic<T> written once for every wrapping backend. Derived declares
// load, store, the two-order compare_exchange_weak/strong and fetch_*, each taking a trailing
// defaulted source_location, and brings these in with using-declarations (its own
// compare_exchange_* and deleted copy assignment would hide them otherwise). The operators
// cannot take a source_location: they report this header's.
template <class Derived, class T>
class atomic_base : public atomic_member_types<T> {
  using difference = typename difference_of<T>::type;

 protected:
  static constexpr bool kHasAdd = atomic_arithmetic<T> || atomic_object_pointer<T>;
  static constexpr bool kHasIncrement = atomic_integral<T> || atomic_object_pointer<T>;
  static constexpr bool kHasBitwise = atomic_integral<T>;

 public:
  static constexpr bool is_always_lock_free = std::atomic<T>::is_always_lock_free;

  // The failure order is the one the standard derives from `order`.
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             source_location where = source_location::current()) noexcept {
    return self().compare_exchange_weak(expected, desired, order, failure_order_for(order), where);
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               source_location where = source_location::current()) noexcept {
    return self().compare_exchange_strong(expected, desired, order, failure_order_for(order),
                                          where);
  }

  // The operators are seq_cst, as in std; they return the new value (postfix: the old one).
  T operator=(T desired) noexcept {
    self().store(desired);
    return desired;
  }
  operator T() const noexcept { return self().load(); }

  T operator++() noexcept
    requires kHasIncrement
  {
    return wrapping_plus(self().fetch_add(1), 1);
  }
  T operator++(int) noexcept
    requires kHasIncrement
  {
    return self().fetch_add(1);
  }
  T operator--() noexcept
    requires kHasIncrement
  {
    return wrapping_minus(self().fetch_sub(1), 1);
  }
  T operator--(int) noexcept
    requires kHasIncrement
  {
    return self().fetch_sub(1);
  }
  T operator+=(difference arg) noexcept
    requires kHasAdd
  {
    return wrapping_plus(self().fetch_add(arg), arg);
  }
  T operator-=(difference arg) noexcept
    requires kHasAdd
  {
    return wrapping_minus(self().fetch_sub(arg), arg);
  }
  T operator&=(T arg) noexcept
    requires kHasBitwise
  {
    return static_cast<T>(self().fetch_and(arg) & arg);
  }
  T operator|=(T arg) noexcept
    requires kHasBitwise
  {
    return static_cast<T>(self().fetch_or(arg) | arg);
  }
  T operator^=(T arg) noexcept
    requires kHasBitwise
  {
    return static_cast<T>(self().fetch_xor(arg) ^ arg);
  }

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

}  // namespace spindle::twist::detail
