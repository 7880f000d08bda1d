// twist::random in faulty mode: the calling thread's seeded user stream (see injector.cpp).
#include <spindle/twist/faulty/random.hpp>

#include <cstdint>

#include <spindle/twist/faulty/detail/injector.hpp>

namespace spindle::twist::random {

std::uint64_t next_u64() noexcept { return faulty::detail::next_random_u64(); }

}  // namespace spindle::twist::random
