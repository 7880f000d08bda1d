// The per-thread generator behind twist::random in std mode.
#include <spindle/twist/random.hpp>

#include <random>

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD

namespace spindle::twist::random {

namespace {
std::uint64_t fresh_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}
}  // namespace

std::uint64_t next_u64() noexcept {
  thread_local base::xoshiro256 generator{fresh_seed()};
  return generator.next();
}

}  // namespace spindle::twist::random

#endif
