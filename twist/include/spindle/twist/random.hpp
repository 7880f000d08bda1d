// Facade: twist::random, the random numbers toolbox code draws (victim choice, backoff
// jitter). Not for cryptography. One interface for every backend; where the bits come from:
//   std:    a per-thread xoshiro256**, seeded per thread from std::random_device;
//   faulty: a per-thread xoshiro256** stream derived, like the fault injector, from the global
//           seed and the thread's creation index, so with the same SPINDLE_FAULTY_SEED a thread
//           draws the same numbers. It is a stream separate from the injector's, so drawing
//           numbers does not change which faults fire;
//   sim:    the run's own generator, seeded from the run's replay token, so a replay draws the
//           same numbers. Each draw is a step (hence the source locations).
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/base/xoshiro256.hpp>
#include <spindle/twist/mode.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::random {

#if SPINDLE_TWIST_MODE_SIM
// The next 64 random bits of the run's generator (outside a simulation: a fixed sequence).
std::uint64_t next_u64(source_location where = source_location::current()) noexcept;
#else
namespace detail {
// The calling thread's generator (twist/src/threads/random.cpp).
std::uint64_t this_thread_next_u64() noexcept;
}  // namespace detail

// The next 64 random bits of the calling thread's generator.
inline std::uint64_t next_u64(source_location = source_location::current()) noexcept {
  return detail::this_thread_next_u64();
}
#endif

// Uniform in [0, n); n must be > 0. In sim mode this is a scheduler decision.
inline std::size_t choice(std::size_t n,
                          source_location where = source_location::current()) noexcept {
  return static_cast<std::size_t>(base::xoshiro256::multiply_high(next_u64(where), n));
}

// True with probability 1/n.
inline bool one_in(std::size_t n, source_location where = source_location::current()) noexcept {
  return choice(n, where) == 0;
}

}  // namespace spindle::twist::random
