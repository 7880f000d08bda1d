// Misuse of the timed waits stops the program with a clear message: a fiber without a timer
// service, a timed park on an untimed waiter, a timed wait while holding a spinlock, a
// condition variable's timed wait with a lock that does not own its mutex.
// (No commas at the top level of the death statements: EXPECT_DEATH is a macro.)
#include <chrono>
#include <mutex>

#include <gtest/gtest.h>

#include <spindle/core/spinlock.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/waiter.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

using namespace std::chrono_literals;

namespace {

class TimedMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

constexpr const char* kNoTimers = "a timed wait .* in a fiber without a timer service";

// Checked before anything else, whatever the deadline and whether the wait would block: the
// mistake shows on the first run, not only under contention.
TEST_F(TimedMisuse, EventWaitForInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        fiber::sync::event ev;
        fiber::go(manual, [&] { ev.wait_for(1ms); });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(TimedMisuse, ConditionVariableWaitForInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        fiber::sync::mutex mu;
        fiber::sync::condition_variable cv;
        fiber::go(manual, [&] {
          std::unique_lock lock(mu);
          cv.wait_for(lock, 1ms);
        });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(TimedMisuse, MutexTryLockForInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        fiber::sync::mutex mu;
        mu.lock();
        fiber::go(manual, [&] { (void)mu.try_lock_for(0ms); });
        manual.drain();
      },
      kNoTimers);
}

// Wakers claim only timed waiters (an untimed one cannot time out), so a timed park needs one.
TEST_F(TimedMisuse, ParkUntilOnAnUntimedWaiter) {
  EXPECT_DEATH(
      {
        fiber::sync::waiter w;
        w.park_until(spindle::twist::steady_clock::now() + 1ms);
      },
      "park_until\\(\\) on an untimed waiter");
}

#ifndef NDEBUG  // the no_suspend_scope checks are debug-only
TEST_F(TimedMisuse, ParkUntilOnAThreadHoldingASpinlock) {
  EXPECT_DEATH(
      {
        spindle::core::spinlock lock;
        lock.lock();
        fiber::no_suspend_scope no_suspend("test lock");
        fiber::sync::waiter w(fiber::sync::timed);
        w.park_until(spindle::twist::steady_clock::now() + 1ms);
      },
      "park_until\\(\\) on a thread inside no_suspend_scope 'test lock'");
}
#endif

TEST_F(TimedMisuse, ConditionVariableWaitUntilWithALockThatDoesNotOwnItsMutex) {
  EXPECT_DEATH(
      {
        fiber::sync::mutex mu;
        fiber::sync::condition_variable cv;
        std::unique_lock lock(mu, std::defer_lock);
        cv.wait_for(lock, 1ms);
      },
      "wait_until\\(\\) with a lock that does not own its mutex");
}

}  // namespace
