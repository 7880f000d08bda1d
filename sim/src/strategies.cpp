// The strategy registry: every scheduling strategy, once, with its name, default budgets and
// factory. The explorer, the public lookups (sim/options.hpp) and testing::explore_seed read it;
// a new strategy is an enum value, its own *_strategy.{hpp,cpp} and one entry in kRegistry
// (docs/sim.md, "Adding a strategy").
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "dfs_strategy.hpp"
#include "pct_strategy.hpp"
#include "strategy.hpp"

namespace spindle::sim::detail {
namespace {

using factory = std::unique_ptr<schedule_strategy> (*)(const options& opts, std::uint64_t seed,
                                                       world& w);

struct registry_entry {
  strategy_info info;
  factory make;
};

constexpr std::size_t kNoRunLimit = 0;
constexpr std::size_t kSampledRuns = 20'000;  // random and PCT (empirical)
constexpr double kSampledSeconds = 1.0;
constexpr double kExhaustiveSeconds = 20.0;  // dfs (empirical)

// In enum order, so an entry is found by its value (checked below).
constexpr registry_entry kRegistry[] = {
    {{.value = sim::strategy::random,
      .name = "random",
      .default_seconds = kSampledSeconds,
      .default_max_runs = kSampledRuns,
      .seed_driven = true},
     [](const options& opts, std::uint64_t seed, world&) -> std::unique_ptr<schedule_strategy> {
       return std::make_unique<random_strategy>(opts, seed);
     }},
    {{.value = sim::strategy::pct,
      .name = "pct",
      .default_seconds = kSampledSeconds,
      .default_max_runs = kSampledRuns,
      .seed_driven = true},
     [](const options& opts, std::uint64_t seed, world&) -> std::unique_ptr<schedule_strategy> {
       return std::make_unique<pct_strategy>(opts, seed);
     }},
    {{.value = sim::strategy::dfs,
      .name = "dfs",
      .default_seconds = kExhaustiveSeconds,
      .default_max_runs = kNoRunLimit,
      .seed_driven = false},
     [](const options& opts, std::uint64_t seed, world& w) -> std::unique_ptr<schedule_strategy> {
       return std::make_unique<dfs_strategy>(opts, seed, w);
     }},
};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(kRegistry); ++i) {
    if (static_cast<std::size_t>(kRegistry[i].info.value) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "kRegistry: entry i must be the strategy with enum value i");

constexpr auto kInfos = [] {
  std::array<strategy_info, std::size(kRegistry)> infos{};
  for (std::size_t i = 0; i < infos.size(); ++i) infos[i] = kRegistry[i].info;
  return infos;
}();

// The registry index of `value` (its enum value); aborts when it has no entry.
std::size_t index_of(sim::strategy value) {
  const auto index = static_cast<std::size_t>(value);
  if (index >= std::size(kRegistry)) {
    std::fprintf(stderr,
                 "spindle sim: options::strategy is %zu, which no registered strategy has "
                 "(sim/src/strategies.cpp)\n",
                 index);
    std::abort();
  }
  return index;
}

}  // namespace

std::unique_ptr<schedule_strategy> make_strategy(const options& opts, std::uint64_t seed,
                                                  world& w) {
  return kRegistry[index_of(opts.strategy)].make(opts, seed, w);
}

}  // namespace spindle::sim::detail

namespace spindle::sim {

std::span<const strategy_info> strategies() noexcept { return detail::kInfos; }

const strategy_info& info_of(strategy value) { return detail::kInfos[detail::index_of(value)]; }

const strategy_info* find_strategy(std::string_view name) noexcept {
  for (const strategy_info& info : detail::kInfos) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

}  // namespace spindle::sim
