// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi & Nagarakatte, "A
// Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
//
// Per run:
//   1. Every thread gets a random priority >= d when it first shows up (distinct with
//      overwhelming probability: random 62-bit values above kFirstHighPriority, so the order
//      of the threads is a uniform random permutation, as the paper asks).
//   2. d - 1 change points are drawn uniformly, distinct, among 1..k, where k is the longest
//      run seen so far in scheduling points (thread choices; the first run guesses
//      kInitialGuess). At the scheduling point numbered by the i-th change point, the running
//      thread's priority drops to i (below every initial priority).
//   3. Every thread choice runs the highest-priority candidate.
// Guarantee (the paper's Theorem): a bug of depth d is found in one run with probability at
// least 1 / (n * k^(d-1)), n the number of threads.
//
// Departures from the paper, both forced by this simulator's model:
//   - A thread that yields (spin_wait, this_thread::yield: the running thread is a candidate
//     but cannot continue) drops below every other priority. A strict priority scheduler would
//     otherwise run a spinning high-priority thread forever and never the thread it waits
//     for; the paper assumes no spin loops. This can only lower the found-bug probability of
//     programs that spin, not make a run unfair.
//   - Faults are choices PCT has no notion of: the timer (an early timeout) and each enabled
//     fault fire with probability 1 / options::faults::one_in, as in the random walk; which
//     waiter a wake_one wakes is uniform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "strategy.hpp"

namespace spindle::sim::detail {

class pct_strategy final : public schedule_strategy {
 public:
  pct_strategy(const options& opts, std::uint64_t seed);

  bool begin_run(std::size_t index) override;
  void end_run(const run_outcome& outcome) override;
  std::size_t choose(const choice& c) override;
  std::uint64_t run_seed() const override { return run_seed_; }
  std::string summary(const exploration_stats& stats) const override;

 private:
  struct change_point {
    std::size_t at;         // scheduling point, 1-based
    std::int64_t priority;  // 1 .. d-1
  };

  std::uint64_t next() noexcept;
  std::size_t below(std::size_t n) noexcept;
  std::int64_t& priority_of(std::uint32_t thread);

  int depth_;
  unsigned fault_one_in_;
  std::uint64_t seed_;
  std::uint64_t run_seed_ = 0;
  std::uint64_t state_ = 0;
  std::size_t longest_ = 0;         // most scheduling points in one run so far
  std::size_t k_ = 0;               // the k of the current run
  std::size_t points_ = 0;          // scheduling points of the current run
  std::vector<change_point> change_points_;
  std::vector<std::int64_t> priorities_;  // by thread id; kUnassigned until it shows up
  std::int64_t next_low_ = 0;       // the next yield's priority: below everything so far
};

}  // namespace spindle::sim::detail
