// PCT: the algorithm and how it is adapted are in pct_strategy.hpp.
#include "pct_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace spindle::sim::detail {

namespace {

// Scheduling points assumed for the first run, before any run length is known (empirical:
// small tests take tens to hundreds of thread choices).
constexpr std::size_t kInitialGuess = 100;
// Initial priorities are above this; change points give 1 .. d-1; yields give 0, -1, -2, ...
constexpr std::int64_t kFirstHighPriority = std::int64_t{1} << 62;
constexpr std::int64_t kUnassigned = std::numeric_limits<std::int64_t>::min();

}  // namespace

pct_strategy::pct_strategy(const options& opts, std::uint64_t seed)
    : depth_(std::max(opts.pct_depth, 1)),
      fault_one_in_(opts.faults.one_in == 0 ? 1 : opts.faults.one_in),
      seed_(seed) {}

std::uint64_t pct_strategy::next() noexcept { return splitmix64(state_); }

std::size_t pct_strategy::below(std::size_t n) noexcept {
  // Lemire's multiply-shift on 32 bits (as random_strategy): n is far below 2^32.
  return static_cast<std::size_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

bool pct_strategy::begin_run(std::size_t index) {
  std::uint64_t mixer = seed_ ^ (0x9fb21c651e98df25ULL * (index + 1));
  run_seed_ = splitmix64(mixer);
  state_ = run_seed_;
  k_ = longest_ > 0 ? longest_ : kInitialGuess;
  points_ = 0;
  priorities_.clear();
  next_low_ = 0;
  change_points_.clear();
  const std::size_t wanted = std::min<std::size_t>(static_cast<std::size_t>(depth_ - 1), k_);
  while (change_points_.size() < wanted) {
    const std::size_t at = 1 + below(k_);
    const bool taken = std::any_of(change_points_.begin(), change_points_.end(),
                                   [&](const change_point& p) { return p.at == at; });
    if (!taken) {
      change_points_.push_back({at, static_cast<std::int64_t>(change_points_.size() + 1)});
    }
  }
  return true;
}

void pct_strategy::end_run(const run_outcome& outcome) {
  (void)outcome;
  longest_ = std::max(longest_, points_);
}

std::int64_t& pct_strategy::priority_of(std::uint32_t thread) {
  if (thread >= priorities_.size()) priorities_.resize(thread + 1, kUnassigned);
  std::int64_t& p = priorities_[thread];
  if (p == kUnassigned) p = kFirstHighPriority + static_cast<std::int64_t>(next() >> 2);
  return p;
}

std::size_t pct_strategy::choose(const choice& c) {
  if (c.kind == choice_kind::wake_target) return below(c.count);
  if (c.kind != choice_kind::thread) return below(fault_one_in_) == 0 ? 1 : 0;

  ++points_;
  for (const change_point& p : change_points_) {
    if (p.at == points_) priority_of(c.running_thread) = p.priority;
  }
  const std::size_t threads =
      c.candidates.back().thread == timer_candidate ? c.count - 1 : c.count;
  if (threads < c.count && below(fault_one_in_) == 0) return c.count - 1;  // the timer
  if (!c.running_can_continue) {
    const bool yielded =
        std::any_of(c.candidates.begin(), c.candidates.end(),
                    [&](const candidate& x) { return x.thread == c.running_thread; });
    if (yielded) priority_of(c.running_thread) = next_low_--;
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < threads; ++i) {
    if (priority_of(c.candidates[i].thread) > priority_of(c.candidates[best].thread)) best = i;
  }
  return best;
}

std::string pct_strategy::summary(const exploration_stats& stats) const {
  const double n = static_cast<double>(std::max<std::size_t>(stats.max_threads, 1));
  const double k = static_cast<double>(std::max<std::size_t>(longest_, 1));
  const double per_run = 1.0 / (n * std::pow(k, depth_ - 1));
  char guarantee[96];
  std::snprintf(guarantee, sizeof guarantee, "%.3g (1/%.0f)", per_run, 1.0 / per_run);
  return "pct (Burckhardt et al. 2010), seed " + std::to_string(seed_) + ": " +
         std::to_string(stats.runs) + " runs, n = " + std::to_string(stats.max_threads) +
         " threads, k = " + std::to_string(longest_) + " scheduling points, d = " +
         std::to_string(depth_) + "; each run finds a given bug of depth " +
         std::to_string(depth_) + " with probability at least 1/(n*k^(d-1)) = " + guarantee;
}

}  // namespace spindle::sim::detail
