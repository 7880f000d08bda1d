// What model tests share: the explorations a model test runs, and the small pools they use.
// In sim builds testing::model_check explores the body with each of the options; in std and
// faulty builds it repeats the body on real threads (stress_iterations, within the stress
// budget) and the strategy fields are not read.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

#include <spindle/exec/pool_options.hpp>
#include <spindle/sim/options.hpp>

namespace spindle::test {

struct exploration_plan {
  std::size_t random_runs = 3000;        // runs of the random walk
  sim::strategy second = sim::strategy::pct;
  std::size_t second_runs = 3000;        // runs of the second strategy (PCT or DFS)
  int preemption_bound = 2;              // DFS only
  std::chrono::milliseconds budget{0};   // per exploration; 0: the simulator's default
};

// A random walk, then the plan's second strategy.
inline std::array<sim::options, 2> model_explorations(const exploration_plan& plan = {}) {
  sim::options random;
  random.max_runs = plan.random_runs;
  random.time_budget = plan.budget;
  random.progress = false;
  random.stress_iterations = 200;
  sim::options second = random;
  second.strategy = plan.second;
  second.max_runs = plan.second_runs;
  second.preemption_bound = plan.preemption_bound;
  return {random, second};
}

// The fiber model tests' plan: the default runs, each exploration cut off after 300 ms.
inline constexpr exploration_plan fiber_plan{.budget = std::chrono::milliseconds(300)};

// A pool of `workers` workers named "model" (two: enough for stealing and parking races).
inline exec::pool_options model_pool(std::size_t workers = 2) {
  exec::pool_options options;
  options.workers = workers;
  options.name = "model";
  return options;
}

}  // namespace spindle::test
