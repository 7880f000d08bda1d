// Model tests of the barrier, the semaphore and the condition variable: explored by the
// simulator in sim builds, stress-repeated on real threads in std and faulty builds. A lost
// wakeup shows up as a deadlock, a missing happens-before as a data race on a twist::shared
// cell, a waker touching a freed primitive as a use-after-free of simulated memory.
#include <memory>
#include <mutex>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/barrier.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/semaphore.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

namespace {

constexpr int kParties = 3;
constexpr int kRounds = 2;

// Three parties (two fibers, the test thread) meet twice. Each writes its own plain cell
// before arriving and reads everyone's after: a barrier that lets a party through early
// reads a missing write (or races with it). The completion counts generations, between the
// last arrival and the first release. The barrier lives on the heap and the test thread
// frees it right after its last arrive_and_wait(), while the last arriver may still be
// waking the others.
TEST(Sync2Model, BarrierGenerations) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      twist::shared<int> cells[kRounds][kParties] = {};
      twist::shared<int> generations{0};
      auto count_generation = [&]() noexcept { generations.write(generations.read() + 1); };
      auto sync = std::make_unique<fiber::sync::barrier<decltype(count_generation)>>(
          kParties, count_generation);
      auto* raw = sync.get();
      fiber::sync::wait_group fibers;
      auto party = [&, raw](int p) {
        for (int round = 0; round < kRounds; ++round) {
          cells[round][p].write(1);
          raw->arrive_and_wait();
          SPINDLE_VERIFY(generations.read() == round + 1, "released before the completion");
          for (int q = 0; q < kParties; ++q) {
            SPINDLE_VERIFY(cells[round][q].read() == 1, "released before everyone arrived");
          }
        }
      };
      fibers.add(kParties - 1);
      for (int p = 1; p < kParties; ++p) {
        fiber::go(pool, [&, p] {
          party(p);
          fibers.done();
        });
      }
      party(0);
      sync.reset();  // the other parties may still be waking (BR.BAR2)
      fibers.wait();
      pool.stop();
    });
  }
}

// A one-permit semaphore used as a mutex by two fibers and a plain thread: the counter is a
// plain cell, so two holders at once, or a hand-off without happens-before, is a data race.
TEST(Sync2Model, SemaphoreAsMutex) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::semaphore sem(1, 1);
      fiber::sync::wait_group fibers;
      twist::shared<int> counter{0};
      auto work = [&] {
        for (int i = 0; i < 2; ++i) {
          sem.acquire();
          counter.write(counter.read() + 1);
          sem.release();
        }
      };
      fibers.add(2);
      for (int f = 0; f < 2; ++f) {
        fiber::go(pool, [&] {
          work();
          fibers.done();
        });
      }
      twist::thread plain(work);
      plain.join();
      fibers.wait();
      SPINDLE_VERIFY(sem.try_acquire(), "a permit was lost");
      SPINDLE_VERIFY(counter.read() == 6, "an increment was lost");
      SPINDLE_VERIFY(!sem.try_acquire(), "a permit was made up");
      sem.release();
      pool.stop();
    });
  }
}

// Two permits, released at once by release(2) to three acquirers (two fibers, a plain
// thread) that queue up in any order: never more than two inside, every permit comes back,
// none is made up.
TEST(Sync2Model, SemaphorePermitsNeverExceeded) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::semaphore sem(0);
      fiber::sync::wait_group fibers;
      twist::atomic<int> inside{0};
      twist::shared<int> entries[3] = {};
      auto work = [&](int who) {
        sem.acquire();
        SPINDLE_VERIFY(inside.fetch_add(1) < 2, "more holders than permits");
        entries[who].write(entries[who].read() + 1);
        inside.fetch_sub(1);
        sem.release();
      };
      fibers.add(2);
      for (int f = 0; f < 2; ++f) {
        fiber::go(pool, [&, f] {
          work(f);
          fibers.done();
        });
      }
      twist::thread plain([&] { work(2); });
      sem.release(2);
      plain.join();
      fibers.wait();
      for (const auto& e : entries) SPINDLE_VERIFY(e.read() == 1, "an acquirer did not run once");
      SPINDLE_VERIFY(sem.try_acquire() && sem.try_acquire(), "a permit was lost");
      SPINDLE_VERIFY(!sem.try_acquire(), "a permit was made up");
      pool.stop();
    });
  }
}

// Producer/consumer: a plain thread produces two items, notifying once under the mutex and
// once after unlocking it; two fiber consumers wait with a predicate. A notify that misses a
// waiter that is about to sleep deadlocks the run.
TEST(Sync2Model, ConditionVariableProducerConsumer) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::mutex mu;
      fiber::sync::condition_variable nonempty;
      fiber::sync::wait_group consumers;
      twist::shared<int> items{0};     // guarded by mu
      twist::shared<int> consumed{0};  // guarded by mu
      consumers.add(2);
      for (int c = 0; c < 2; ++c) {
        fiber::go(pool, [&] {
          std::unique_lock lock(mu);
          nonempty.wait(lock, [&] { return items.read() > 0; });
          items.write(items.read() - 1);
          consumed.write(consumed.read() + 1);
          lock.unlock();
          consumers.done();
        });
      }
      twist::thread producer([&] {
        {
          std::lock_guard guard(mu);
          items.write(items.read() + 1);
          nonempty.notify_one();  // under the mutex
        }
        {
          std::lock_guard guard(mu);
          items.write(items.read() + 1);
        }
        nonempty.notify_one();  // after the unlock: races the consumer's wait
      });
      producer.join();
      consumers.wait();
      {
        std::lock_guard guard(mu);
        SPINDLE_VERIFY(items.read() == 0 && consumed.read() == 2, "an item was lost");
      }
      pool.stop();
    });
  }
}

// notify_all() races a fiber's and the test thread's wait; the condition variable lives on
// the heap and the test thread frees it right after its wait returned (FCV.CV2) — the broadcast
// may still be waking the fiber. A second condition variable tells the notifier when both
// have enqueued (each holds the mutex from counting itself until its wait enqueued it).
TEST(Sync2Model, ConditionVariableNotifyAllRacesWait) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::mutex mu;
      auto cv = std::make_unique<fiber::sync::condition_variable>();
      auto* raw = cv.get();
      fiber::sync::condition_variable both_waiting;
      fiber::sync::wait_group fiber_done;
      twist::shared<bool> ready{false};  // guarded by mu
      twist::shared<int> waiting{0};     // guarded by mu: how many wait on *cv
      auto arrive = [&] {
        waiting.write(waiting.read() + 1);
        both_waiting.notify_one();
      };
      fiber_done.add(1);
      fiber::go(pool, [&, raw] {
        std::unique_lock lock(mu);
        arrive();
        raw->wait(lock, [&] { return ready.read(); });
        lock.unlock();
        fiber_done.done();
      });
      twist::thread notifier([&, raw] {
        {
          std::unique_lock lock(mu);
          both_waiting.wait(lock, [&] { return waiting.read() == 2; });
          ready.write(true);
        }
        // The test thread's wait returns only through this notify (no spurious wakeups), so
        // this is the last use of *cv it must survive.
        raw->notify_all();
      });
      {
        std::unique_lock lock(mu);
        arrive();
        raw->wait(lock);  // one wait, no predicate: returns only when notified
        SPINDLE_VERIFY(ready.read(), "woken without a notify");
      }
      cv.reset();  // notify_all may still be waking the fiber (FCV.CV2)
      fiber_done.wait();
      notifier.join();
      pool.stop();
    });
  }
}

}  // namespace
