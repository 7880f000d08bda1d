// faulty backend of twist/shared.hpp: a plain cell with an injection point before every access,
// so the window between a racy access and its neighbours widens and ThreadSanitizer sees the
// race more often. Still exactly one T in size.
#pragma once

#include <utility>

#include <spindle/twist/faulty/detail/injector.hpp>
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

  // Reads a copy of the value.
  T read(source_location where = source_location::current()) const {
    faulty::detail::inject(where);
    return value_;
  }

  // Overwrites the value.
  void write(T value, source_location where = source_location::current()) {
    faulty::detail::inject(where);
    value_ = std::move(value);
  }

  // Read access without a copy (an injection point before the access is handed out).
  const T& get(source_location where = source_location::current()) const {
    faulty::detail::inject(where);
    return value_;
  }

  // Write access in place (an injection point before the access is handed out).
  T& get_mut(source_location where = source_location::current()) {
    faulty::detail::inject(where);
    return value_;
  }

 private:
  T value_{};
};

}  // namespace spindle::twist
