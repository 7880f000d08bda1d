// Unit tests of the fiber sync primitives and the waiter, from fibers (manual executor: the
// order is deterministic) and from plain threads.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/sync/waiter.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

TEST(Waiter, WakeBeforeParkReturnsAtOnceOnAThread) {
  fiber::sync::waiter w;
  w.wake();
  EXPECT_TRUE(w.notified());
  w.park();
}

TEST(Waiter, ParkedThreadIsWoken) {
  fiber::sync::waiter w;
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    w.wake();
  });
  w.park();
  EXPECT_TRUE(w.notified());
  waker.join();
}

TEST(Waiter, ParkedFiberIsResumedThroughItsExecutor) {
  exec::manual_executor manual;
  fiber::sync::waiter w;
  bool done = false;
  fiber::go(manual, [&] {
    w.park();
    done = true;
  });
  manual.drain();
  EXPECT_FALSE(done);
  EXPECT_TRUE(manual.empty());
  w.wake();
  EXPECT_EQ(manual.size(), 1u);
  manual.drain();
  EXPECT_TRUE(done);
}

TEST(Mutex, UncontendedLockUnlockAndTryLock) {
  fiber::sync::mutex mu;
  mu.lock();
  EXPECT_FALSE(mu.try_lock());
  mu.unlock();
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

TEST(Mutex, WaitingFibersGetTheMutexInFifoOrder) {
  exec::manual_executor manual;
  fiber::sync::mutex mu;
  std::vector<int> order;
  mu.lock();  // held by the test thread
  for (int i = 0; i < 3; ++i) {
    fiber::go(manual, [&, i] {
      mu.lock();
      order.push_back(i);
      fiber::yield();  // holding it across a yield: the others stay queued
      mu.unlock();
    });
  }
  manual.drain();
  EXPECT_TRUE(order.empty());
  EXPECT_FALSE(mu.try_lock());  // waiters queued: no barging
  mu.unlock();                  // hand-off to fiber 0
  manual.drain();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

TEST(Mutex, FiberAndThreadContend) {
  exec::fast_pool pool([] {
    exec::pool_options o;
    o.workers = 2;
    return o;
  }());
  fiber::sync::mutex mu;
  fiber::sync::wait_group group;
  long counter = 0;
  constexpr int kRounds = 2000;
  group.add(2);
  for (int f = 0; f < 2; ++f) {
    fiber::go(pool, [&] {
      for (int i = 0; i < kRounds; ++i) {
        mu.lock();
        ++counter;
        mu.unlock();
      }
      group.done();
    });
  }
  std::thread plain([&] {
    for (int i = 0; i < kRounds; ++i) {
      mu.lock();
      ++counter;
      mu.unlock();
    }
  });
  plain.join();
  group.wait();
  EXPECT_EQ(counter, 3L * kRounds);
}

TEST(Event, WaitAfterFireReturnsAtOnce) {
  fiber::sync::event e;
  EXPECT_FALSE(e.is_fired());
  e.fire();
  EXPECT_TRUE(e.is_fired());
  e.wait();
  e.fire();  // idempotent
}

TEST(Event, FireWakesEveryWaitingFiberAndThread) {
  exec::manual_executor manual;
  fiber::sync::event e;
  int woken = 0;
  for (int i = 0; i < 3; ++i) {
    fiber::go(manual, [&] {
      e.wait();
      ++woken;
    });
  }
  manual.drain();
  std::atomic<bool> thread_woken{false};
  std::thread plain([&] {
    e.wait();
    thread_woken = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(woken, 0);
  EXPECT_FALSE(thread_woken.load());
  e.fire();
  plain.join();
  EXPECT_TRUE(thread_woken.load());
  manual.drain();
  EXPECT_EQ(woken, 3);
}

TEST(WaitGroup, WaitWithNothingOutstandingReturns) {
  fiber::sync::wait_group group;
  group.wait();
  group.add(2);
  group.done();
  group.done();
  group.wait();
}

TEST(WaitGroup, FiberWaitsForFibersAndIsReusable) {
  exec::manual_executor manual;
  fiber::sync::wait_group group;
  std::vector<int> log;
  fiber::go(manual, [&] {
    for (int round = 0; round < 2; ++round) {
      group.add(2);
      for (int i = 0; i < 2; ++i) {
        fiber::go(manual, [&, i] {
          fiber::yield();
          log.push_back(i);
          group.done();
        });
      }
      group.wait();
      log.push_back(100 + round);
    }
  });
  manual.drain();
  EXPECT_EQ(log, (std::vector<int>{0, 1, 100, 0, 1, 101}));
}

TEST(WaitGroup, AddWhileAWaiterWaits) {
  exec::manual_executor manual;
  fiber::sync::wait_group group;
  bool waited = false;
  group.add(1);
  fiber::go(manual, [&] {
    group.wait();
    waited = true;
  });
  manual.drain();
  group.add(1);
  group.done();
  manual.drain();
  EXPECT_FALSE(waited);
  group.done();
  manual.drain();
  EXPECT_TRUE(waited);
}

}  // namespace
