// twist::random in sim builds: the run's generator (sim::trap::random_u64).
#include <spindle/twist/random.hpp>

#include <spindle/sim/trap.hpp>

namespace spindle::twist::random {

std::uint64_t next_u64(source_location where) noexcept { return sim::trap::random_u64(where); }

}  // namespace spindle::twist::random
