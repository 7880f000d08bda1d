// What an exploration does: which scheduler, how long, which faults and checks. Plain data,
// the same type in every build mode (std/faulty builds read only the stress part).
//
//   sim::options opts;
//   opts.strategy = sim::strategy::dfs;
//   opts.preemption_bound = 2;
//   sim::result r = sim::explore(opts, [] { ... twist threads ... });
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <spindle/base/fault_kind.hpp>

namespace spindle::sim {

// Each value has one entry in the simulator's strategy registry (sim/src/strategies.cpp), which
// gives its name, default budgets and factory; docs/sim.md, "Adding a strategy".
enum class strategy : std::uint8_t {
  random,  // random walk: each step picks a runnable thread uniformly (fair)
  pct,     // probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010), depth pct_depth
  dfs,     // bounded depth-first search: every schedule up to preemption_bound preemptions
};

// A strategy's entry in the simulator's registry: its name and defaults. The three functions
// below that read the registry are defined in sim builds only (it is part of the simulator).
//
//   const sim::strategy_info& dfs = sim::info_of(sim::strategy::dfs);
//   std::printf("%s: %.0f s by default\n", dfs.name, dfs.default_seconds);
struct strategy_info {
  sim::strategy value;
  const char* name;              // progress lines print it; find_strategy() takes it
  double default_seconds;        // time_budget when neither options nor SPINDLE_SIM_SECONDS set it
  std::size_t default_max_runs;  // max_runs when options leave it 0; 0 here: no limit
  bool seed_driven;              // each run follows from options::seed alone, so a generated
                                 // seed names a schedule (testing::explore_seed)
};

// Every registered strategy, in enum order.
std::span<const strategy_info> strategies() noexcept;

// The registry entry of `value`; a value with no entry aborts with a message.
const strategy_info& info_of(strategy value);

// The strategy called `name` (strategy_info::name), or nullptr when none is.
const strategy_info* find_strategy(std::string_view name) noexcept;

// Faults are scheduler choices, explored like interleavings. Each kind can be switched off.
// The kinds are the one fault vocabulary (spindle/base/fault_kind.hpp); injects() below maps
// these switches onto it.
struct fault_options {
  bool spurious_cas = true;        // compare_exchange_weak (and so mutex::try_lock) may fail
  bool spurious_wakeups = true;    // futex / condvar waits may return without a wake
  bool wake_order = true;          // which waiter a wake_one / notify_one wakes
  bool timeouts = true;            // timed waits and sleeps may expire while others still run
  bool allocation_failure = false; // operator new in a simulated thread may throw bad_alloc
  // Random and PCT schedulers inject each enabled fault with probability 1 / one_in.
  unsigned one_in = 16;
};

// Whether the simulator may inject faults of `kind` under `faults`. Preemption (yield, sleep) is
// every step's scheduling choice and always on; a wake_one never wakes everyone here: which
// waiter it wakes is itself explored (wake_order).
constexpr bool injects(const fault_options& faults, base::fault_kind kind) noexcept {
  switch (kind) {
    case base::fault_kind::yield:
    case base::fault_kind::sleep: return true;
    case base::fault_kind::spurious_cas_failure:
    case base::fault_kind::spurious_try_lock_failure: return faults.spurious_cas;
    case base::fault_kind::spurious_futex_wakeup:
    case base::fault_kind::spurious_condvar_wakeup: return faults.spurious_wakeups;
    case base::fault_kind::wake_all_instead_of_one: return false;
    case base::fault_kind::random_waiter: return faults.wake_order;
    case base::fault_kind::early_timeout: return faults.timeouts;
    case base::fault_kind::allocation_failure: return faults.allocation_failure;
  }
  return false;
}

// Bug detectors beyond the ones always on (failed assertions, uncaught exceptions, deadlock,
// livelock).
struct detector_options {
  bool data_races = true;  // twist::shared<T> accesses not ordered by happens-before
  bool memory = true;      // leaks, double free, use of freed simulated memory
};

struct options {
  sim::strategy strategy = sim::strategy::random;
  // Seed of the random and PCT schedulers; 0 takes SPINDLE_SIM_SEED, else a fixed default.
  std::uint64_t seed = 0;
  // Stop after this many runs (0: the strategy's default_max_runs: random/pct 20000, dfs no
  // limit) ...
  std::size_t max_runs = 0;
  // ... or after this much wall time (0: SPINDLE_SIM_SECONDS, else the strategy's
  // default_seconds: 1 s; dfs: 20 s).
  std::chrono::milliseconds time_budget{0};
  // A run longer than this many steps is reported as a livelock.
  std::size_t max_steps = 100'000;
  int pct_depth = 3;
  int preemption_bound = 2;  // dfs: preemptions per schedule
  int fault_bound = 1;       // dfs: injected faults (and early timeouts) per schedule
  bool reduce = true;        // dfs: sleep-set partial-order reduction
  fault_options faults;
  detector_options detect;
  bool shrink = true;             // search a failing schedule with fewer deviations
  bool check_determinism = true;  // replay the first run with other stack bytes, compare
  bool progress = true;           // a progress line on stderr for explorations over ~2 s
  // The name of this exploration (the gtest integration uses the test's): replay tokens carry
  // a hash of it, so SPINDLE_SIM_REPLAY applies to the exploration that printed it.
  std::string name;
  std::size_t stack_size = 256 * 1024;  // per simulated thread
  // std/faulty builds: how often model_check repeats the body (within the stress budget).
  std::size_t stress_iterations = 200;
};

}  // namespace spindle::sim
