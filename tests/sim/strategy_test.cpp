// The schedulers: bounded DFS explores exactly the schedules within its bounds and says when it
// has run them all; sleep sets cut equivalent ones; PCT finds shallow bugs in few runs and does
// not livelock on spin loops.
#include <gtest/gtest.h>

#include <iostream>
#include <mutex>
#include <string>

#include <spindle/base/config.hpp>
#include <spindle/sim/explore.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/spin_wait.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle {
namespace {

using namespace std::chrono_literals;

sim::options dfs(int preemption_bound, bool reduce) {
  sim::options opts;
  opts.strategy = sim::strategy::dfs;
  opts.preemption_bound = preemption_bound;
  opts.fault_bound = 0;
  opts.reduce = reduce;
  opts.time_budget = 10s;  // a safety net: every exploration here takes well under a second
  opts.progress = false;
  return opts;
}

sim::options pct(int depth) {
  sim::options opts;
  opts.strategy = sim::strategy::pct;
  opts.pct_depth = depth;
  opts.max_runs = 300;
  opts.time_budget = 5s;
  opts.progress = false;
  return opts;
}

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// T0 spawns T1 and T2, each doing two increments of one counter, and joins them.
void two_by_two() {
  twist::atomic<int> counter{0};
  auto work = [&] {
    counter.fetch_add(1);
    counter.fetch_add(1);
  };
  twist::thread a(work);
  twist::thread b(work);
  a.join();
  b.join();
  SPINDLE_VERIFY(counter.load() == 4, "an increment was lost");
}

// The decision tree of two_by_two, from world.cpp's rules: a thread choice is asked before
// each step when another thread is runnable; the default is the running thread, or after a
// block or exit the next runnable thread in id order; only leaving a thread that could go on
// is a preemption.
//   Bound 0: T0 spawns both and blocks in join(T1); then T1 first (T1 runs out, then T2 or T0
//   next: 2 schedules) or T2 first (then everything is forced: 1 schedule) = 3.
//   Exactly 1 preemption: at T0's decision before spawning T2 (to T1): 1; before join(T1) (to
//   T1 or T2, each followed by a free choice of 2): 4; after T0 blocks, T1 first: preempted
//   before its 2nd step (1), or T1 done then T2 first and preempted for T0 (1), or T0 first
//   and preempted for T2 (1); T2 first: preempted before its 2nd step for T1, which ends and
//   leaves a free choice of 2 = 5. Total 1 + 4 + 5 = 10, so bound 1 runs 3 + 10 = 13.
TEST(Dfs, RunsExactlyTheSchedulesWithinTheBoundAndSaysItIsDone) {
  const sim::result none = sim::explore(dfs(0, false), two_by_two);
  EXPECT_TRUE(none.ok()) << none.report;
  EXPECT_TRUE(none.exhausted) << none.summary;
  EXPECT_EQ(none.runs, 3u) << none.summary;

  const sim::result one = sim::explore(dfs(1, false), two_by_two);
  EXPECT_TRUE(one.ok()) << one.report;
  EXPECT_TRUE(one.exhausted) << one.summary;
  EXPECT_EQ(one.runs, 13u) << one.summary;
  EXPECT_EQ(one.pruned, 0u);
  EXPECT_TRUE(contains(one.summary, "exhausted")) << one.summary;
  EXPECT_TRUE(contains(one.summary, "preemptions <= 1")) << one.summary;
}

// Two threads that mostly touch their own counters (independent steps), then one shared
// increment: atomic, or a lost-update load + store.
void mostly_independent(bool lost_update) {
  twist::atomic<int> x{0};
  twist::atomic<int> y{0};
  twist::atomic<int> shared{0};
  auto work = [&](twist::atomic<int>& own) {
    own.fetch_add(1);
    own.fetch_add(1);
    if (lost_update) {
      shared.store(shared.load() + 1);
    } else {
      shared.fetch_add(1);
    }
  };
  twist::thread a([&] { work(x); });
  twist::thread b([&] { work(y); });
  a.join();
  b.join();
  SPINDLE_VERIFY(shared.load() == 2, "an increment was lost");
}

TEST(Dfs, SleepSetsPruneEquivalentSchedulesAndStillFindTheBug) {
  const sim::result full = sim::explore(dfs(2, false), [] { mostly_independent(false); });
  const sim::result reduced = sim::explore(dfs(2, true), [] { mostly_independent(false); });
  ASSERT_TRUE(full.ok()) << full.report;
  ASSERT_TRUE(reduced.ok()) << reduced.report;
  EXPECT_TRUE(full.exhausted);
  EXPECT_TRUE(reduced.exhausted);
  EXPECT_EQ(full.pruned, 0u);
  EXPECT_GT(reduced.pruned, 0u);
  EXPECT_LT(reduced.runs, full.runs);
  std::cout << "  [ runs ] 2 threads, bound 2: " << full.runs << " without reduction, "
            << reduced.runs << " with sleep sets (" << reduced.pruned << " subtrees pruned)\n";
  RecordProperty("runs_without_reduction", static_cast<int>(full.runs));
  RecordProperty("runs_with_reduction", static_cast<int>(reduced.runs));

  for (const bool reduce : {false, true}) {
    const sim::result bug = sim::explore(dfs(2, reduce), [] { mostly_independent(true); });
    EXPECT_EQ(bug.outcome, sim::outcome::assertion_failed) << "reduce=" << reduce << bug.summary;
    EXPECT_FALSE(bug.exhausted);
  }
}

// T2 must see T1's first store and then its second: T1 is preempted after its first store
// and T2 after its first load, so the bug needs exactly 2 preemptions (the switches at T0's
// block and T1's exit are free).
void needs_two_preemptions() {
  twist::atomic<int> x{0};
  twist::thread writer([&] {
    x.store(1);
    x.store(2);
  });
  twist::thread reader([&] {
    const int first = x.load();
    const int second = x.load();
    SPINDLE_VERIFY(!(first == 1 && second == 2), "the reader saw both stores one by one");
  });
  writer.join();
  reader.join();
}

TEST(Dfs, ABugNeedingTwoPreemptionsIsBeyondBoundOneAndWithinBoundTwo) {
  for (const bool reduce : {false, true}) {
    const sim::result one = sim::explore(dfs(1, reduce), needs_two_preemptions);
    EXPECT_TRUE(one.ok()) << "reduce=" << reduce << "\n" << one.report;
    EXPECT_TRUE(one.exhausted) << one.summary;

    const sim::result two = sim::explore(dfs(2, reduce), needs_two_preemptions);
    ASSERT_EQ(two.outcome, sim::outcome::assertion_failed) << "reduce=" << reduce << two.summary;
    EXPECT_TRUE(contains(two.report, "saw both stores")) << two.report;
    EXPECT_TRUE(contains(two.report, "schedule: 2 deviations")) << two.report;
  }
}

void three_threads_lock_three_times() {
  twist::mutex mu;
  int count = 0;  // guarded by mu
  auto work = [&] {
    for (int i = 0; i < 3; ++i) {
      std::lock_guard guard{mu};
      ++count;
    }
  };
  twist::thread a(work);
  twist::thread b(work);
  twist::thread c(work);
  a.join();
  b.join();
  c.join();
  SPINDLE_VERIFY(count == 9, "a critical section was lost");
}

// Faults off: with one spurious wakeup allowed the space is ~3x larger (about 140k schedules,
// over a second), more than a unit test should spend.
TEST(Dfs, ThreeThreadsLockingAMutexThreeTimesExhaustsWithinBoundTwo) {
  const sim::result r = sim::explore(dfs(2, true), three_threads_lock_three_times);
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_TRUE(r.exhausted) << r.summary;
  std::cout << "  [ runs ] 3 threads x 3 lock/unlock, preemptions <= 2: " << r.runs << " runs ("
            << r.pruned << " pruned) in " << r.seconds << " s\n";
  RecordProperty("mutex_runs", static_cast<int>(r.runs));
}

TEST(Dfs, ABudgetCutSearchSaysItIsNotExhausted) {
  sim::options opts = dfs(3, false);
  opts.max_runs = 5;
  const sim::result r = sim::explore(opts, two_by_two);
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, 5u);
  EXPECT_FALSE(r.exhausted);
  EXPECT_TRUE(contains(r.summary, "NOT exhausted: cut by the run limit")) << r.summary;

  opts.max_runs = 0;
  opts.time_budget = 20ms;  // the mutex program has ~10^5 schedules within 3 preemptions
  const sim::result timed = sim::explore(opts, three_threads_lock_three_times);
  EXPECT_TRUE(timed.ok()) << timed.report;
  EXPECT_FALSE(timed.exhausted);
  EXPECT_TRUE(contains(timed.summary, "cut by the time budget")) << timed.summary;
}

// Two threads spin (yield every round) until a third sets a flag. Each round is a choice, so
// only the fairness rule (a thread that yielded waits for the others, or pays a preemption)
// keeps the tree finite.
TEST(Dfs, SpinLoopsKeepTheTreeFinite) {
  sim::options opts = dfs(2, true);
  opts.time_budget = 2s;
  const sim::result r = sim::explore(opts, [] {
    twist::atomic<bool> ready{false};
    auto spin_until_ready = [&] {
      twist::spin_wait spin;
      while (!ready.load()) spin();
    };
    twist::thread first(spin_until_ready);
    twist::thread second(spin_until_ready);
    twist::thread setter([&] { ready.store(true); });
    first.join();
    second.join();
    setter.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_TRUE(r.exhausted) << r.summary;
  EXPECT_LT(r.seconds, 1.0) << r.summary;
  EXPECT_LE(r.longest_run, 100u) << r.summary;
}

void lost_update() {
  twist::atomic<int> counter{0};
  auto increment = [&] { counter.store(counter.load() + 1); };
  twist::thread a(increment);
  twist::thread b(increment);
  a.join();
  b.join();
  SPINDLE_VERIFY(counter.load() == 2, "an increment was lost");
}

// Depth 2 in the paper's sense: two orderings (T1's first store before the load, the load
// before T1's second store).
void observes_intermediate_state() {
  twist::atomic<int> x{0};
  twist::thread writer([&] {
    x.store(1);
    x.store(2);
  });
  twist::thread reader([&] { SPINDLE_VERIFY(x.load() != 1, "saw the intermediate value"); });
  writer.join();
  reader.join();
}

TEST(Pct, FindsDepthTwoBugsInFewRuns) {
  const sim::result lost = sim::explore(pct(2), lost_update);
  ASSERT_EQ(lost.outcome, sim::outcome::assertion_failed) << lost.summary;
  EXPECT_LE(lost.runs, 100u) << lost.summary;

  const sim::result order = sim::explore(pct(2), observes_intermediate_state);
  ASSERT_EQ(order.outcome, sim::outcome::assertion_failed) << order.summary;
  EXPECT_TRUE(contains(order.report, "intermediate value")) << order.report;
  EXPECT_LE(order.runs, 100u) << order.summary;
  std::cout << "  [ runs ] pct d=2: lost update in run " << lost.runs
            << ", intermediate state in run " << order.runs << "\n";
}

TEST(Pct, SummaryStatesTheGuarantee) {
  const sim::result r = sim::explore(pct(3), [] {
    twist::atomic<int> counter{0};
    twist::thread a([&] { counter.fetch_add(1); });
    counter.fetch_add(1);
    a.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, 300u);
  EXPECT_TRUE(contains(r.summary, "n = 2 threads")) << r.summary;
  EXPECT_TRUE(contains(r.summary, "d = 3")) << r.summary;
  EXPECT_TRUE(contains(r.summary, "1/(n*k^(d-1))")) << r.summary;
}

TEST(Pct, SpinWaitingOnALowerPriorityThreadDoesNotLivelock) {
  sim::options opts = pct(3);
  opts.max_steps = 2000;
  const sim::result r = sim::explore(opts, [] {
    twist::atomic<bool> ready{false};
    twist::thread spinner([&] {
      twist::spin_wait spin;
      while (!ready.load()) spin();
    });
    twist::thread setter([&] { ready.store(true); });
    spinner.join();
    setter.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, 300u);
}

}  // namespace
}  // namespace spindle
