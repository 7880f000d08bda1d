// Facade: twist::shared<T>, plain (non-atomic) memory shared between threads. One template for
// every backend; only the hook run before each access differs:
//   std:    nothing — a shared<T> is exactly a T (same size, trivially copyable when T is);
//   faulty: an injection point, so the window between a racy access and its neighbours widens
//           and ThreadSanitizer sees the race more often (still exactly one T in size);
//   sim:    the access is checked for data races (happens-before by vector clocks, edges from
//           the declared memory orders of atomics). Accesses are not scheduling points: a
//           race-free program's plain accesses need no interleaving of their own, and a racy
//           one is reported whatever the interleaving.
#pragma once

#include <utility>

#include <spindle/twist/mode.hpp>
#include <spindle/twist/source_location.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/sim/trap.hpp>
#else
#include <spindle/twist/threads/inject.hpp>
#endif

namespace spindle::twist {

namespace detail {
#if SPINDLE_TWIST_MODE_SIM
// The simulator's per-location bookkeeping, kept in each cell.
using shared_tag = sim::trap::location_tag;
inline void on_shared_access(const void* cell, shared_tag& tag, bool write,
                             const source_location& where) {
  if (sim::trap::in_simulation()) sim::trap::shared_access(cell, &tag, write, where);
}
#else
struct shared_tag {};
inline void on_shared_access(const void*, shared_tag&, bool, const source_location& where) {
  threads::inject(where);
}
#endif
}  // namespace detail

// Plain (non-atomic) memory shared between threads, whose accesses the simulator checks.
//
//   twist::shared<int> counter;          // guarded by mu_
//   counter.write(counter.read() + 1);
template <class T>
class shared {
 public:
  constexpr shared() = default;
  constexpr explicit shared(T value) : value_(std::move(value)) {}

  // Reads a copy of the value.
  T read(source_location where = source_location::current()) const {
    detail::on_shared_access(&value_, tag_, /*write=*/false, where);
    return value_;
  }

  // Overwrites the value.
  void write(T value, source_location where = source_location::current()) {
    detail::on_shared_access(&value_, tag_, /*write=*/true, where);
    value_ = std::move(value);
  }

  // Read access without a copy (checked as a read).
  const T& get(source_location where = source_location::current()) const {
    detail::on_shared_access(&value_, tag_, /*write=*/false, where);
    return value_;
  }

  // Write access in place (checked as a write).
  T& get_mut(source_location where = source_location::current()) {
    detail::on_shared_access(&value_, tag_, /*write=*/true, where);
    return value_;
  }

 private:
  T value_{};
  [[no_unique_address]] mutable detail::shared_tag tag_;
};

}  // namespace spindle::twist
