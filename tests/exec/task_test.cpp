// The task types and the managed submit.
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>

#include <spindle/exec/executor.hpp>
#include <spindle/exec/manual_executor.hpp>

namespace exec = spindle::exec;

namespace {

// Counts live copies of itself, to see that managed tasks free their callable.
struct lifetime_probe {
  explicit lifetime_probe(int* counter) : live(counter) { ++*live; }
  lifetime_probe(const lifetime_probe& other) : live(other.live) { ++*live; }
  ~lifetime_probe() { --*live; }
  int* live;
};

struct counting_task : exec::task {
  counting_task() : task(&counting_task::invoke) {}
  static void invoke(exec::task& self) { ++static_cast<counting_task&>(self).runs; }
  int runs = 0;
};

}  // namespace

TEST(ExecTask, DerivedTaskRunsItsFunction) {
  counting_task t;
  exec::manual_executor manual;
  manual.submit(t);
  EXPECT_EQ(t.runs, 0);
  EXPECT_TRUE(manual.run_next());
  EXPECT_EQ(t.runs, 1);
  manual.submit(t);  // may be resubmitted after it ran (EX.TASK3)
  manual.drain();
  EXPECT_EQ(t.runs, 2);
}

TEST(ExecTask, CallableTaskLivesWhereTheCallerPutsIt) {
  int value = 0;
  exec::callable_task job([&] { value += 7; });
  exec::manual_executor manual;
  manual.submit(job);
  manual.drain();
  EXPECT_EQ(value, 7);
}

TEST(ExecTask, ManagedSubmitFreesTheTaskAfterItRuns) {
  int live = 0;
  int ran = 0;
  {
    exec::manual_executor manual;
    exec::submit(manual, [probe = lifetime_probe(&live), &ran] { ++ran; });
    EXPECT_EQ(live, 1);  // the copy inside the heap task
    manual.drain();
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(live, 0);
  }
}

TEST(ExecTask, ManagedSubmitFreesTheTaskWhenItThrows) {
  int live = 0;
  exec::manual_executor manual;
  exec::submit(manual, [probe = lifetime_probe(&live)] { throw std::runtime_error("boom"); });
  EXPECT_THROW(manual.run_next(), std::runtime_error);
  EXPECT_EQ(live, 0);
}

TEST(ExecTask, ManagedSubmitToAStoppedExecutorThrowsAndFrees) {
  int live = 0;
  bool ran = false;
  exec::manual_executor manual;
  manual.stop();
  EXPECT_THROW(exec::submit(manual, [probe = lifetime_probe(&live), &ran] { ran = true; }),
               exec::executor_stopped);
  EXPECT_EQ(live, 0);
  EXPECT_FALSE(ran);
}

TEST(ExecTask, ExecutorStoppedNamesTheExecutor) {
  exec::manual_executor manual;
  manual.stop();
  counting_task t;
  try {
    manual.submit(t);
    FAIL() << "submit after stop() did not throw";
  } catch (const exec::executor_stopped& e) {
    EXPECT_NE(std::string(e.what()).find("'manual'"), std::string::npos) << e.what();
  }
}

TEST(ExecTask, CurrentExecutorIsNullOutsideAnyAndSetWhileRunning) {
  EXPECT_EQ(exec::current_executor(), nullptr);
  EXPECT_EQ(exec::current_worker_index(), exec::not_a_worker);
  exec::manual_executor manual;
  exec::executor* seen = nullptr;
  exec::submit(manual, [&] { seen = exec::current_executor(); });
  manual.drain();
  EXPECT_EQ(seen, &manual);
  EXPECT_EQ(exec::current_executor(), nullptr);
}
