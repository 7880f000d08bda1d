// Bounded depth-first search over a program's decision tree, stateless (Godefroid, VeriSoft,
// POPL 1997; CHESS's preemption bounding: Musuvathi & Qadeer, PLDI 2007), with sleep-set
// partial-order reduction (Godefroid, "Partial-Order Methods for the Verification of Concurrent
// Systems", LNCS 1032, 1996).
//
// How it explores:
//   1. A run replays the decisions on the current path (one frame per decision: which
//      alternative it took, which siblings it already explored), then takes the first allowed
//      alternative at every new decision, pushing a frame for each.
//   2. After the run, backtrack: the deepest frame with an allowed alternative after the one it
//      took moves to it, and the path is cut below it. No frame left: the bounded space is
//      exhausted, and begin_run() says so.
//   3. An alternative is allowed when it keeps the schedule within the bounds:
//        - preemptions: thread choices that pick another thread while the running thread could
//          continue (choice::running_can_continue and index != 0), and *unfair* picks: a
//          thread that yielded waits for every thread runnable at its yield to take a step
//          (CHESS's fair scheduler: Musuvathi & Qadeer, "Fair stateless model checking",
//          PLDI 2008); picking it while one of those is still runnable and has not stepped
//          costs a preemption (a cost instead of CHESS's ban, so nothing is cut beyond the
//          bound). Spin loops yield every round (docs/design.md): without this, two spinners taking
//          turns while the thread they wait for never runs would be free choices, and the tree
//          infinite. The wait-for relation stays acyclic (a thread's edges are added when it
//          yields, after every edge into it was dropped because it ran), so some runnable
//          thread is always fair and the cheapest alternative costs nothing;
//        - faults: a spurious CAS failure, a spurious wakeup, an allocation failure, and picking
//          the timer (an early timeout) while threads could still run;
//        - deviations: any non-default decision (the shrinker's bound, see shrink.cpp).
//      Which waiter a wake_one wakes is explored freely (it is not a fault: every waiter is a
//      legitimate answer, and their number is bounded by the threads).
//   4. With reduction on, a thread choice also respects sleep sets: after the child for thread t
//      is explored, t sleeps in its later siblings; a child inherits the sleeping threads whose
//      pending step is independent of the step it takes (independent(), below). A sleeping
//      thread is not picked. If every allowed candidate sleeps, the rest of the run is
//      equivalent to a schedule already explored: the run is pruned (world::prune) and counted.
//      A sleeping thread that still ran (it was the only runnable thread, so no decision was
//      asked) shows up at the next decision as the deciding thread, or as missing from the
//      candidates; that run is pruned too. pruned() counts both: sleeping alternatives
//      skipped (each a subtree of at least one schedule) and runs abandoned.
//
// Invariants the reduction relies on:
//   DFS.INV1 a sleeping thread's pending step does not change while it sleeps: only running changes
//            it, and a runnable thread becomes blocked or done only by running;
//   DFS.INV2 a step's effect on other threads is through its location (atomic, futex word); steps
//            without one (spawn, join, yield, sleep, clock, random, fence, the timer) are treated
//            as dependent on everything, and so are futex operations on the same word (they block
//            and wake). A thread's exit happens inside its last step's transition and only wakes a
//            joiner, which is blocked, never asleep.
//
// Known caveat (Coons, Musuvathi & McKinley, "Bounded partial-order reduction", OOPSLA 2013):
// sleep sets combined with a preemption bound can cut schedules the bound alone would keep.
// A schedule skipped because t sleeps is equivalent (same order of dependent steps) to one in
// t's explored subtree, but that equivalent schedule may need more preemptions, so the bound
// may have cut it there. We keep plain sleep sets and document it: with reduction on,
// exhausted() means every schedule within the bounds ran or was pruned as equivalent to one
// that was *reachable*, which may itself lie beyond the bound. options::reduce = false gives
// the exact bounded guarantee; the tests check that both find the same planted bugs.
//
// twist::random is not a decision: every run uses the same seed, so random values are
// explored only as far as the schedules make them differ.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "strategy.hpp"

namespace spindle::sim::detail {

struct dfs_bounds {
  int preemptions = 2;  // per schedule; negative: unbounded
  int faults = 1;       // per schedule; negative: unbounded
  int deviations = -1;  // non-default decisions of any kind; negative: unbounded
};

class dfs_strategy final : public schedule_strategy {
 public:
  // The bounds and reduction the options name; every run uses `seed` for twist::random.
  dfs_strategy(const options& opts, std::uint64_t seed, world& w);
  // Explicit bounds (the shrinker), no run or time budget of its own.
  dfs_strategy(dfs_bounds bounds, bool reduce, std::uint64_t seed, world& w);

  bool begin_run(std::size_t index) override;
  void end_run(const run_outcome& outcome) override;
  std::size_t choose(const choice& c) override;
  std::uint64_t run_seed() const override { return seed_; }
  std::size_t pruned() const override { return pruned_; }
  bool exhausted() const override { return exhausted_; }
  std::string summary(const exploration_stats& stats) const override;

 private:
  // A thread and the step it is stopped before (a copy: the world reuses its step storage).
  struct pending_step {
    std::uint32_t thread;
    operation op;
    const void* address;
  };
  struct cost {
    int preemptions = 0;
    int faults = 0;
    int deviations = 0;
  };
  struct frame {
    choice_kind kind;
    std::size_t count;
    bool running_can_continue;
    std::vector<pending_step> candidates;  // thread choices only
    std::vector<bool> unfair;              // thread choices: picking it breaks a yield's wait
    std::vector<pending_step> sleep;       // thread choices: asleep on entry
    std::vector<std::size_t> explored;     // thread choices: children done (sleep in later ones)
    cost before;                           // spent by the path above this frame
    std::size_t chosen;
  };

  static bool independent(const pending_step& a, const pending_step& b) noexcept;
  static cost cost_of(const frame& f, std::size_t index) noexcept;
  bool within_bounds(const frame& f, std::size_t index) const noexcept;
  bool asleep(const frame& f, std::size_t index) const noexcept;
  // The first allowed alternative of `f` at or after `from`, or f.count.
  // Counts the sleeping alternatives it skips in pruned_.
  std::size_t next_allowed(const frame& f, std::size_t from) noexcept;
  // Takes alternative f.chosen: the budget and the sleep set below it.
  void descend(const frame& f);
  bool ran_while_asleep(const choice& c) const noexcept;
  // Fairness bookkeeping (step 3): the decider has stepped; if it yielded, it now waits.
  void on_thread_choice(const choice& c);
  void scheduled(std::uint32_t thread);
  bool waits(std::uint32_t thread, const choice& c) const noexcept;
  frame make_frame(const choice& c) const;
  bool matches(const frame& f, const choice& c) const noexcept;

  world& world_;
  dfs_bounds bounds_;
  bool reduce_;
  std::uint64_t seed_;
  std::size_t max_runs_ = 0;        // for the summary: which budget cut the search
  double time_budget_seconds_ = 0;

  std::vector<frame> path_;
  std::size_t depth_ = 0;           // decisions taken in the current run
  cost spent_;                      // by the current run so far
  std::vector<pending_step> sleep_; // asleep at the current point of the run
  // By thread id: the threads it waits for since its last yield (fairness, step 3).
  std::vector<std::vector<std::uint32_t>> waits_for_;
  bool has_next_ = true;
  bool exhausted_ = false;
  bool failed_ = false;
  std::size_t pruned_ = 0;
};

}  // namespace spindle::sim::detail
