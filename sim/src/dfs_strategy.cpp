// Bounded DFS with sleep sets: the algorithm and its caveats are in dfs_strategy.hpp.
#include "dfs_strategy.hpp"

#include <algorithm>
#include <cstdio>

namespace spindle::sim::detail {

namespace {

// Steps that only read their location: two of them on the same location commute. Everything
// else with a location (stores, read-modify-writes, futex operations, which block and wake) is
// treated as a write.
bool reads_only(operation op) noexcept {
  return op == operation::atomic_load || op == operation::shared_read;
}

bool over(int spent, int bound) noexcept { return bound >= 0 && spent > bound; }

std::string bound_text(int bound) { return bound < 0 ? "unbounded" : std::to_string(bound); }

}  // namespace

dfs_strategy::dfs_strategy(const options& opts, std::uint64_t seed, world& w)
    : dfs_strategy(dfs_bounds{opts.preemption_bound, opts.fault_bound, -1}, opts.reduce, seed,
                   w) {
  max_runs_ = opts.max_runs;
  time_budget_seconds_ = std::chrono::duration<double>(opts.time_budget).count();
}

dfs_strategy::dfs_strategy(dfs_bounds bounds, bool reduce, std::uint64_t seed, world& w)
    : world_(w), bounds_(bounds), reduce_(reduce), seed_(seed) {}

bool dfs_strategy::begin_run(std::size_t index) {
  (void)index;
  if (!has_next_) return false;
  depth_ = 0;
  spent_ = {};
  sleep_.clear();
  waits_for_.clear();
  return true;
}

void dfs_strategy::end_run(const run_outcome& outcome) {
  if (outcome.outcome != sim::outcome::ok && !outcome.pruned) failed_ = true;
  // Whatever the run did below the replayed path is in path_ now (step 1); backtrack (step 2).
  while (!path_.empty()) {
    frame& f = path_.back();
    if (f.kind == choice_kind::thread && f.candidates[f.chosen].thread != timer_candidate) {
      f.explored.push_back(f.chosen);
    }
    const std::size_t next = next_allowed(f, f.chosen + 1);
    if (next < f.count) {
      f.chosen = next;
      return;
    }
    path_.pop_back();
  }
  has_next_ = false;
  exhausted_ = true;
}

std::size_t dfs_strategy::choose(const choice& c) {
  if (c.kind == choice_kind::thread) on_thread_choice(c);
  if (depth_ < path_.size() && !matches(path_[depth_], c)) {
    // The program decided differently on the same path: it is not deterministic (the
    // explorer's determinism check reports that). Explore on from here as if new.
    path_.resize(depth_);
  }
  if (depth_ == path_.size()) {
    if (c.kind == choice_kind::thread && reduce_ && ran_while_asleep(c)) {
      ++pruned_;
      world_.prune();
      return 0;
    }
    frame f = make_frame(c);
    f.chosen = next_allowed(f, 0);
    if (f.chosen == f.count) {
      // Every candidate within the bounds sleeps: some candidate is always free (the running
      // thread, else a fair one), so only sleep sets or the shrinker's deviation bound get
      // here. next_allowed counted the sleeping ones.
      world_.prune();
      return 0;
    }
    path_.push_back(std::move(f));
  }
  const frame& f = path_[depth_++];
  descend(f);
  return f.chosen;
}

dfs_strategy::frame dfs_strategy::make_frame(const choice& c) const {
  frame f{c.kind, c.count, c.running_can_continue, {}, {}, {}, {}, spent_, 0};
  if (c.kind == choice_kind::thread) {
    f.candidates.reserve(c.candidates.size());
    f.unfair.reserve(c.candidates.size());
    for (const candidate& cand : c.candidates) {
      // The timer has no step: a yield without a location, dependent on everything (DFS.INV2).
      const step* pending = cand.pending;
      f.candidates.push_back(pending != nullptr
                                 ? pending_step{cand.thread, pending->op, pending->address}
                                 : pending_step{cand.thread, operation::yield, nullptr});
      f.unfair.push_back(cand.thread != timer_candidate && waits(cand.thread, c));
    }
    f.sleep = sleep_;
  }
  return f;
}

bool dfs_strategy::matches(const frame& f, const choice& c) const noexcept {
  if (f.kind != c.kind || f.count != c.count) return false;
  if (c.kind != choice_kind::thread) return true;
  for (std::size_t i = 0; i < f.candidates.size(); ++i) {
    if (f.candidates[i].thread != c.candidates[i].thread) return false;
  }
  return true;
}

bool dfs_strategy::independent(const pending_step& a, const pending_step& b) noexcept {
  if (a.address == nullptr || b.address == nullptr) return false;  // DFS.INV2
  if (a.address != b.address) return true;
  return reads_only(a.op) && reads_only(b.op);
}

dfs_strategy::cost dfs_strategy::cost_of(const frame& f, std::size_t index) noexcept {
  cost c;
  if (f.kind == choice_kind::thread && f.unfair[index]) c.preemptions = 1;
  if (index == 0) return c;
  c.deviations = 1;
  switch (f.kind) {
    case choice_kind::thread:
      if (f.candidates[index].thread == timer_candidate) {
        c.faults = 1;  // virtual time jumps while threads could still run: an early timeout
      } else if (f.running_can_continue || f.unfair[index]) {
        c.preemptions = 1;
      }
      break;
    case choice_kind::spurious_cas:
    case choice_kind::spurious_wakeup:
    case choice_kind::allocation_failure:
      c.faults = 1;
      break;
    case choice_kind::wake_target:
      break;  // explored freely (dfs_strategy.hpp, step 3)
  }
  return c;
}

bool dfs_strategy::within_bounds(const frame& f, std::size_t index) const noexcept {
  const cost c = cost_of(f, index);
  return !over(f.before.preemptions + c.preemptions, bounds_.preemptions) &&
         !over(f.before.faults + c.faults, bounds_.faults) &&
         !over(f.before.deviations + c.deviations, bounds_.deviations);
}

bool dfs_strategy::asleep(const frame& f, std::size_t index) const noexcept {
  if (!reduce_ || f.kind != choice_kind::thread) return false;
  const std::uint32_t thread = f.candidates[index].thread;
  if (thread == timer_candidate) return false;
  const auto same = [&](const pending_step& s) { return s.thread == thread; };
  if (std::any_of(f.sleep.begin(), f.sleep.end(), same)) return true;
  return std::any_of(f.explored.begin(), f.explored.end(),
                     [&](std::size_t e) { return f.candidates[e].thread == thread; });
}

std::size_t dfs_strategy::next_allowed(const frame& f, std::size_t from) noexcept {
  for (std::size_t i = from; i < f.count; ++i) {
    if (!within_bounds(f, i)) continue;
    if (!asleep(f, i)) return i;
    ++pruned_;  // a subtree of schedules equivalent to explored ones
  }
  return f.count;
}

void dfs_strategy::descend(const frame& f) {
  const cost c = cost_of(f, f.chosen);
  spent_.preemptions = f.before.preemptions + c.preemptions;
  spent_.faults = f.before.faults + c.faults;
  spent_.deviations = f.before.deviations + c.deviations;
  if (f.kind != choice_kind::thread) return;  // a fault belongs to the step taken
  scheduled(f.candidates[f.chosen].thread);
  if (!reduce_) return;
  // The child's sleep set: what slept here, and the siblings explored before, minus whatever
  // the chosen step may affect.
  const pending_step& taken = f.candidates[f.chosen];
  sleep_.clear();
  const auto keep = [&](const pending_step& s) {
    if (s.thread != taken.thread && independent(s, taken)) sleep_.push_back(s);
  };
  for (const pending_step& s : f.sleep) keep(s);
  for (const std::size_t e : f.explored) keep(f.candidates[e]);
}

void dfs_strategy::scheduled(std::uint32_t thread) {
  if (thread == timer_candidate) return;
  for (std::vector<std::uint32_t>& waits : waits_for_) std::erase(waits, thread);
  if (thread < waits_for_.size()) waits_for_[thread].clear();
}

void dfs_strategy::on_thread_choice(const choice& c) {
  // The decider took a step since the last decision (or is the thread that was picked then).
  scheduled(c.running_thread);
  if (c.running_can_continue) return;
  const bool yielded =
      std::any_of(c.candidates.begin(), c.candidates.end(),
                  [&](const candidate& cand) { return cand.thread == c.running_thread; });
  if (!yielded) return;
  if (c.running_thread >= waits_for_.size()) waits_for_.resize(c.running_thread + 1);
  std::vector<std::uint32_t>& waits = waits_for_[c.running_thread];
  for (const candidate& cand : c.candidates) {
    if (cand.thread != c.running_thread && cand.thread != timer_candidate) {
      waits.push_back(cand.thread);
    }
  }
}

bool dfs_strategy::waits(std::uint32_t thread, const choice& c) const noexcept {
  if (thread >= waits_for_.size()) return false;
  for (const std::uint32_t other : waits_for_[thread]) {
    for (const candidate& cand : c.candidates) {
      if (cand.thread == other) return true;  // still runnable and has not stepped
    }
  }
  return false;
}

bool dfs_strategy::ran_while_asleep(const choice& c) const noexcept {
  for (const pending_step& s : sleep_) {
    if (s.thread == c.running_thread) return true;
    const bool still_candidate =
        std::any_of(c.candidates.begin(), c.candidates.end(),
                    [&](const candidate& cand) { return cand.thread == s.thread; });
    if (!still_candidate) return true;  // DFS.INV1: only running blocks or ends it
  }
  return false;
}

std::string dfs_strategy::summary(const exploration_stats& stats) const {
  char budget[64];
  std::snprintf(budget, sizeof budget, "%.1f s", time_budget_seconds_);
  std::string text = "bounded dfs (preemptions <= " + bound_text(bounds_.preemptions) +
                     ", faults <= " + bound_text(bounds_.faults);
  if (bounds_.deviations >= 0) text += ", deviations <= " + bound_text(bounds_.deviations);
  text += reduce_ ? ", sleep-set reduction" : ", no reduction";
  text += "): " + std::to_string(stats.runs) + " runs, " + std::to_string(pruned_) +
          " pruned as equivalent; ";
  if (failed_) {
    text += exhausted_ ? "stopped at a failure in the last schedule"
                       : "stopped at a failure, space not exhausted";
  } else if (exhausted_) {
    text += "exhausted: every schedule within the bounds ran";
    if (reduce_) text += " (up to equivalence, see the sleep-set caveat)";
  } else if (max_runs_ != 0 && stats.runs >= max_runs_) {
    text += "NOT exhausted: cut by the run limit (max_runs = " + std::to_string(max_runs_) + ")";
  } else {
    text += std::string("NOT exhausted: cut by the time budget (") + budget + ")";
  }
  return text;
}

}  // namespace spindle::sim::detail
