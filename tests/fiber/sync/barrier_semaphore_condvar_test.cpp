// Unit tests of the barrier, the semaphore and the condition variable: from fibers on a
// manual executor (the order is deterministic), on a fast pool, and from plain threads.
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/barrier.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/semaphore.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "sync2-unit";
  return options;
}

// ---- barrier -------------------------------------------------------------------------------

TEST(Barrier, OnePartyNeverBlocksAndCompletesEveryTime) {
  int generations = 0;
  fiber::sync::barrier sync(1, [&]() noexcept { ++generations; });
  EXPECT_EQ(sync.parties(), 1u);
  sync.arrive_and_wait();
  sync.arrive_and_wait();
  EXPECT_EQ(generations, 2);
}

TEST(Barrier, ReleasesEveryoneWhenTheLastArrivesAfterTheCompletion) {
  exec::manual_executor manual;
  std::vector<int> log;  // -1: the completion; p: party p passed
  fiber::sync::barrier sync(3, [&]() noexcept { log.push_back(-1); });
  for (int p = 0; p < 2; ++p) {
    fiber::go(manual, [&, p] {
      sync.arrive_and_wait();
      log.push_back(p);
    });
  }
  manual.drain();
  EXPECT_TRUE(log.empty());  // two of three arrived: both parked
  EXPECT_TRUE(manual.empty());
  fiber::go(manual, [&] {
    sync.arrive_and_wait();  // the last arriver: runs the completion, wakes the others
    log.push_back(2);
  });
  manual.drain();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log.front(), -1);  // before anyone passed
  EXPECT_EQ(log[1], 2);        // the last arriver does not wait; the woken run after it
  EXPECT_EQ((std::vector<int>{log[2], log[3]}), (std::vector<int>{0, 1}));
}

TEST(Barrier, ReusableForManyGenerationsInLockStep) {
  exec::manual_executor manual;
  constexpr int kRounds = 5;
  int generations = 0;
  std::vector<int> seen[2];  // the generation count each party saw after each round
  fiber::sync::barrier sync(2, [&]() noexcept { ++generations; });
  for (int p = 0; p < 2; ++p) {
    fiber::go(manual, [&, p] {
      for (int round = 0; round < kRounds; ++round) {
        sync.arrive_and_wait();
        seen[p].push_back(generations);
        if (p == 0) fiber::yield();  // party 0 lags: party 1 must wait for it every round
      }
    });
  }
  manual.drain();
  EXPECT_EQ(generations, kRounds);
  const std::vector<int> expected{1, 2, 3, 4, 5};
  EXPECT_EQ(seen[0], expected);
  EXPECT_EQ(seen[1], expected);
}

TEST(Barrier, FibersAndAThreadOnAPool) {
  exec::fast_pool pool(two_workers());
  constexpr int kFibers = 4;
  constexpr int kParties = kFibers + 1;
  constexpr int kRounds = 200;
  int generations = 0;  // written by the completion only
  fiber::sync::barrier sync(kParties, [&]() noexcept { ++generations; });
  std::vector<int> cells(kParties * kRounds, 0);  // party p writes cell [round][p] only
  std::atomic<int> mismatches{0};
  auto party = [&](int p) {
    for (int round = 0; round < kRounds; ++round) {
      cells[round * kParties + p] = round + 1;
      sync.arrive_and_wait();
      if (generations != round + 1) mismatches.fetch_add(1);
      for (int q = 0; q < kParties; ++q) {
        if (cells[round * kParties + q] != round + 1) mismatches.fetch_add(1);
      }
    }
  };
  fiber::sync::wait_group group;
  group.add(kFibers);
  for (int p = 1; p <= kFibers; ++p) {
    fiber::go(pool, [&, p] {
      party(p);
      group.done();
    });
  }
  party(0);  // the test thread is a party: it parks on a futex
  group.wait();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(generations, kRounds);
}

// ---- semaphore -----------------------------------------------------------------------------

TEST(Semaphore, TryAcquireCountsPermits) {
  fiber::sync::semaphore sem(2);
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_FALSE(sem.try_acquire());
  sem.release(2);
  EXPECT_TRUE(sem.try_acquire());
  sem.acquire();  // a free permit: does not block
  EXPECT_FALSE(sem.try_acquire());
  sem.release(0);  // nothing
  EXPECT_FALSE(sem.try_acquire());
  EXPECT_EQ(sem.max(), fiber::sync::semaphore::default_max);
}

TEST(Semaphore, WaitersGetPermitsInFifoOrderAndNewcomersDoNotOvertake) {
  exec::manual_executor manual;
  fiber::sync::semaphore sem(0);
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) {
    fiber::go(manual, [&, i] {
      sem.acquire();
      order.push_back(i);
    });
  }
  manual.drain();
  EXPECT_TRUE(order.empty());
  sem.release();
  EXPECT_FALSE(sem.try_acquire());  // the permit went to waiter 0, not to a newcomer
  manual.drain();
  EXPECT_EQ(order, (std::vector<int>{0}));
  sem.release(4);  // two to the waiters, two left free
  manual.drain();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_FALSE(sem.try_acquire());
}

TEST(Semaphore, BinarySemaphoreBetweenAThreadAndAFiber) {
  exec::fast_pool pool(two_workers());
  fiber::sync::semaphore ping(0, 1);
  fiber::sync::semaphore pong(0, 1);
  constexpr int kRounds = 500;
  int turns = 0;  // written alternately by the fiber and the thread
  fiber::go(pool, [&] {
    for (int i = 0; i < kRounds; ++i) {
      ping.acquire();
      ++turns;
      pong.release();
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    ++turns;
    ping.release();
    pong.acquire();  // parks the thread on a futex
  }
  EXPECT_EQ(turns, 2 * kRounds);
}

TEST(Semaphore, NeverMoreHoldersThanPermitsOnAPool) {
  exec::fast_pool pool(two_workers());
  constexpr int kPermits = 3;
  constexpr int kFibers = 8;
  constexpr int kRounds = 200;
  fiber::sync::semaphore sem(kPermits);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  auto work = [&] {
    for (int i = 0; i < kRounds; ++i) {
      sem.acquire();
      const int now = inside.fetch_add(1) + 1;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      inside.fetch_sub(1);
      sem.release();
    }
  };
  fiber::sync::wait_group group;
  group.add(kFibers);
  for (int f = 0; f < kFibers; ++f) {
    fiber::go(pool, [&] {
      work();
      group.done();
    });
  }
  std::thread plain(work);
  plain.join();
  group.wait();
  EXPECT_LE(most.load(), kPermits);
  for (int i = 0; i < kPermits; ++i) EXPECT_TRUE(sem.try_acquire());
  EXPECT_FALSE(sem.try_acquire());
}

// ---- condition_variable --------------------------------------------------------------------

TEST(ConditionVariable, NotifyWithoutWaitersDoesNothing) {
  fiber::sync::condition_variable cv;
  cv.notify_one();
  cv.notify_all();
}

TEST(ConditionVariable, WaitWithATruePredicateReturnsAtOnce) {
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  std::unique_lock lock(mu);
  cv.wait(lock, [] { return true; });
  EXPECT_TRUE(lock.owns_lock());
}

TEST(ConditionVariable, NotifyOneWakesTheOldestAndNotifyAllTheRest) {
  exec::manual_executor manual;
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  std::vector<int> order;  // guarded by mu
  for (int i = 0; i < 3; ++i) {
    fiber::go(manual, [&, i] {
      std::unique_lock lock(mu);
      cv.wait(lock);  // no predicate: no spurious wakeups
      EXPECT_TRUE(lock.owns_lock());
      order.push_back(i);
    });
  }
  manual.drain();
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(mu.try_lock());  // every waiter released the mutex while it waits
  mu.unlock();
  cv.notify_one();
  manual.drain();
  EXPECT_EQ(order, (std::vector<int>{0}));
  cv.notify_all();
  manual.drain();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(ConditionVariable, WokenWaiterRetakesTheMutexBeforeReturning) {
  exec::manual_executor manual;
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  bool ready = false;  // guarded by mu
  bool done = false;
  fiber::go(manual, [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return ready; });
    done = true;
  });
  manual.drain();
  mu.lock();
  ready = true;
  cv.notify_one();  // under the mutex: the waiter wakes, then waits for the mutex
  manual.drain();
  EXPECT_FALSE(done);
  mu.unlock();  // hands the mutex to the waiter
  manual.drain();
  EXPECT_TRUE(done);
}

TEST(ConditionVariable, ThreadWaitsAndFiberNotifies) {
  exec::fast_pool pool(two_workers());
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  int value = 0;  // guarded by mu
  fiber::go(pool, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let the thread wait first
    {
      std::lock_guard guard(mu);
      value = 42;
    }
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return value != 0; });
  EXPECT_EQ(value, 42);
}

TEST(ConditionVariable, BoundedQueueBetweenFibersAndAThread) {
  exec::fast_pool pool(two_workers());
  constexpr int kCapacity = 2;
  constexpr int kProducers = 4;
  constexpr int kItems = 300;  // per producer
  fiber::sync::mutex mu;
  fiber::sync::condition_variable not_full;
  fiber::sync::condition_variable not_empty;
  std::vector<int> queue;  // guarded by mu
  long sum = 0;            // written by the consuming thread only
  fiber::sync::wait_group group;
  group.add(kProducers);
  for (int p = 0; p < kProducers; ++p) {
    fiber::go(pool, [&] {
      for (int i = 1; i <= kItems; ++i) {
        std::unique_lock lock(mu);
        not_full.wait(lock, [&] { return queue.size() < kCapacity; });
        queue.push_back(i);
        lock.unlock();
        not_empty.notify_one();
      }
      group.done();
    });
  }
  for (int n = 0; n < kProducers * kItems; ++n) {
    std::unique_lock lock(mu);
    not_empty.wait(lock, [&] { return !queue.empty(); });
    sum += queue.back();
    queue.pop_back();
    lock.unlock();
    not_full.notify_one();
  }
  group.wait();
  EXPECT_EQ(sum, long{kProducers} * kItems * (kItems + 1) / 2);
}

}  // namespace
