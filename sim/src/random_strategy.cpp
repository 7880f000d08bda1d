#include <string>

#include "strategy.hpp"

namespace spindle::sim::detail {

random_strategy::random_strategy(const options& opts, std::uint64_t seed)
    : seed_(seed), fault_one_in_(opts.faults.one_in == 0 ? 1 : opts.faults.one_in) {}

bool random_strategy::begin_run(std::size_t index) {
  std::uint64_t mixer = seed_ ^ (0xd1b54a32d192ed03ULL * (index + 1));
  run_seed_ = splitmix64(mixer);
  state_ = run_seed_;
  return true;
}

std::uint64_t random_strategy::next() noexcept { return splitmix64(state_); }

std::size_t random_strategy::below(std::size_t n) noexcept {
  // Lemire's multiply-shift on 32 bits: uniform enough for n far below 2^32 (thread counts).
  return static_cast<std::size_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

std::size_t random_strategy::choose(const choice& c) {
  switch (c.kind) {
    case choice_kind::thread:
    case choice_kind::wake_target:
      return below(c.count);
    default:
      return below(fault_one_in_) == 0 ? 1 : 0;
  }
}

std::string random_strategy::summary(const exploration_stats& stats) const {
  return "random walk, seed " + std::to_string(seed_) + ": " + std::to_string(stats.runs) +
         " runs, up to " + std::to_string(stats.max_threads) + " threads and " +
         std::to_string(stats.longest_run) + " steps per run";
}

}  // namespace spindle::sim::detail
