// threads backend of twist/atomic.hpp (std and faulty builds).
//
// std: the facade's atomics ARE the standard ones, so production builds pay nothing
// (tests/twist/facade_test.cpp static_asserts the aliasing; the disassembly check in
// tests/core/zero_cost/ proves a facade spinlock compiles to the std::atomic one).
//
// faulty: twist::atomic<T> wraps std::atomic<T> with the same interface, and runs the calling
// thread's injector around every operation (before, after or both:
// faulty::set_injection_placement). compare_exchange_weak also fails spuriously, as the
// standard allows: it returns false and writes the current value to `expected`.
//
//   twist::atomic<int> count{0};
//   count.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic, read after join()
//
// Every operation takes a trailing defaulted source location that the fault log records. The
// operators (++, +=, conversion, assignment) cannot take one; they record their own location.
// There is no wait()/notify_*(): all blocking in spindle goes through twist::futex.
#pragma once

#include <atomic>
#include <cstddef>
#include <type_traits>

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD

namespace spindle::twist {

template <class T>
using atomic = std::atomic<T>;

using atomic_flag = std::atomic_flag;

using std::atomic_thread_fence;

namespace threads {
// The std::atomic inside a twist::atomic (in std mode, the atomic itself).
template <class T>
std::atomic<T>& underlying(std::atomic<T>& word) noexcept {
  return word;
}
}  // namespace threads

}  // namespace spindle::twist

#else  // faulty

#include <spindle/twist/detail/atomic_base.hpp>
#include <spindle/twist/source_location.hpp>
#include <spindle/twist/threads/inject.hpp>

namespace spindle::twist {

template <class T>
class atomic : public detail::atomic_base<atomic<T>, T> {
  using common = detail::atomic_base<atomic<T>, T>;
  using location = source_location;
  using scope = threads::operation_scope;
  using difference = typename detail::difference_of<T>::type;
  using common::kHasAdd;
  using common::kHasBitwise;

 public:
  using common::compare_exchange_strong;
  using common::compare_exchange_weak;
  using common::operator=;

  // Value-initialized, as std::atomic is since C++20.
  constexpr atomic() noexcept(std::is_nothrow_default_constructible_v<T>) : impl_() {}
  constexpr atomic(T desired) noexcept : impl_(desired) {}

  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  bool is_lock_free() const noexcept { return impl_.is_lock_free(); }

  // Reads the value.
  T load(std::memory_order order = std::memory_order_seq_cst,
         location where = location::current()) const noexcept {
    scope injected{where};
    return impl_.load(order);
  }

  // Writes the value.
  void store(T desired, std::memory_order order = std::memory_order_seq_cst,
             location where = location::current()) noexcept {
    scope injected{where};
    impl_.store(desired, order);
  }

  // Writes the value; returns the previous one.
  T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
             location where = location::current()) noexcept {
    scope injected{where};
    return impl_.exchange(desired, order);
  }

  // Like std: stores `desired` if the value equals `expected`; otherwise writes the value to
  // `expected`. In faulty mode it also fails spuriously now and then (returns false after
  // reading the value into `expected` with the failure order), as the standard allows.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure,
                             location where = location::current()) noexcept {
    scope injected{where};
    if (threads::spurious(threads::fault_kind::spurious_cas_failure, where)) {
      expected = impl_.load(failure);
      return false;
    }
    return impl_.compare_exchange_weak(expected, desired, success, failure);
  }

  // Like std: never fails spuriously.
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               location where = location::current()) noexcept {
    scope injected{where};
    return impl_.compare_exchange_strong(expected, desired, success, failure);
  }

  // Read-modify-write arithmetic; each returns the previous value.
  T fetch_add(difference arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasAdd
  {
    scope injected{where};
    return impl_.fetch_add(arg, order);
  }
  T fetch_sub(difference arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasAdd
  {
    scope injected{where};
    return impl_.fetch_sub(arg, order);
  }
  T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasBitwise
  {
    scope injected{where};
    return impl_.fetch_and(arg, order);
  }
  T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
             location where = location::current()) noexcept
    requires kHasBitwise
  {
    scope injected{where};
    return impl_.fetch_or(arg, order);
  }
  T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasBitwise
  {
    scope injected{where};
    return impl_.fetch_xor(arg, order);
  }

 private:
  // The only member, so a twist::atomic<T> is pointer-interconvertible with its std::atomic<T>
  // (threads::underlying relies on it).
  std::atomic<T> impl_;
};

// A fence, with an injection point around it.
inline void atomic_thread_fence(
    std::memory_order order,
    source_location where = source_location::current()) noexcept {
  threads::operation_scope injected{where};
  std::atomic_thread_fence(order);
}

namespace threads {

// The std::atomic inside a twist::atomic, for the futex (which needs the word's address) and
// for internal accesses that must not inject.
template <class T>
std::atomic<T>& underlying(twist::atomic<T>& word) noexcept {
  // A standard-layout object is pointer-interconvertible with its first member (the only one).
  static_assert(std::is_standard_layout_v<twist::atomic<T>>);
  static_assert(sizeof(twist::atomic<T>) == sizeof(std::atomic<T>));
  static_assert(alignof(twist::atomic<T>) == alignof(std::atomic<T>));
  return *reinterpret_cast<std::atomic<T>*>(&word);
}

}  // namespace threads

}  // namespace spindle::twist

#include <spindle/twist/detail/atomic_flag.hpp>

#endif  // SPINDLE_TWIST_MODE_STD
