#include "shrink.hpp"

namespace spindle::sim::detail {

namespace {
constexpr std::size_t kMaxAttempts = 4000;  // empirical: a few seconds for long random runs
constexpr std::size_t kPairReach = 4;       // how far apart the two deviations of a pair may be
}

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
  stats.after = failing.size();
  return failing;
}

}  // namespace spindle::sim::detail
