// The simulator's own speed (sim builds only): simulated steps and schedules per second on
// three small programs, with the bug detectors (race detector, memory checker) on and off, and
// the time bounded DFS takes to exhaust a mutex test. main() prints a summary against the
// issue's target (>= 5 million simulated steps per second with the detectors on).
//
// One benchmark iteration is one sim::explore call of kRunsPerIteration schedules under the
// random walk (a fresh seed each iteration), without the determinism check, so the time is
// the runs themselves: stepping, context switches between simulated threads, the scheduler's
// decisions, the trace ring, the digest and, when on, the detectors. A step is one facade
// operation (an atomic access, a futex call, spawn, join, a yield); twist::shared accesses are
// checked but are not steps.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <spindle/base/config.hpp>
#include <spindle/sim/explore.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "summary_reporter.hpp"

namespace {

namespace sim = spindle::sim;
namespace twist = spindle::twist;
using namespace std::chrono_literals;

constexpr std::size_t kRunsPerIteration = 2000;
constexpr double kTargetStepsPerSecond = 5e6;  // the target, detectors on

// ---- the programs -------------------------------------------------------------------------

// (1) Two threads increment one atomic 100 times each.
constexpr int kIncrements = 100;

void atomic_increments() {
  twist::atomic<int> counter{0};
  auto work = [&] {
    for (int i = 0; i < kIncrements; ++i) counter.fetch_add(1, std::memory_order_relaxed);
  };
  twist::thread a(work);
  twist::thread b(work);
  a.join();
  b.join();
  SPINDLE_VERIFY(counter.load() == 2 * kIncrements, "an increment was lost");
}

// (2) Three threads increment a mutex-protected counter.
constexpr int kMutexThreads = 3;
constexpr int kMutexIncrements = 10;

void mutex_counter() {
  twist::mutex mu;
  twist::shared<int> counter;  // guarded by mu
  auto work = [&] {
    for (int i = 0; i < kMutexIncrements; ++i) {
      std::lock_guard guard(mu);
      counter.write(counter.read() + 1);
    }
  };
  twist::thread a(work);
  twist::thread b(work);
  twist::thread c(work);
  a.join();
  b.join();
  c.join();
  SPINDLE_VERIFY(counter.read() == kMutexThreads * kMutexIncrements, "an increment was lost");
}

// (3) A wait group: a counter of unfinished workers and a futex on it. The last done() wakes
// the waiter; prepare_wake comes before the decrement that may let the waiter free the group.
class wait_group {
 public:
  void add(std::uint32_t workers) { pending_.fetch_add(workers, std::memory_order_relaxed); }

  void done() {
    const twist::futex::wake_key key = twist::futex::prepare_wake(pending_);
    // release: pairs with the acquire load in wait(). Each decrement is an RMW, so it extends
    // the release sequences of the earlier ones: reading 0 synchronizes with every worker.
    if (pending_.fetch_sub(1, std::memory_order_release) == 1) twist::futex::wake_all(key);
  }

  void wait() {
    // acquire: pairs with the release decrement in done().
    for (std::uint32_t n = pending_.load(std::memory_order_acquire); n != 0;
         n = pending_.load(std::memory_order_acquire)) {
      twist::futex::wait(pending_, n, std::memory_order_acquire);
    }
  }

 private:
  twist::atomic<std::uint32_t> pending_{0};  // the futex word
};

constexpr int kWorkers = 3;

void wait_group_workers() {
  wait_group group;
  twist::shared<int> results[kWorkers];  // each written by its worker, read after wait()
  group.add(kWorkers);
  std::vector<twist::thread> workers;
  for (int id = 0; id < kWorkers; ++id) {
    workers.emplace_back([&, id] {
      results[id].write(id + 1);
      group.done();
    });
  }
  group.wait();
  int sum = 0;
  for (const auto& r : results) sum += r.read();
  SPINDLE_VERIFY(sum == kWorkers * (kWorkers + 1) / 2, "a result was missed");
  for (auto& t : workers) t.join();
}

// (4) Three threads lock and unlock one mutex three times each: the DFS workload.
constexpr int kLockThreads = 3;
constexpr int kLocksPerThread = 3;

void lock_unlock_3x3() {
  twist::mutex mu;
  twist::shared<int> holder_count;  // guarded by mu
  auto work = [&] {
    for (int i = 0; i < kLocksPerThread; ++i) {
      std::lock_guard guard(mu);
      holder_count.write(holder_count.read() + 1);
    }
  };
  std::vector<twist::thread> threads;
  for (int t = 0; t < kLockThreads; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  SPINDLE_VERIFY(holder_count.read() == kLockThreads * kLocksPerThread, "a lock was lost");
}

// ---- the benchmarks -----------------------------------------------------------------------

// Random walk over `body`, detectors on (range 0 == 1) or off.
void bm_random(benchmark::State& state, void (*body)()) {
  sim::options opts;
  opts.max_runs = kRunsPerIteration;
  opts.time_budget = 3600s;  // the run count is the limit
  opts.check_determinism = false;
  opts.progress = false;
  opts.detect.data_races = state.range(0) != 0;
  opts.detect.memory = state.range(0) != 0;
  const std::function<void()> program = body;
  std::uint64_t seed = 1;
  double steps = 0;
  double runs = 0;
  for (auto _ : state) {
    opts.seed = seed++;
    const sim::result r = sim::explore(opts, program);
    if (!r.ok()) {
      state.SkipWithError(r.report.c_str());
      return;
    }
    steps += static_cast<double>(r.steps);
    runs += static_cast<double>(r.runs);
  }
  state.counters["steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  state.counters["schedules/s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["steps/schedule"] = runs > 0 ? steps / runs : 0;
}
BENCHMARK_CAPTURE(bm_random, atomic_increments, &atomic_increments)
    ->ArgName("detectors")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_random, mutex_counter, &mutex_counter)
    ->ArgName("detectors")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_random, wait_group, &wait_group_workers)
    ->ArgName("detectors")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

// Bounded DFS (preemption bound 2, the default fault bound 1) to exhaustion: one iteration is
// the whole search.
void bm_dfs_exhaust_mutex_3x3(benchmark::State& state) {
  sim::options opts;
  opts.strategy = sim::strategy::dfs;
  opts.preemption_bound = 2;
  opts.time_budget = 600s;
  opts.check_determinism = false;
  opts.progress = false;
  const std::function<void()> program = lock_unlock_3x3;
  sim::result r;
  double steps = 0;
  for (auto _ : state) {
    r = sim::explore(opts, program);
    if (!r.ok()) {
      state.SkipWithError(r.report.c_str());
      return;
    }
    steps += static_cast<double>(r.steps);
  }
  state.counters["runs"] = static_cast<double>(r.runs);
  state.counters["pruned"] = static_cast<double>(r.pruned);
  state.counters["exhausted"] = r.exhausted ? 1 : 0;
  state.counters["steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
}
BENCHMARK(bm_dfs_exhaust_mutex_3x3)->Unit(benchmark::kMillisecond);

// ---- the summary --------------------------------------------------------------------------

// Console output as usual, then one line per benchmark in the units of the issue (medians of
// the repetitions when there are repetitions).
class sim_summary final : public spindle::bench::summary_reporter {
  void summarize() const override {
    print_heading("CPU");
    double slowest_on = -1;
    for (const auto& [name, f] : results()) {
      if (name.rfind("bm_random/", 0) != 0) continue;
      const double steps = f.counter("steps/s", 0);
      const double schedules = f.counter("schedules/s", 0);
      std::printf("  %-40s %7.2f M steps/s  %8.1f k schedules/s  %6.1f steps/schedule\n",
                  name.c_str() + 10, steps / 1e6, schedules / 1e3, f.counter("steps/schedule", 0));
      if (name.find("detectors:1") != std::string::npos && (slowest_on < 0 || steps < slowest_on)) {
        slowest_on = steps;
      }
    }
    if (slowest_on >= 0) {
      std::printf("  slowest with detectors on: %.2f M steps/s (target >= %.0f M: %s)\n",
                  slowest_on / 1e6, kTargetStepsPerSecond / 1e6,
                  spindle::bench::verdict(slowest_on >= kTargetStepsPerSecond));
    }
    if (const spindle::bench::figures* f = find("bm_dfs_exhaust_mutex_3x3"); f != nullptr) {
      // CPU time per iteration in ms (the benchmark reports in ms).
      std::printf("  dfs, 3 threads x 3 lock/unlock, preemption bound 2: %.0f schedules run, %.0f "
                  "pruned, %s, %.3f s, %.2f M steps/s\n",
                  f->counter("runs", 0), f->counter("pruned", 0),
                  f->counter("exhausted", 0) != 0 ? "exhausted" : "NOT exhausted",
                  f->cpu_time / 1e3, f->counter("steps/s", 0) / 1e6);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  sim_summary reporter;
  return spindle::bench::run_with_summary(argc, argv, reporter);
}
