// Storage tests: a primitive is destroyed (heap, freed) the moment its wait returns; the
// waker must not touch it after the store that let the waiter go (ASAN catches it in the
// asan / faulty-asan presets).
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

#include "stress.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "fiber-storage";
  return options;
}

TEST(FiberStorage, EventFreedRightAfterWait) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    auto e = std::make_unique<fiber::sync::event>();
    fiber::sync::event* raw = e.get();
    std::thread waker;
    if (i % 2 == 0) {
      fiber::go(pool, [raw] { raw->fire(); });
    } else {
      waker = std::thread([raw] { raw->fire(); });
    }
    e->wait();
    e.reset();  // fire() may still be running
    if (waker.joinable()) waker.join();
  });
}

TEST(FiberStorage, WaitGroupFreedRightAfterWaitInAFiber) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t) {
    fiber::sync::event finished;
    fiber::go(pool, [&] {
      auto group = std::make_unique<fiber::sync::wait_group>();
      fiber::sync::wait_group* raw = group.get();
      raw->add(2);
      for (int k = 0; k < 2; ++k) fiber::go(pool, [raw] { raw->done(); });
      group->wait();
      group.reset();
      finished.fire();
    });
    finished.wait();
  });
}

TEST(FiberStorage, MutexFreedByTheOwnerItWasHandedTo) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t) {
    auto mu = std::make_unique<fiber::sync::mutex>();
    fiber::sync::mutex* raw = mu.get();
    fiber::sync::event finished;
    raw->lock();
    fiber::go(pool, [&, raw] {
      raw->lock();    // waits: handed over by the unlock below
      raw->unlock();
      mu.reset();     // the unlocker may still be inside unlock()
      finished.fire();
    });
    raw->unlock();
    finished.wait();
  });
}

}  // namespace
