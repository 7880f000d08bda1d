// The per-thread generator behind twist::random in the threads backend: in std builds a
// xoshiro256** seeded from std::random_device, in faulty builds the injector's seeded user
// stream (see twist/src/faulty/injector.cpp).
#include <spindle/twist/random.hpp>

#include <cstdint>
#include <random>

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/detail/injector.hpp>
#endif

#if !SPINDLE_TWIST_MODE_SIM

namespace spindle::twist::random::detail {

#if SPINDLE_TWIST_MODE_FAULTY

std::uint64_t this_thread_next_u64() noexcept { return faulty::detail::next_random_u64(); }

#else

namespace {
std::uint64_t fresh_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}
}  // namespace

std::uint64_t this_thread_next_u64() noexcept {
  thread_local base::xoshiro256 generator{fresh_seed()};
  return generator.next();
}

#endif  // SPINDLE_TWIST_MODE_FAULTY

}  // namespace spindle::twist::random::detail

#endif  // !SPINDLE_TWIST_MODE_SIM
