// strand: serialization and batching on top of another executor (here the deterministic
// manual executor, so every step is visible).
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/detail/strand_task_scope.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/exec/strand.hpp>

namespace exec = spindle::exec;

TEST(Strand, SchedulesOneRunnerForABatchAndRunsInOrder) {
  exec::manual_executor manual;
  std::vector<int> log;
  {
    exec::strand serial(manual);
    for (int i = 0; i < 5; ++i) exec::submit(serial, [&log, i] { log.push_back(i); });
    EXPECT_EQ(manual.size(), 1u) << "one runner for the whole batch";
    EXPECT_TRUE(manual.run_next());
    EXPECT_EQ(log, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_TRUE(manual.empty()) << "an idle strand must not reschedule itself";
  }
}

TEST(Strand, TasksSubmittedDuringABatchRunInALaterOne) {
  exec::manual_executor manual;
  std::vector<int> log;
  exec::strand serial(manual);
  exec::submit(serial, [&] {
    log.push_back(1);
    exec::submit(serial, [&] { log.push_back(3); });
  });
  exec::submit(serial, [&] { log.push_back(2); });
  EXPECT_TRUE(manual.run_next());
  EXPECT_EQ(log, (std::vector<int>{1, 2}));
  EXPECT_EQ(manual.size(), 1u) << "the runner resubmits itself for the new task";
  exec::submit(manual, [&] { log.push_back(100); });  // other work gets a turn (hint::yield)
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{1, 2, 3, 100}));
}

TEST(Strand, IsTheCurrentExecutorOfItsTasks) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  exec::executor* seen = nullptr;
  exec::submit(serial, [&] { seen = exec::current_executor(); });
  manual.drain();
  EXPECT_EQ(seen, &serial);
}

TEST(Strand, AnExceptionGoesToItsHandlerAndTheBatchGoesOn) {
  exec::manual_executor manual;
  int failures = 0;
  int ran = 0;
  exec::strand serial(manual, [&](const exec::task_failure& f) {
    ++failures;
    EXPECT_EQ(f.executor_name, "strand");
  });
  exec::submit(serial, [] { throw std::runtime_error("x"); });
  exec::submit(serial, [&] { ++ran; });
  manual.drain();
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(ran, 1);
}

TEST(Strand, RefusedByAStoppedExecutorThrowsAndStaysUsable) {
  exec::manual_executor stopped;
  stopped.stop();
  exec::strand serial(stopped);
  bool ran = false;
  exec::callable_task job([&] { ran = true; });
  EXPECT_THROW(serial.submit(job), exec::executor_stopped);
  EXPECT_FALSE(ran);
  // The strand is idle again (its destructor checks), and the task is the caller's.
  exec::manual_executor other;
  other.submit(job);
  other.drain();
  EXPECT_TRUE(ran);
}

TEST(Strand, StrandsStack) {
  exec::manual_executor manual;
  exec::strand outer(manual);
  exec::strand inner(static_cast<exec::executor&>(outer));  // not the (deleted) copy
  std::vector<int> log;
  for (int i = 0; i < 3; ++i) exec::submit(inner, [&log, i] { log.push_back(i); });
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{0, 1, 2}));
}

#ifndef NDEBUG
// The mark that debug checks above exec read (fiber: blocking inside a strand's task): set while
// each task runs, naming the innermost strand, restored through nesting and cleared afterwards.
TEST(Strand, MarksTheThreadWhileEachTaskRuns) {
  using scope = exec::detail::strand_task_scope;
  exec::manual_executor manual;
  exec::strand outer(manual);
  exec::strand inner(static_cast<exec::executor&>(outer));
  std::vector<const exec::strand*> seen;
  bool other_marked = false;
  auto innermost_strand = [] { return scope::innermost() ? &scope::innermost()->owner() : nullptr; };
  exec::submit(inner, [&] {
    seen.push_back(innermost_strand());
    exec::manual_executor pumped;  // a task that pumps another strand: marks nest and unwind
    exec::strand other(pumped);
    exec::submit(other, [&] { other_marked = innermost_strand() == &other; });
    pumped.drain();
    seen.push_back(innermost_strand());
  });
  exec::submit(outer, [&] { seen.push_back(innermost_strand()); });
  EXPECT_EQ(scope::innermost(), nullptr);
  manual.drain();
  EXPECT_EQ(scope::innermost(), nullptr);
  EXPECT_TRUE(other_marked);
  EXPECT_EQ(seen, (std::vector<const exec::strand*>{&inner, &inner, &outer}));
}
#endif
