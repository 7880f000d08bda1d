// sim backend of twist/clock.hpp: virtual time. It starts at the same instant in every run and
// moves only when the scheduler fires a timer (a sleep or timed wait reaching its deadline):
// when every thread waits, or, as an explored choice, while others could still run. Reading
// it is a step. Nothing in a simulation reads the real clock.
#pragma once

#include <chrono>
#include <cstdint>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

struct steady_clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<steady_clock, duration>;
  static constexpr bool is_steady = true;

  static time_point now(source_location where = source_location::current()) noexcept {
    return time_point{duration{sim::trap::now(where)}};
  }
};

}  // namespace spindle::twist
