// Blocking inside a strand's task stops the program with a message naming the operation and
// the strand (debug builds): a fiber on a strand that suspends other than by switch_to(), a
// strand task that parks its thread, a strand task run inside a fiber that suspends that
// fiber. The rule: docs/fiber.md, "Fibers and strands"; the allowed cases: strand_test.cpp.
// (No commas at the top level of the death statements: EXPECT_DEATH is a macro.)
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include <spindle/exec/executor.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/exec/strand.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/semaphore.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

#ifndef NDEBUG

// What the report says for a fiber, and for a thread, inside a task of a strand that runs on
// the manual executor (the strand's address differs in the death test's child process).
constexpr const char* fiber_report =
    "inside a task of exec::strand 0x[0-9a-f]+ \\(on 'manual'\\): a strand's task must not "
    "suspend.*breaking its mutual exclusion.*leave the strand first with fiber::switch_to";
constexpr const char* thread_report =
    "inside a task of exec::strand 0x[0-9a-f]+ \\(on 'manual'\\): a strand's task must not "
    "park its thread.*block outside the strand's tasks";

std::string expect(const char* operation, const char* report) {
  return std::string(operation) + " " + report;
}

class StrandMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// ---- a fiber whose executor is the strand --------------------------------------------------

TEST_F(StrandMisuse, FiberOnAStrandYields) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::go(serial, [] { fiber::yield(); });
        manual.drain();
      },
      expect("fiber::yield\\(\\)", fiber_report));
}

TEST_F(StrandMisuse, FiberOnAStrandSleeps) {
  EXPECT_DEATH(
      {
        fiber::timer_service timers;
        fiber::options opts;
        opts.timers = &timers;
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::go(serial, [] { fiber::sleep_for(std::chrono::milliseconds(1)); }, opts);
        manual.drain();
      },
      expect("fiber::sleep_for\\(\\)", fiber_report));
}

TEST_F(StrandMisuse, FiberOnAStrandWaitsForAnEvent) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::sync::event never;
        fiber::go(serial, [&] { never.wait(); });
        manual.drain();
      },
      expect("fiber::detail::suspend\\(\\)", fiber_report));
}

TEST_F(StrandMisuse, FiberOnAStrandLocksAContendedMutex) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::sync::mutex mu;
        mu.lock();
        fiber::go(serial, [&] { mu.lock(); });
        manual.drain();
      },
      expect("fiber::detail::suspend\\(\\)", fiber_report));
}

TEST_F(StrandMisuse, FiberOnAStrandReceivesFromAnEmptyChannel) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::chan::channel<int> empty(1);
        fiber::go(serial, [&] { (void)empty.recv(); });
        manual.drain();
      },
      expect("fiber::detail::suspend\\(\\)", fiber_report));
}

TEST_F(StrandMisuse, FiberSwitchedOntoAStrandWaitsOnAWaitGroup) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::sync::wait_group group;
        group.add(1);
        fiber::go(manual, [&] {
          fiber::switch_to(serial);  // entering is allowed; blocking inside is not
          group.wait();
        });
        manual.drain();
      },
      expect("fiber::detail::suspend\\(\\)", fiber_report));
}

// ---- a plain task of the strand parks its thread -------------------------------------------

TEST_F(StrandMisuse, StrandTaskWaitsForAnEventOnItsThread) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::sync::event never;
        exec::submit(serial, [&] { never.wait(); });
        manual.drain();
      },
      expect("fiber::sync::waiter::park\\(\\) on a thread", thread_report));
}

TEST_F(StrandMisuse, StrandTaskAcquiresAnEmptySemaphoreOnItsThread) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::sync::semaphore none(0);
        exec::submit(serial, [&] { none.acquire(); });
        manual.drain();
      },
      expect("fiber::sync::waiter::park\\(\\) on a thread", thread_report));
}

TEST_F(StrandMisuse, StrandTaskReceivesFromAnEmptyChannelOnItsThread) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand serial(manual);
        fiber::chan::channel<int> empty(1);
        exec::submit(serial, [&] { (void)empty.recv(); });
        manual.drain();
      },
      expect("fiber::sync::waiter::park\\(\\) on a thread", thread_report));
}

// The innermost strand is the one named: `serial` runs on `outer`, a strand itself.
TEST_F(StrandMisuse, TaskOfAStrandOnAStrandParks) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        exec::strand outer(manual);
        exec::strand serial(static_cast<exec::executor&>(outer));
        fiber::sync::event never;
        exec::submit(serial, [&] { never.wait(); });
        manual.drain();
      },
      "fiber::sync::waiter::park\\(\\) on a thread inside a task of exec::strand 0x[0-9a-f]+ "
      "\\(on 'strand'\\)");
}

// ---- a strand task that runs inside a fiber (the strand's executor is pumped by the fiber) --

// yield() here would suspend the pumping fiber in the middle of the strand's batch.
TEST_F(StrandMisuse, StrandTaskInsideAFiberYields) {
  EXPECT_DEATH(
      {
        exec::manual_executor outer;
        fiber::go(outer, [] {
          exec::manual_executor inner;
          exec::strand serial(inner);
          exec::submit(serial, [] { fiber::yield(); });
          inner.drain();
        });
        outer.drain();
      },
      expect("fiber::yield\\(\\)", fiber_report));
}

#endif  // NDEBUG

}  // namespace
