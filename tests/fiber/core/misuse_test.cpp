// Misuse of fibers and their sync primitives stops the program with a clear message.
// (No commas at the top level of the death statements: EXPECT_DEATH is a macro.)
#include <gtest/gtest.h>

#include <spindle/core/spinlock.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

class FiberMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(FiberMisuse, YieldOutsideAFiber) {
  EXPECT_DEATH(fiber::yield(), "fiber::yield\\(\\) called outside a fiber");
}

TEST_F(FiberMisuse, SleepOutsideAFiber) {
  EXPECT_DEATH(fiber::sleep_for(std::chrono::milliseconds(1)),
               "fiber::sleep_for\\(\\) called outside a fiber");
}

TEST_F(FiberMisuse, IdOutsideAFiber) {
  EXPECT_DEATH(fiber::this_fiber::id(), "this_fiber::id\\(\\) called outside a fiber");
}

TEST_F(FiberMisuse, SleepWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        fiber::go(manual, [] { fiber::sleep_for(std::chrono::milliseconds(1)); });
        manual.drain();
      },
      "the fiber has no timer service");
}

TEST_F(FiberMisuse, UnlockingAMutexNotHeld) {
  EXPECT_DEATH(
      {
        fiber::sync::mutex mu;
        mu.unlock();
      },
      "unlock\\(\\) of a mutex that is not locked");
}

TEST_F(FiberMisuse, WaitGroupDoneMoreThanAdd) {
  EXPECT_DEATH(
      {
        fiber::sync::wait_group group;
        group.done();
      },
      "done\\(\\) called more times than add\\(\\)");
}

TEST_F(FiberMisuse, ResumingOnAStoppedExecutor) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        fiber::go(manual, [&] {
          manual.stop();
          fiber::yield();
        });
        manual.drain();
      },
      "resumed on an executor that has stopped");
}

#ifndef NDEBUG
TEST_F(FiberMisuse, SuspendingUnderASpinlock) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        spindle::core::spinlock lock;
        fiber::go(manual, [&] {
          lock.lock();
          fiber::no_suspend_scope no_suspend("test spinlock");
          fiber::yield();
        });
        manual.drain();
      },
      "fiber::yield\\(\\) inside no_suspend_scope 'test spinlock'");
}

TEST_F(FiberMisuse, ParkingAThreadUnderASpinlock) {
  EXPECT_DEATH(
      {
        fiber::sync::mutex mu;
        mu.lock();
        fiber::no_suspend_scope no_suspend("test spinlock");
        mu.lock();
      },
      "inside no_suspend_scope 'test spinlock'");
}
#endif

}  // namespace
