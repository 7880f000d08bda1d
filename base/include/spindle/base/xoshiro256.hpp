// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018),
// seeded through splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", 2014). Shared by the facade's generators, the faulty injector and the
// simulator's strategies.
#pragma once

#include <cstdint>

namespace spindle::base {

// The splitmix64 finalizer: a bijective 64-bit mix (neighbouring inputs give unrelated outputs).
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// One splitmix64 step: advances `state` by the golden-ratio increment and returns its mix.
// Also the way to derive a stream of independent seeds from one seed.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  return mix64(state += 0x9e3779b97f4a7c15ull);
}

class xoshiro256 {
 public:
  explicit xoshiro256(std::uint64_t seed) noexcept {
    for (auto& word : state_) word = splitmix64(seed);
  }

  // A generator whose state is exactly `words` (not all zero): for callers that derive the
  // state themselves and must keep that derivation (the simulator's recorded runs).
  static xoshiro256 from_state(const std::uint64_t (&words)[4]) noexcept {
    xoshiro256 generator{0};
    for (int i = 0; i < 4; ++i) generator.state_[i] = words[i];
    return generator;
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift).
  std::uint64_t below(std::uint64_t n) noexcept { return multiply_high(next(), n); }

  static std::uint64_t multiply_high(std::uint64_t a, std::uint64_t b) noexcept {
    __extension__ using uint128 = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<uint128>(a) * b) >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

  std::uint64_t state_[4];
};

}  // namespace spindle::base
