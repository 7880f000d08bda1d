// Fibers and strands: what stays allowed under the strand rule (docs/fiber.md, "Fibers and
// strands"; the caught cases are in strand_misuse_test.cpp) — switch_to() into and out of a
// strand, a strand task that starts fibers or pumps an executor whose fibers suspend, and
// suspending or parking again once the strand's task has ended.
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/detail/strand_task_scope.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/exec/strand.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

// The strand whose task the calling thread runs, as the debug check sees it (null outside any;
// always null with NDEBUG, where the tests that use it are skipped).
const exec::strand* marked_strand() {
  const exec::detail::strand_task_scope* inside = exec::detail::strand_task_scope::innermost();
  return inside != nullptr ? &inside->owner() : nullptr;
}

TEST(FiberOnStrand, SwitchToLeavesTheStrandAndTheFiberMayBlockAfterwards) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  fiber::sync::event go_on;
  std::vector<int> log;
  fiber::go(serial, [&] {
    log.push_back(1);
    fiber::switch_to(manual);  // allowed: leaves the strand, by name
    EXPECT_EQ(exec::current_executor(), &manual);
    go_on.wait();              // a suspension, now outside the strand
    fiber::yield();
    log.push_back(2);
  });
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{1}));
  go_on.fire();
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{1, 2}));
}

TEST(FiberOnStrand, SwitchToEntersAStrandAndLeavesIt) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  fiber::sync::mutex mu;
  fiber::sync::wait_group group;
  int inside = 0;
  group.add(2);
  for (int f = 0; f < 2; ++f) {
    fiber::go(manual, [&] {
      fiber::switch_to(serial);  // enter: the strand's section
      ++inside;
      fiber::switch_to(manual);  // leave
      mu.lock();                 // may suspend again (contended by the other fiber)
      fiber::yield();
      mu.unlock();
      group.done();
    });
  }
  manual.drain();
  EXPECT_EQ(inside, 2);
  group.wait();  // zero already: returns without parking
}

// switch_to() the strand the fiber is on: an explicit, visible release that lets the strand's
// other queued tasks run first.
TEST(FiberOnStrand, SwitchToItsOwnStrandLetsTheQueuedTasksRun) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  std::vector<int> log;
  fiber::go(serial, [&] {
    exec::submit(serial, [&] { log.push_back(2); });
    log.push_back(1);
    fiber::switch_to(serial);
    log.push_back(3);
  });
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{1, 2, 3}));
}

TEST(FiberOnStrand, AFiberThatDoesNotSuspendRunsAndMayUseNonBlockingOperations) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  fiber::sync::event fired;
  fiber::sync::wait_group group;
  fiber::sync::mutex mu;
  group.add(1);
  bool ran = false;
  fiber::go(serial, [&] {
    fired.fire();
    group.done();
    mu.lock();  // free: takes it without suspending
    mu.unlock();
    ran = true;
  });
  manual.drain();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(fired.is_fired());
}

TEST(FiberOnStrand, AStrandTaskStartsFibersThatBlockElsewhere) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  fiber::sync::event go_on;
  std::vector<int> log;
  exec::submit(serial, [&] {
    fiber::go(manual, [&] {
      go_on.wait();  // on `manual`, not the strand: fine
      log.push_back(2);
    });
    fiber::go(serial, [&] { log.push_back(1); });  // a fiber on the strand that does not block
  });
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{1}));
  go_on.fire();
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{1, 2}));
}

// The task pumps an executor of its own: the fibers it runs suspend back into the pump, which
// does not release the strand; they are not the strand's code.
TEST(FiberOnStrand, AStrandTaskPumpsAnExecutorWhoseFibersSuspend) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  int steps = 0;
  bool still_marked = false;
  exec::submit(serial, [&] {
    exec::manual_executor inner;
    fiber::sync::event go_on;
    fiber::go(inner, [&] {
      ++steps;
      fiber::yield();
      ++steps;
      go_on.wait();
      ++steps;
    });
    inner.drain();
    go_on.fire();
    inner.drain();
    still_marked = marked_strand() == &serial;
  });
  manual.drain();
  EXPECT_EQ(steps, 3);
#ifndef NDEBUG
  EXPECT_TRUE(still_marked) << "the fibers' steps must restore the strand task's mark";
#endif
}

TEST(FiberOnStrand, TheThreadMayBlockAgainOnceTheStrandTaskEnds) {
  exec::manual_executor manual;
  exec::strand serial(manual);
  bool marked_inside = false;
  exec::submit(serial, [&] { marked_inside = marked_strand() == &serial; });
  manual.drain();
#ifndef NDEBUG
  EXPECT_TRUE(marked_inside);
#endif
  EXPECT_EQ(marked_strand(), nullptr);
  // A fiber on the same thread suspends, and the thread itself parks: neither is caught.
  fiber::sync::event go_on;
  bool resumed = false;
  fiber::go(manual, [&] {
    fiber::yield();
    go_on.wait();
    resumed = true;
  });
  manual.drain();
  go_on.fire();
  manual.drain();
  EXPECT_TRUE(resumed);
  fiber::sync::event fired_elsewhere;
  std::thread firer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    fired_elsewhere.fire();
  });
  fired_elsewhere.wait();  // most likely parks this thread on the futex first
  firer.join();
}

// On real threads: fibers that enter the strand by switch_to() update a plain counter without
// a lock (the strand is the lock; TSAN checks it), and block freely outside it.
TEST(FiberOnStrand, FibersOnAPoolUseAStrandAsTheirLock) {
  exec::pool_options options;
  options.workers = 2;
  options.name = "strand-test";
  exec::fast_pool pool(options);
  exec::strand serial(pool);
  constexpr int fibers = 8;
  constexpr int rounds = 50;
  int counter = 0;  // touched only on the strand
  fiber::sync::mutex mu;
  fiber::sync::wait_group group;
  group.add(fibers);
  for (int f = 0; f < fibers; ++f) {
    fiber::go(pool, [&] {
      for (int r = 0; r < rounds; ++r) {
        fiber::switch_to(serial);
        ++counter;
        fiber::switch_to(pool);
        mu.lock();  // contended: may suspend (outside the strand)
        mu.unlock();
      }
      group.done();
    });
  }
  group.wait();
  pool.wait_idle();
  EXPECT_EQ(counter, fibers * rounds);
}

}  // namespace
