// faulty backend of twist/random.hpp: a per-thread xoshiro256** stream derived, like the fault
// injector, from the global seed and the thread's creation index — so with the same
// SPINDLE_FAULTY_SEED a thread draws the same numbers. It is a stream separate from the
// injector's, so drawing numbers does not change which faults fire. Not for cryptography.
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/base/xoshiro256.hpp>

namespace spindle::twist::random {

// The next 64 random bits of the calling thread's generator.
std::uint64_t next_u64() noexcept;

// Uniform in [0, n); n must be > 0.
inline std::size_t choice(std::size_t n) noexcept {
  return static_cast<std::size_t>(base::xoshiro256::multiply_high(next_u64(), n));
}

// True with probability 1/n.
inline bool one_in(std::size_t n) noexcept { return choice(n) == 0; }

}  // namespace spindle::twist::random
