// Picks the strategy the options name.
#include "dfs_strategy.hpp"
#include "pct_strategy.hpp"
#include "strategy.hpp"

namespace spindle::sim::detail {

std::unique_ptr<schedule_strategy> make_strategy(const options& opts, std::uint64_t seed,
                                                  world& w) {
  switch (opts.strategy) {
    case sim::strategy::random:
      break;
    case sim::strategy::pct:
      return std::make_unique<pct_strategy>(opts, seed);
    case sim::strategy::dfs:
      return std::make_unique<dfs_strategy>(opts, seed, w);
  }
  return std::make_unique<random_strategy>(opts, seed);
}

}  // namespace spindle::sim::detail
