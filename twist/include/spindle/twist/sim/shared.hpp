// sim backend of twist/shared.hpp: a plain cell whose every access the simulator checks for
// data races (happens-before by vector clocks, edges from the declared memory orders of
// atomics). Accesses are not scheduling points: a race-free program's plain accesses need no
// interleaving of their own, and a racy one is reported whatever the interleaving.
#pragma once

#include <utility>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

// Plain (non-atomic) memory shared between threads, whose accesses the simulator checks.
//
//   twist::shared<int> counter;          // guarded by mu_
//   counter.write(counter.read() + 1);
template <class T>
class shared {
 public:
  constexpr shared() = default;
  constexpr explicit shared(T value) : value_(std::move(value)) {}

  T read(source_location where = source_location::current()) const {
    check(/*write=*/false, where);
    return value_;
  }

  void write(T value, source_location where = source_location::current()) {
    check(/*write=*/true, where);
    value_ = std::move(value);
  }

  const T& get(source_location where = source_location::current()) const {
    check(/*write=*/false, where);
    return value_;
  }

  T& get_mut(source_location where = source_location::current()) {
    check(/*write=*/true, where);
    return value_;
  }

 private:
  void check(bool write, const source_location& where) const {
    if (sim::trap::in_simulation()) sim::trap::shared_access(&value_, &tag_, write, where);
  }

  T value_{};
  mutable sim::trap::location_tag tag_;
};

}  // namespace spindle::twist
