// Picks the strategy the options name.
#include "strategy.hpp"

namespace spindle::sim::detail {

std::unique_ptr<schedule_strategy> make_strategy(const options& opts, std::uint64_t seed, world& w) {
  (void)w;
  switch (opts.strategy) {
    case sim::strategy::random:
    case sim::strategy::pct:
    case sim::strategy::dfs:
      break;
  }
  return std::make_unique<random_strategy>(opts, seed);
}

}  // namespace spindle::sim::detail
