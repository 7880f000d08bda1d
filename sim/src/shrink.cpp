#include "shrink.hpp"

#include "dfs_strategy.hpp"

namespace spindle::sim::detail {

namespace {
constexpr std::size_t kMaxAttempts = 4000;  // empirical: a few seconds for long random runs
constexpr std::size_t kPairReach = 4;       // how far apart the two deviations of a pair may be
// Runs the second phase may take (empirical: small tests finish their levels in far fewer;
// long random schedules stop here instead of spending the whole time budget).
constexpr std::size_t kMaxBoundedRuns = 4000;

// Phase two (shrink.hpp): iterative deviation bounding. Replaces `failing` by the first
// failing schedule found with fewer deviations; false if none was found within the budget.
bool bounded_search(world& w, const run_config& config, const std::function<void()>& body,
                    std::vector<deviation>& failing, sim::outcome target,
                    std::chrono::steady_clock::time_point deadline, shrink_stats& stats) {
  std::size_t runs = 0;
  for (std::size_t bound = 0; bound < failing.size(); ++bound) {
    dfs_strategy dfs{dfs_bounds{-1, -1, static_cast<int>(bound)}, /*reduce=*/false,
                     config.random_seed, w};
    for (std::size_t index = 0; dfs.begin_run(index); ++index) {
      if (runs >= kMaxBoundedRuns || std::chrono::steady_clock::now() >= deadline) return false;
      ++runs;
      ++stats.attempts;
      const run_outcome outcome = w.run(config, body, dfs);
      dfs.end_run(outcome);
      if (outcome.outcome == target) {
        failing = deviations_of(w.choices());
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::vector<deviation> shrink(world& w, run_config config, const std::function<void()>& body,
                              std::vector<deviation> failing, sim::outcome target,
                              std::chrono::steady_clock::time_point deadline,
                              shrink_stats& stats) {
  stats.before = failing.size();
  config.keep_full_trace = false;
  const auto out_of_budget = [&] {
    return stats.attempts >= kMaxAttempts || std::chrono::steady_clock::now() >= deadline;
  };
  std::vector<deviation> candidate;
  bool removed_any = true;
  while (removed_any && !failing.empty() && !out_of_budget()) {
    removed_any = false;
    for (std::size_t chunk = std::max<std::size_t>(failing.size() / 2, 1); chunk >= 1; chunk /= 2) {
      std::size_t start = 0;
      while (start < failing.size() && !out_of_budget()) {
        candidate.assign(failing.begin(), failing.begin() + static_cast<std::ptrdiff_t>(start));
        const std::size_t end = std::min(failing.size(), start + chunk);
        candidate.insert(candidate.end(), failing.begin() + static_cast<std::ptrdiff_t>(end),
                         failing.end());
        replay_chooser chooser{candidate};
        ++stats.attempts;
        const run_outcome outcome = w.run(config, body, chooser);
        if (outcome.outcome == target) {
          failing = deviations_of(w.choices());  // positions as that run had them
          removed_any = true;
        } else {
          start += chunk;
        }
      }
      if (chunk == 1) break;
    }
    // Pairs that only work together: a switch to a fresh thread and the switch back (a thread
    // runs to its first step before it can be preempted), a preemption and its undo.
    for (std::size_t i = 0; !removed_any && i + 1 < failing.size() && !out_of_budget(); ++i) {
      for (std::size_t j = i + 1; j < failing.size() && j <= i + kPairReach; ++j) {
        candidate = failing;
        candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(j));
        candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(i));
        replay_chooser chooser{candidate};
        ++stats.attempts;
        if (w.run(config, body, chooser).outcome == target) {
          failing = deviations_of(w.choices());
          removed_any = true;
          break;
        }
      }
    }
  }
  if (!failing.empty()) bounded_search(w, config, body, failing, target, deadline, stats);
  stats.after = failing.size();
  return failing;
}

}  // namespace spindle::sim::detail
