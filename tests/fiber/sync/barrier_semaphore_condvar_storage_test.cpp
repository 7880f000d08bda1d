// Storage tests of the barrier, the semaphore and the condition variable: the primitive is
// on the heap and freed the moment a wait returns; the waker must not touch it after the
// store or unlock that let the waiter go (ASAN catches it in the asan / faulty-asan presets).
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/barrier.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/event.hpp>
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
  options.name = "sync2-storage";
  return options;
}

// Three parties (two fibers, a plain thread); the first one out of the barrier frees it,
// while the last arriver may still be waking the others (BR.BAR2).
TEST(Sync2Storage, BarrierFreedByTheFirstPartyOut) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t) {
    auto* sync = new fiber::sync::barrier(3);
    std::atomic<int> out{0};
    fiber::sync::wait_group fibers;
    auto party = [sync, &out] {
      sync->arrive_and_wait();
      if (out.fetch_add(1) == 0) delete sync;
    };
    fibers.add(2);
    for (int f = 0; f < 2; ++f) {
      fiber::go(pool, [&] {
        party();
        fibers.done();
      });
    }
    std::thread plain(party);
    plain.join();
    fibers.wait();
  });
}

// A fiber's acquire waits; a fiber or a thread releases; the acquirer frees the semaphore as
// soon as acquire() returns (SM.SEM4).
TEST(Sync2Storage, SemaphoreFreedRightAfterAcquire) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    auto sem = std::make_unique<fiber::sync::semaphore>(0);
    fiber::sync::semaphore* raw = sem.get();
    fiber::sync::event finished;
    fiber::go(pool, [&] {
      sem->acquire();
      sem.reset();  // release() may still be running
      finished.fire();
    });
    std::thread releaser;
    if (i % 2 == 0) {
      fiber::go(pool, [raw] { raw->release(); });
    } else {
      releaser = std::thread([raw] { raw->release(); });
    }
    finished.wait();
    if (releaser.joinable()) releaser.join();
  });
}

// A waiter (fiber or thread) is the only one on a condition variable; the notifier sees it
// enqueued (under the mutex), unlocks, notifies; the waiter frees the condition variable as
// soon as its wait returns (FCV.CV2).
TEST(Sync2Storage, ConditionVariableFreedRightAfterWait) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    fiber::sync::mutex mu;
    auto cv = std::make_unique<fiber::sync::condition_variable>();
    fiber::sync::condition_variable* raw = cv.get();
    bool waiting = false;  // guarded by mu: the waiter is enqueued on *cv
    fiber::sync::event finished;
    auto waiter = [&] {
      std::unique_lock lock(mu);
      waiting = true;
      cv->wait(lock);  // no spurious wakeups: returns through the notify below only
      lock.unlock();
      cv.reset();  // notify_one() may still be running
      finished.fire();
    };
    std::thread waiting_thread;
    if (i % 2 == 0) {
      fiber::go(pool, waiter);
    } else {
      waiting_thread = std::thread(waiter);
    }
    fiber::go(pool, [&, raw] {
      while (true) {
        std::unique_lock lock(mu);
        if (waiting) break;
        lock.unlock();
        fiber::yield();
      }
      raw->notify_one();  // after the unlock: the waiter may run (and free *raw) at once
    });
    finished.wait();
    if (waiting_thread.joinable()) waiting_thread.join();
  });
}

}  // namespace
