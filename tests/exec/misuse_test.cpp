// Misuse of executors fails loudly with a clear message instead of deadlocking or corrupting
// state. (No commas at the top level of the death statements: EXPECT_DEATH is a macro.)
#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/exec/strand.hpp>

namespace exec = spindle::exec;

namespace {

class ExecMisuse : public testing::Test {
 protected:
  void SetUp() override {
    // The test binary starts threads: re-exec rather than fork.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  return options;
}

}  // namespace

// SPINDLE_VERIFY: on in every build.
TEST_F(ExecMisuse, StopFromOneOfThePoolsOwnWorkers) {
  EXPECT_DEATH(
      {
        exec::fast_pool pool(two_workers());
        exec::submit(pool, [&] { pool.stop(); });
        pool.wait_idle();
      },
      "stop\\(\\) called from one of the pool's own workers");
}

TEST_F(ExecMisuse, WaitIdleFromOneOfThePoolsOwnWorkers) {
  EXPECT_DEATH(
      {
        exec::fast_pool pool(two_workers());
        exec::submit(pool, [&] { pool.wait_idle(); });
        pool.wait_idle();
      },
      "wait_idle\\(\\) called from one of the pool's own workers");
}

TEST_F(ExecMisuse, DestroyingAStrandThatStillHasTasks) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        {
          exec::strand serial(manual);
          exec::submit(serial, [] {});
        }
      },
      "strand destroyed while it still has tasks to run");
}

TEST_F(ExecMisuse, DefaultHandlerReportsTheFailingTaskAndTerminates) {
  EXPECT_DEATH(
      {
        exec::fast_pool pool(two_workers());
        exec::submit(pool, [] { throw std::runtime_error("the task's own message"); });
        pool.wait_idle();
      },
      "on executor 'pool' threw: the task's own message");
}

// SPINDLE_ASSERT: only without NDEBUG.
TEST_F(ExecMisuse, SubmittingATaskThatIsAlreadyQueued) {
#ifdef NDEBUG
  GTEST_SKIP() << "the double-submit check is a SPINDLE_ASSERT, compiled out with NDEBUG";
#endif
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::callable_task job([] {});
        manual.submit(job);
        manual.submit(job);
      },
      "node is already in an intrusive container");
}
