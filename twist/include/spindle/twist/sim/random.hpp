// sim backend of twist/random.hpp: numbers drawn from the run's own generator, seeded from the
// run's replay token, so a replay draws the same numbers. Each draw is a step.
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/sim/trap.hpp>
#include <spindle/base/xoshiro256.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::random {

// The next 64 random bits of the run's generator (outside a simulation: a fixed sequence).
std::uint64_t next_u64(source_location where = source_location::current()) noexcept;

// Uniform in [0, n); n must be > 0.
inline std::size_t choice(std::size_t n, source_location where = source_location::current()) noexcept {
  return static_cast<std::size_t>(base::xoshiro256::multiply_high(next_u64(where), n));
}

// True with probability 1/n.
inline bool one_in(std::size_t n, source_location where = source_location::current()) noexcept {
  return choice(n, where) == 0;
}

}  // namespace spindle::twist::random
