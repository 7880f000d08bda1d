// Serializes the tasks submitted to it on top of any executor: they run one at a time, in the
// order they were queued, never two at once — a lock without blocking. Runs batches: whoever
// finds the strand idle schedules one runner task on the underlying executor; the runner runs
// every task queued so far, then resubmits itself (hint::yield) if more came in meanwhile.
//
//   exec::strand serial(pool);
//   for (int i = 0; i < n; ++i) exec::submit(serial, [&, i] { log.push_back(i); });  // no lock
//
// Protocol (a combining queue; after D. Vyukov's "executor with a strand" counter scheme):
//   1. submit(t): pending.fetch_add(1) (acq_rel). Push t on the inbox (MPSC stack). If the
//      count was 0, this submitter owns the strand: submit the runner to the underlying
//      executor.
//   2. runner: take the whole inbox (oldest first), run each task; then pending.fetch_sub(n)
//      (acq_rel). If that brought it to 0 the strand is idle and the runner touches nothing of
//      it any more; otherwise some submitter counted itself (it may not have pushed yet) and
//      the runner resubmits itself.
// Correctness:
//   ST.STR1  At most one runner exists: it is created only by the 0 -> 1 transition and ends only
//            at the n -> 0 one, and pending >= number of tasks pushed and not yet run (each
//            submitter counts before it pushes; the runner subtracts only tasks it ran), so the
//            count never goes below what is still in the inbox: no task is stranded.
//   ST.STR2  Tasks are serialized: only the runner runs them, and its runs are ordered by the
//            acq_rel count (one run's fetch_sub happens-before the next run, through the
//            underlying executor's submit).
//   ST.STR3  After its final fetch_sub the runner does not touch the strand: the strand may be
//            destroyed as soon as it is idle.
// Hints: every hint means "after the tasks already queued on the strand"; the hint is passed
// to the underlying executor when the strand is scheduled. An exception escaping a task goes to
// the strand's error handler. If the underlying executor refuses the runner (executor_stopped),
// submit() takes every queued task back, rethrows for its own task, and reports the others
// (submitted concurrently by other threads) to the error handler as executor_stopped failures.
// The destructor requires the strand to be idle (SPINDLE_VERIFY).
// Blocking inside a task: a task holds the strand from its start to its end, so it must not
// suspend a fiber or park its thread (that would let the next task in early, or hold the
// strand up). Debug builds catch it in fiber's blocking operations: run_batch marks the thread
// while each task runs (detail/strand_task_scope.hpp; the rule: docs/fiber.md, "Fibers and
// strands").
#pragma once

#include <cstddef>
#include <string_view>

#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/task_failure.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::exec {

class strand final : public executor {
 public:
  explicit strand(executor& underlying,
                  error_handler on_task_failure = &terminate_on_task_failure);
  ~strand() override;

  // Queues `t` behind the strand's other tasks (any thread, lock-free but for scheduling).
  void submit(task& t, hint h = hint::any) override;

  std::string_view name() const noexcept override { return "strand"; }

  executor& underlying() const noexcept { return underlying_; }

 private:
  struct runner_task : task {
    explicit runner_task(strand& s) noexcept : task(&strand::run_batch), owner(&s) {}
    strand* owner;
  };

  static void run_batch(task& self);
  void take_back_after_refusal(task& own);

  executor& underlying_;
  error_handler on_task_failure_;
  core::intrusive::mpsc_stack<task, task_tag> inbox_;
  // Tasks submitted and not yet run (counted before they are pushed: ST.STR1).
  twist::atomic<std::size_t> pending_{0};
  runner_task runner_{*this};  // submitted only by the owner of the strand (ST.STR1)
};

}  // namespace spindle::exec
