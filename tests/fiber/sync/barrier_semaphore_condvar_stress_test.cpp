// Stress tests of the barrier, the semaphore and the condition variable: many fibers on a
// two-worker fast pool and a plain thread beside them, each within the SPINDLE_STRESS_SECONDS
// budget. A lost wakeup hangs (the ctest timeout catches it), a barrier that lets a party
// through early or a semaphore that makes up a permit fails a check, and the sanitizers
// (faulty-tsan, std-tsan) see a missing happens-before as a data race on plain memory.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/barrier.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/semaphore.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

#include "stress.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "sync2-stress";
  return options;
}

// 8 fibers and the test thread go through one barrier for many generations; each writes its
// own plain cell of the round before arriving and checks every cell (and the completion's
// generation count) after.
TEST(Sync2Stress, BarrierGenerations) {
  exec::fast_pool pool(two_workers());
  constexpr int kFibers = 8;
  constexpr int kParties = kFibers + 1;
  constexpr int kRounds = 50;
  test::repeat_within_budget(200, [&](std::size_t) {
    int generations = 0;  // written by the completion only
    fiber::sync::barrier sync(kParties, [&]() noexcept { ++generations; });
    std::vector<int> cells(kParties * kRounds, 0);
    std::atomic<int> mismatches{0};
    auto party = [&](int p) {
      for (int round = 0; round < kRounds; ++round) {
        cells[round * kParties + p] = 1;
        sync.arrive_and_wait();
        if (generations != round + 1) mismatches.fetch_add(1, std::memory_order_relaxed);
        for (int q = 0; q < kParties; ++q) {
          if (cells[round * kParties + q] != 1) mismatches.fetch_add(1, std::memory_order_relaxed);
        }
        if (round % 8 == p % 8) fiber::is_fiber() ? fiber::yield() : std::this_thread::yield();
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
    party(0);
    group.wait();
    ASSERT_EQ(mismatches.load(), 0);
    ASSERT_EQ(generations, kRounds);
  });
}

// 16 fibers and the test thread share 3 permits, some taking two and giving both back with
// one release(2): never more than 3 held, and all 3 free at the end.
TEST(Sync2Stress, SemaphorePermits) {
  exec::fast_pool pool(two_workers());
  constexpr int kPermits = 3;
  constexpr int kFibers = 16;
  constexpr int kRounds = 100;
  test::repeat_within_budget(500, [&](std::size_t) {
    fiber::sync::semaphore sem(kPermits, kPermits);
    fiber::sync::mutex pairs;  // held while taking two permits
    std::atomic<int> held{0};
    std::atomic<int> too_many{0};
    auto work = [&](int who) {
      for (int i = 0; i < kRounds; ++i) {
        const int take = (who + i) % 5 == 0 ? 2 : 1;
        if (take == 1) {
          sem.acquire();
        } else {
          // Two acquires are not one: two takers holding one permit each could wait for each
          // other forever. One taker of two at a time cannot deadlock (3 permits).
          std::lock_guard guard(pairs);
          sem.acquire();
          sem.acquire();
        }
        if (held.fetch_add(take) + take > kPermits) too_many.fetch_add(1);
        if (i % 16 == 0 && fiber::is_fiber()) fiber::yield();  // holding permits across a switch
        held.fetch_sub(take);
        sem.release(static_cast<std::uint32_t>(take));
      }
    };
    fiber::sync::wait_group group;
    group.add(kFibers);
    for (int f = 0; f < kFibers; ++f) {
      fiber::go(pool, [&, f] {
        work(f);
        group.done();
      });
    }
    work(kFibers);
    group.wait();
    ASSERT_EQ(too_many.load(), 0);
    for (int k = 0; k < kPermits; ++k) ASSERT_TRUE(sem.try_acquire());
    ASSERT_FALSE(sem.try_acquire());
  });
}

// A bounded queue on a mutex and two condition variables: 8 fiber producers and the test
// thread produce, 8 fiber consumers consume; notify_one after unlocking and notify_all under
// the mutex alternate. Every item arrives exactly once.
TEST(Sync2Stress, ConditionVariableBoundedQueue) {
  exec::fast_pool pool(two_workers());
  constexpr int kCapacity = 3;
  constexpr int kProducers = 8;  // plus the test thread
  constexpr int kConsumers = 8;
  constexpr int kItems = 100;    // per producer
  constexpr int kTotal = (kProducers + 1) * kItems;
  test::repeat_within_budget(200, [&](std::size_t) {
    fiber::sync::mutex mu;
    fiber::sync::condition_variable not_full;
    fiber::sync::condition_variable not_empty;
    std::vector<int> queue;  // guarded by mu
    int taken = 0;           // guarded by mu: items claimed by consumers
    std::atomic<long> sum{0};
    auto produce = [&](int who) {
      for (int i = 1; i <= kItems; ++i) {
        std::unique_lock lock(mu);
        not_full.wait(lock, [&] { return queue.size() < kCapacity; });
        queue.push_back(i);
        if ((who + i) % 2 == 0) {
          not_empty.notify_all();
        } else {
          lock.unlock();
          not_empty.notify_one();
        }
      }
    };
    fiber::sync::wait_group group;
    group.add(kProducers + kConsumers);
    for (int p = 0; p < kProducers; ++p) {
      fiber::go(pool, [&, p] {
        produce(p);
        group.done();
      });
    }
    for (int c = 0; c < kConsumers; ++c) {
      fiber::go(pool, [&] {
        while (true) {
          std::unique_lock lock(mu);
          not_empty.wait(lock, [&] { return !queue.empty() || taken == kTotal; });
          if (queue.empty()) break;  // everything was taken
          sum.fetch_add(queue.back(), std::memory_order_relaxed);
          queue.pop_back();
          if (++taken == kTotal) not_empty.notify_all();  // let the other consumers finish
          lock.unlock();
          not_full.notify_one();
        }
        group.done();
      });
    }
    produce(kProducers);
    group.wait();
    ASSERT_EQ(sum.load(), long{kProducers + 1} * kItems * (kItems + 1) / 2);
  });
}

}  // namespace
