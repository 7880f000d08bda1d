// The strategy registry (sim/src/strategies.cpp): one entry per strategy, each with a distinct
// name that looks up back to it and a default budget that ends an exploration; the explorer and
// testing::explore_seed take their defaults from it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <set>
#include <string>

#include <spindle/sim/explore.hpp>
#include <spindle/testing/rapidcheck.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle {
namespace {

using namespace std::chrono_literals;

TEST(StrategyRegistry, EveryEnumValueHasItsEntryInOrder) {
  const auto all = sim::strategies();
  ASSERT_GE(all.size(), 3u);  // the built-in ones, at least
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].value), i) << all[i].name;
    EXPECT_EQ(&sim::info_of(all[i].value), &all[i]) << all[i].name;
  }
  EXPECT_EQ(sim::info_of(sim::options{}.strategy).value, sim::strategy::random);
}

TEST(StrategyRegistry, NamesAreDistinctAndLookUpBack) {
  std::set<std::string> names;
  for (const sim::strategy_info& info : sim::strategies()) {
    ASSERT_NE(info.name, nullptr);
    EXPECT_FALSE(std::string(info.name).empty());
    EXPECT_TRUE(names.insert(info.name).second) << "two strategies are called " << info.name;
    EXPECT_EQ(sim::find_strategy(info.name), &info) << info.name;
  }
  EXPECT_EQ(sim::find_strategy("no such strategy"), nullptr);
  EXPECT_EQ(sim::find_strategy(""), nullptr);
  EXPECT_EQ(sim::find_strategy("DFS"), nullptr);  // names are exact
}

TEST(StrategyRegistry, EveryStrategyHasAPositiveDefaultBudget) {
  for (const sim::strategy_info& info : sim::strategies()) {
    EXPECT_GT(info.default_seconds, 0.0) << info.name;
    // default_max_runs 0 means no run limit: the time budget above still ends the exploration.
  }
}

// The names, budgets and seed-driven flags as they were before the registry: progress lines,
// docs/sim.md and existing tests rely on them.
TEST(StrategyRegistry, KeepsTheBuiltInNamesAndDefaults) {
  const sim::strategy_info& random = sim::info_of(sim::strategy::random);
  const sim::strategy_info& pct = sim::info_of(sim::strategy::pct);
  const sim::strategy_info& dfs = sim::info_of(sim::strategy::dfs);
  EXPECT_STREQ(random.name, "random");
  EXPECT_STREQ(pct.name, "pct");
  EXPECT_STREQ(dfs.name, "dfs");
  EXPECT_EQ(random.default_seconds, 1.0);
  EXPECT_EQ(pct.default_seconds, 1.0);
  EXPECT_EQ(dfs.default_seconds, 20.0);
  EXPECT_EQ(random.default_max_runs, 20'000u);
  EXPECT_EQ(pct.default_max_runs, 20'000u);
  EXPECT_EQ(dfs.default_max_runs, 0u);
  EXPECT_TRUE(random.seed_driven);
  EXPECT_TRUE(pct.seed_driven);
  EXPECT_FALSE(dfs.seed_driven);
}

// A body with one schedule per thread order: dfs explores both and stops there.
void two_increments() {
  twist::atomic<int> n{0};
  twist::thread a([&] { n.fetch_add(1); });
  n.fetch_add(1);
  a.join();
}

TEST(StrategyRegistry, ExplorerTakesTheDefaultRunLimitFromTheEntry) {
  sim::options opts;
  opts.strategy = sim::strategy::random;
  opts.time_budget = 120s;  // so the run limit, not the clock, ends it
  opts.progress = false;
  const sim::result r = sim::explore(opts, [] {});
  ASSERT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, sim::info_of(sim::strategy::random).default_max_runs);
}

TEST(StrategyRegistry, DfsRunsUntilExhaustedByDefault) {
  sim::options opts;
  opts.strategy = sim::strategy::dfs;
  opts.time_budget = 60s;
  opts.progress = false;
  const sim::result r = sim::explore(opts, two_increments);
  ASSERT_TRUE(r.ok()) << r.report;
  EXPECT_TRUE(r.exhausted) << r.summary;
}

TEST(StrategyRegistry, ExploreSeedRunsDfsAsRandom) {
  sim::options opts;
  opts.strategy = sim::strategy::dfs;
  const sim::result r = testing::explore_seed(testing::schedule_seed{42}, opts, two_increments);
  ASSERT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, 1u);
  EXPECT_EQ(r.summary.rfind("random walk", 0), 0u) << r.summary;
}

}  // namespace
}  // namespace spindle
