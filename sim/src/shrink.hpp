// Schedule shrinking: given a failing schedule, search for one with fewer deviations from the
// default schedule (fewer preemptions, faults, early timeouts) that fails the same way.
//
// Greedy delta debugging (Zeller & Hildebrandt, TSE 2002) over the deviation list: try removing
// halves, then quarters, ... then single deviations; keep any removal after which the replay
// still fails with the same outcome, and re-record the deviations of that run (positions move
// when the schedule changes). Stops when no single deviation can go, or at the budget.
//
// Greedy removal finds a local minimum: it can stop at a two-deviation schedule when a
// different one-deviation schedule fails too (the lost update: the preemption that loses it
// can sit in either thread). A second phase searches for a smaller one directly, by iterative
// bounding (CHESS, Musuvathi & Qadeer, PLDI 2007): bounded DFS (dfs_strategy.hpp) with at most
// 0, 1, 2, ... deviations, up to one fewer than greedy removal left, each level exhaustive
// unless the budget ends. The first failing run with the same outcome is taken. Bounding
// deviations rather than preemptions and faults separately is what shrinking wants (the count
// the report prints), implies both of those bounds, and keeps each level polynomial in the
// run length (levels 0 and 1 cost one run and one run per decision point).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include <spindle/sim/result.hpp>

#include "token.hpp"
#include "world.hpp"

namespace spindle::sim::detail {

struct shrink_stats {
  std::size_t attempts = 0;
  std::size_t before = 0;  // deviations of the schedule found
  std::size_t after = 0;   // deviations of the smallest failing schedule
};

std::vector<deviation> shrink(world& w, run_config config, const std::function<void()>& body,
                              std::vector<deviation> failing, sim::outcome target,
                              std::chrono::steady_clock::time_point deadline, shrink_stats& stats);

}  // namespace spindle::sim::detail
