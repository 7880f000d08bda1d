// std backend of twist/shared.hpp: a plain cell. In sim mode every access is recorded and
// checked for data races (happens-before by vector clocks); here it is exactly a T.
#pragma once

#include <spindle/twist/source_location.hpp>
#include <utility>

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

  // Reads a copy of the value.
  T read(source_location = source_location::current()) const { return value_; }

  // Overwrites the value.
  void write(T value, source_location = source_location::current()) {
    value_ = std::move(value);
  }

  // Read access without a copy (recorded as a read).
  const T& get(source_location = source_location::current()) const { return value_; }

  // Write access in place (recorded as a write).
  T& get_mut(source_location = source_location::current()) { return value_; }

 private:
  T value_{};
};

}  // namespace spindle::twist
