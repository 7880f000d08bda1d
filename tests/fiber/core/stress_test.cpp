// Stress tests: many fibers on a two-worker fast pool (and plain threads beside them), each
// within the SPINDLE_STRESS_SECONDS budget. A lost wakeup hangs (the ctest timeout catches
// it), a broken mutex loses increments, a broken wait_group returns early.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>

#include "stress.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;
using namespace std::chrono_literals;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "fiber-stress";
  return options;
}

TEST(FiberStress, MutexCounter) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(1000, [&](std::size_t) {
    fiber::sync::mutex mu;
    fiber::sync::wait_group group;
    long counter = 0;
    constexpr int kFibers = 16;
    constexpr int kRounds = 200;
    group.add(kFibers);
    for (int f = 0; f < kFibers; ++f) {
      fiber::go(pool, [&] {
        for (int i = 0; i < kRounds; ++i) {
          std::lock_guard guard(mu);
          ++counter;
          if (i % 16 == 0) fiber::yield();  // holding the mutex across a switch
        }
        group.done();
      });
    }
    std::thread plain([&] {
      for (int i = 0; i < kRounds; ++i) {
        std::lock_guard guard(mu);
        ++counter;
      }
    });
    plain.join();
    group.wait();
    std::lock_guard guard(mu);
    ASSERT_EQ(counter, long{kFibers + 1} * kRounds);
  });
}

TEST(FiberStress, WaitGroupRounds) {
  exec::fast_pool pool(two_workers());
  fiber::sync::wait_group group;  // one group, reused every round
  test::repeat_within_budget(5000, [&](std::size_t) {
    std::atomic<int> done{0};
    constexpr int kFibers = 8;
    group.add(kFibers);
    for (int f = 0; f < kFibers; ++f) {
      fiber::go(pool, [&] {
        fiber::yield();
        done.fetch_add(1, std::memory_order_relaxed);
        group.done();
      });
    }
    group.wait();
    ASSERT_EQ(done.load(std::memory_order_relaxed), kFibers);
  });
}

TEST(FiberStress, EventFireRacesWaits) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(5000, [&](std::size_t) {
    fiber::sync::event ready;
    fiber::sync::wait_group group;
    int payload = 0;
    constexpr int kWaiters = 6;
    group.add(kWaiters);
    for (int f = 0; f < kWaiters; ++f) {
      fiber::go(pool, [&] {
        ready.wait();
        EXPECT_EQ(payload, 42);
        group.done();
      });
    }
    payload = 42;
    ready.fire();
    group.wait();
  });
}

TEST(FiberStress, YieldStorm) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(200, [&](std::size_t) {
    fiber::sync::wait_group group;
    std::atomic<long> yields{0};
    constexpr int kFibers = 64;
    constexpr int kYields = 50;
    group.add(kFibers);
    for (int f = 0; f < kFibers; ++f) {
      fiber::go(pool, [&] {
        for (int i = 0; i < kYields; ++i) {
          fiber::yield();
          yields.fetch_add(1, std::memory_order_relaxed);
        }
        group.done();
      });
    }
    group.wait();
    ASSERT_EQ(yields.load(), long{kFibers} * kYields);
  });
}

TEST(FiberStress, SleepForAndSwitchTo) {
  exec::fast_pool pool(two_workers());
  exec::fast_pool other(two_workers());
  fiber::timer_service timers;
  fiber::options opts;
  opts.timers = &timers;
  test::repeat_within_budget(50, [&](std::size_t) {
    fiber::sync::wait_group group;
    constexpr int kFibers = 32;
    group.add(kFibers);
    for (int f = 0; f < kFibers; ++f) {
      fiber::go(pool, [&, f] {
        fiber::sleep_for(std::chrono::microseconds(100 * (f % 5)));
        fiber::switch_to(f % 2 == 0 ? other : pool);
        fiber::sleep_for(std::chrono::microseconds(50));
        group.done();
      }, opts);
    }
    group.wait();
  });
  timers.stop();
}

}  // namespace
