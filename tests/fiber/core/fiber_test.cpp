// Unit tests of fibers: spawning, yield, switch_to, sleep_for, identity, failures, stacks — on
// the manual executor (deterministic) and on the fast pool.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/context/stack_pool.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/stack_allocator.hpp>
#include <spindle/fiber/suspend.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/twist/clock.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace context = spindle::context;
using namespace std::chrono_literals;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "fiber-test";
  return options;
}

TEST(Fiber, RunsOnItsExecutorWhenTheExecutorRunsIt) {
  exec::manual_executor manual;
  bool ran = false;
  bool was_fiber = false;
  fiber::go(manual, [&] {
    ran = true;
    was_fiber = fiber::is_fiber();
  });
  EXPECT_FALSE(ran);
  EXPECT_EQ(manual.size(), 1u);
  manual.drain();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(was_fiber);
  EXPECT_FALSE(fiber::is_fiber());
}

TEST(Fiber, YieldLetsOthersRunInFifoOrder) {
  exec::manual_executor manual;
  std::vector<std::string> log;
  for (const char* name : {"a", "b"}) {
    fiber::go(manual, [&log, name] {
      for (int i = 0; i < 3; ++i) {
        log.push_back(std::string(name) + std::to_string(i));
        fiber::yield();
      }
    });
  }
  manual.drain();
  EXPECT_EQ(log, (std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

TEST(Fiber, YieldResubmitsOneTaskPerResume) {
  exec::manual_executor manual;
  int steps = 0;
  fiber::go(manual, [&] {
    for (int i = 0; i < 5; ++i) fiber::yield();
  });
  while (manual.run_next()) {
    ++steps;
    EXPECT_LE(manual.size(), 1u);
  }
  EXPECT_EQ(steps, 6);  // the first step, then one per yield
}

TEST(Fiber, IdAndNameIdentifyTheFiber) {
  exec::manual_executor manual;
  std::uint64_t first = 0;
  std::uint64_t second = 0;
  std::string name;
  fiber::options opts;
  opts.name = "parser";
  fiber::go(manual, [&] {
    first = fiber::this_fiber::id();
    name = std::string(fiber::this_fiber::name());
  }, opts);
  fiber::go(manual, [&] { second = fiber::this_fiber::id(); });
  manual.drain();
  EXPECT_NE(first, 0u);
  EXPECT_NE(first, second);
  EXPECT_EQ(name, "parser");
}

TEST(Fiber, LongNamesAreTruncated) {
  exec::manual_executor manual;
  std::string name;
  fiber::options opts;
  const std::string long_name(100, 'x');
  opts.name = long_name;
  fiber::go(manual, [&] { name = std::string(fiber::this_fiber::name()); }, opts);
  manual.drain();
  EXPECT_EQ(name, std::string(fiber::options::max_name_length, 'x'));
}

TEST(Fiber, SwitchToContinuesOnTheOtherExecutor) {
  exec::manual_executor first;
  exec::manual_executor second;
  std::vector<int> log;
  fiber::go(first, [&] {
    log.push_back(1);
    fiber::switch_to(second);
    log.push_back(2);
    EXPECT_EQ(exec::current_executor(), &second);
    fiber::yield();  // stays on `second`
    log.push_back(3);
  });
  first.drain();
  EXPECT_EQ(log, (std::vector<int>{1}));
  EXPECT_TRUE(first.empty());
  second.drain();
  EXPECT_EQ(log, (std::vector<int>{1, 2, 3}));
}

TEST(Fiber, SuspendCallsAfterSwitchOffTheFibersStackAndResumeContinues) {
  exec::manual_executor manual;
  fiber::handle parked;
  bool in_fiber_during_callback = true;
  int stage = 0;
  fiber::go(manual, [&] {
    stage = 1;
    fiber::detail::suspend([&](fiber::handle h) {
      in_fiber_during_callback = fiber::is_fiber();
      parked = h;
    });
    stage = 2;
  });
  manual.drain();
  EXPECT_EQ(stage, 1);
  EXPECT_FALSE(in_fiber_during_callback);
  ASSERT_TRUE(parked.valid());
  EXPECT_TRUE(manual.empty());
  parked.resume();
  EXPECT_EQ(manual.size(), 1u);
  manual.drain();
  EXPECT_EQ(stage, 2);
}

TEST(Fiber, ExceptionsGoToTheFailureHandler) {
  static std::atomic<int> failures{0};
  static std::string what;
  failures = 0;
  exec::manual_executor manual;
  fiber::options opts;
  opts.name = "thrower";
  opts.on_failure = [](const fiber::failure& f) noexcept {
    failures.fetch_add(1);
    try {
      std::rethrow_exception(f.error);
    } catch (const std::runtime_error& e) {
      what = std::string(f.name) + ": " + e.what();
    }
  };
  fiber::go(manual, [] {
    fiber::yield();
    throw std::runtime_error("boom");
  }, opts);
  manual.drain();
  EXPECT_EQ(failures.load(), 1);
  EXPECT_EQ(what, "thrower: boom");
}

TEST(Fiber, GoOnAStoppedExecutorThrowsAndLeavesNothing) {
  exec::manual_executor manual;
  manual.stop();
  EXPECT_THROW(fiber::go(manual, [] {}), exec::executor_stopped);
  EXPECT_TRUE(manual.empty());
}

class counting_stacks final : public fiber::stack_allocator {
 public:
  context::stack allocate(std::size_t size) override {
    ++allocated;
    return pool.stack_size() == context::stack::rounded_size(size) ? pool.acquire()
                                                                    : context::stack(size);
  }
  void deallocate(context::stack idle) noexcept override {
    ++deallocated;
    if (idle.size() == pool.stack_size()) pool.release(std::move(idle));
  }
  context::stack_pool pool;
  int allocated = 0;
  int deallocated = 0;
};

TEST(Fiber, StacksComeFromAndGoBackToTheAllocator) {
  counting_stacks stacks;
  exec::manual_executor manual;
  fiber::options opts;
  opts.stacks = &stacks;
  for (int i = 0; i < 3; ++i) fiber::go(manual, [] { fiber::yield(); }, opts);
  EXPECT_EQ(stacks.allocated, 3);
  EXPECT_EQ(stacks.deallocated, 0);
  manual.drain();
  EXPECT_EQ(stacks.deallocated, 3);
  EXPECT_EQ(stacks.pool.num_cached(), 3u);
  fiber::go(manual, [] {}, opts);  // reuses a cached stack
  EXPECT_EQ(stacks.pool.num_cached(), 2u);
  manual.drain();
}

TEST(Fiber, BigStacksAndDeepFrames) {
  exec::manual_executor manual;
  fiber::options opts;
  opts.stack_size = 1024 * 1024;
  int sum = 0;
  fiber::go(manual, [&] {
    volatile char buffer[512 * 1024];
    buffer[0] = 1;
    buffer[sizeof buffer - 1] = 2;
    sum = buffer[0] + buffer[sizeof buffer - 1];
  }, opts);
  manual.drain();
  EXPECT_EQ(sum, 3);
}

TEST(Fiber, SleepForSuspendsWithoutBlockingTheWorker) {
  fiber::timer_service timers;
  exec::fast_pool pool([] {
    exec::pool_options o = two_workers();
    o.workers = 1;
    return o;
  }());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group group;
  std::atomic<bool> other_ran_while_sleeping{false};
  std::atomic<bool> sleeping{false};
  group.add(2);
  const auto start = spindle::twist::steady_clock::now();
  fiber::go(pool, [&] {
    sleeping = true;
    fiber::sleep_for(30ms);
    sleeping = false;
    group.done();
  }, opts);
  fiber::go(pool, [&] {
    while (!sleeping.load()) fiber::yield();
    other_ran_while_sleeping = sleeping.load();  // the one worker is free while the first sleeps
    group.done();
  }, opts);
  group.wait();
  EXPECT_GE(spindle::twist::steady_clock::now() - start, 30ms);
  EXPECT_TRUE(other_ran_while_sleeping.load());
  timers.stop();
}

TEST(Fiber, SleepsEndInDeadlineOrder) {
  fiber::timer_service timers;
  exec::fast_pool pool(two_workers());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group group;
  std::atomic<int> order{0};
  int woke_at[3] = {};
  // Deadlines far apart: the order is the timer service's, but each fiber records it only once
  // a worker runs it again, and on a loaded machine that can lag by tens of milliseconds.
  const std::chrono::milliseconds delays[3] = {300ms, 10ms, 150ms};
  group.add(3);
  for (int i = 0; i < 3; ++i) {
    fiber::go(pool, [&, i] {
      fiber::sleep_for(delays[i]);
      woke_at[i] = order.fetch_add(1);
      group.done();
    }, opts);
  }
  group.wait();
  EXPECT_EQ(woke_at[1], 0);
  EXPECT_EQ(woke_at[2], 1);
  EXPECT_EQ(woke_at[0], 2);
}

TEST(Fiber, TimerServiceIsInheritedByFibersSpawnedFromAFiber) {
  fiber::timer_service timers;
  exec::fast_pool pool(two_workers());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group group;
  group.add(1);
  fiber::go(pool, [&] {
    fiber::go(pool, [&] {
      fiber::sleep_for(1ms);
      group.done();
    });
  }, opts);
  group.wait();
}

TEST(Fiber, StopEndsPendingSleepsEarly) {
  // The manual executor makes it deterministic: drain() runs the fiber up to its sleep (its
  // entry is in the heap when drain returns); stop() resumes it from the timer thread, which
  // only submits to `manual` while this thread is blocked in stop()'s join.
  exec::manual_executor manual;
  bool woke = false;
  {
    fiber::timer_service timers;
    fiber::options opts;
    opts.timers = &timers;
    fiber::go(manual, [&] {
      fiber::sleep_for(1h);
      woke = true;
    }, opts);
    manual.drain();
    EXPECT_FALSE(woke);
  }  // ~timer_service: stop()
  EXPECT_EQ(manual.size(), 1u);
  manual.drain();
  EXPECT_TRUE(woke);
}

TEST(Fiber, ManyFibersOnTheFastPool) {
  exec::fast_pool pool(two_workers());
  fiber::sync::wait_group group;
  std::atomic<int> done{0};
  constexpr int kFibers = 200;
  group.add(kFibers);
  for (int i = 0; i < kFibers; ++i) {
    fiber::go(pool, [&] {
      for (int k = 0; k < 5; ++k) fiber::yield();
      done.fetch_add(1);
      group.done();
    });
  }
  group.wait();
  EXPECT_EQ(done.load(), kFibers);
}

}  // namespace
