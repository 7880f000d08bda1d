// manual_executor: the deterministic single-threaded executor.
#include <functional>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/manual_executor.hpp>

namespace exec = spindle::exec;

TEST(ManualExecutor, RunsInSubmissionOrderWithNextAtTheFront) {
  exec::manual_executor manual;
  std::vector<int> log;
  exec::submit(manual, [&] { log.push_back(1); });
  exec::submit(manual, [&] { log.push_back(2); }, exec::hint::yield);
  exec::submit(manual, [&] { log.push_back(3); }, exec::hint::inline_allowed);
  EXPECT_TRUE(log.empty()) << "inline_allowed must not run inline on a manual executor";
  exec::submit(manual, [&] { log.push_back(0); }, exec::hint::next);
  EXPECT_EQ(manual.size(), 4u);
  EXPECT_EQ(manual.drain(), 4u);
  EXPECT_EQ(log, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(manual.empty());
}

TEST(ManualExecutor, RunNextRunsExactlyOne) {
  int ran = 0;  // declared first: the executor's destructor runs the task left queued
  exec::manual_executor manual;
  EXPECT_FALSE(manual.run_next());
  exec::submit(manual, [&] { ++ran; });
  exec::submit(manual, [&] { ++ran; });
  EXPECT_TRUE(manual.run_next());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(manual.size(), 1u);
}

TEST(ManualExecutor, RunAtMostCountsTasksSubmittedByTasks) {
  exec::manual_executor manual;
  int ran = 0;
  // Each task submits the next: a chain of 10.
  std::function<void(int)> chain = [&](int left) {
    ++ran;
    if (left > 1) exec::submit(manual, [&, left] { chain(left - 1); });
  };
  exec::submit(manual, [&] { chain(10); });
  EXPECT_EQ(manual.run_at_most(4), 4u);
  EXPECT_EQ(ran, 4);
  EXPECT_EQ(manual.size(), 1u);
  EXPECT_EQ(manual.drain(), 6u);
  EXPECT_EQ(ran, 10);
}

TEST(ManualExecutor, AnExceptionPropagatesAndTheRestStaysQueued) {
  exec::manual_executor manual;
  int ran = 0;
  exec::submit(manual, [] { throw std::runtime_error("task failed"); });
  exec::submit(manual, [&] { ++ran; });
  EXPECT_THROW(manual.drain(), std::runtime_error);
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(manual.size(), 1u);
  manual.drain();
  EXPECT_EQ(ran, 1);
}

TEST(ManualExecutor, DestructorRunsQueuedTasks) {
  int ran = 0;
  {
    exec::manual_executor manual;
    exec::submit(manual, [&] { ++ran; });
    exec::submit(manual, [&] { ++ran; });
  }
  EXPECT_EQ(ran, 2);
}

TEST(ManualExecutor, StopRefusesNewTasksButKeepsQueuedOnes) {
  exec::manual_executor manual;
  int ran = 0;
  exec::submit(manual, [&] { ++ran; });
  manual.stop();
  EXPECT_TRUE(manual.stopped());
  exec::callable_task refused([&] { ran += 100; });
  EXPECT_THROW(manual.submit(refused), exec::executor_stopped);
  EXPECT_EQ(manual.size(), 1u);
  manual.drain();
  EXPECT_EQ(ran, 1);
  // The refused task is still the caller's: it can go to another executor.
  exec::manual_executor other;
  other.submit(refused);
  other.drain();
  EXPECT_EQ(ran, 101);
}
