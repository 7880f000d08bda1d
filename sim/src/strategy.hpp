// A scheduling strategy: a chooser that also knows how to go from one run to the next.
// random_strategy is here; pct_strategy and dfs_strategy have their own files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <spindle/sim/options.hpp>

#include "chooser.hpp"
#include "world.hpp"

namespace spindle::sim::detail {

struct exploration_stats {
  std::size_t runs = 0;
  std::size_t max_threads = 0;
  std::size_t longest_run = 0;
};

class schedule_strategy : public chooser {
 public:
  // Prepares run number `index`; false when there is nothing left to run (dfs: exhausted).
  virtual bool begin_run(std::size_t index) = 0;
  // What the run did (dfs backtracks here, pct learns the run length).
  virtual void end_run(const run_outcome& outcome) { (void)outcome; }
  // The seed of twist::random in the current run.
  virtual std::uint64_t run_seed() const = 0;
  // dfs: schedules pruned as equivalent to explored ones, and whether the bounded space was
  // explored completely.
  virtual std::size_t pruned() const { return 0; }
  virtual bool exhausted() const { return false; }
  // One paragraph for the result: the strategy, its parameters, its guarantee.
  virtual std::string summary(const exploration_stats& stats) const = 0;
};

// The strategy opts.strategy names, from its registry entry (strategies.cpp).
std::unique_ptr<schedule_strategy> make_strategy(const options& opts, std::uint64_t seed, world& w);

// The splitmix64 step derives per-run seeds.
using base::splitmix64;

// Random walk: each decision uniform among the candidates (a fair scheduler: every runnable
// thread is picked eventually, with probability 1); each fault with probability 1/one_in.
class random_strategy final : public schedule_strategy {
 public:
  random_strategy(const options& opts, std::uint64_t seed);
  bool begin_run(std::size_t index) override;
  std::size_t choose(const choice& c) override;
  std::uint64_t run_seed() const override { return run_seed_; }
  std::string summary(const exploration_stats& stats) const override;

 private:
  std::uint64_t next() noexcept;
  std::size_t below(std::size_t n) noexcept;

  std::uint64_t seed_;
  unsigned fault_one_in_;
  std::uint64_t run_seed_ = 0;
  std::uint64_t state_ = 0;
};

}  // namespace spindle::sim::detail
