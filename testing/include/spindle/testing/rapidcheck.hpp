// RapidCheck integration: a property can take the simulator's schedule seed as a generated
// value, next to the operations it generates, so one property explores interleavings and
// inputs together and a failure names both.
//
//   RC_GTEST_PROP(Queue, DeliversEverything, (std::vector<int> items, testing::schedule_seed seed)) {
//     const sim::result r = testing::explore_seed(seed, {}, [&] { ... use items ... });
//     RC_ASSERT(r.ok());
//   }
//
// RapidCheck shrinks the operations; the simulator shrinks the schedule of each failing run
// (its report, with the replay token, is in the result).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>

#include <rapidcheck.h>

#include <spindle/sim/explore.hpp>

namespace spindle::testing {

// The seed of a seed-driven (random or PCT) exploration, as a value RapidCheck generates.
struct schedule_seed {
  std::uint64_t value = 0;
};

inline std::ostream& operator<<(std::ostream& out, schedule_seed seed) {
  return out << "testing::schedule_seed{" << seed.value << "}";
}

// Explores `body` from `seed`: opts.max_runs runs (1 if unset) of opts.strategy when it is seed
// driven (sim::strategy_info::seed_driven: random, pct), else of random; quietly; the result as
// sim::explore gives it.
inline sim::result explore_seed(schedule_seed seed, sim::options opts, const std::function<void()>& body) {
  // options::seed 0 means "take the default": map the generated 0 elsewhere.
  opts.seed = seed.value != 0 ? seed.value : 0x9e3779b97f4a7c15ULL;
  if (opts.max_runs == 0) opts.max_runs = 1;
  if (!sim::info_of(opts.strategy).seed_driven) opts.strategy = sim::strategy::random;
  opts.progress = false;
  return sim::explore(opts, body);
}

}  // namespace spindle::testing

namespace rc {

template <>
struct Arbitrary<spindle::testing::schedule_seed> {
  static Gen<spindle::testing::schedule_seed> arbitrary() {
    return gen::map(gen::arbitrary<std::uint64_t>(),
                    [](std::uint64_t value) { return spindle::testing::schedule_seed{value}; });
  }
};

}  // namespace rc
