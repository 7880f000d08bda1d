// Model tests of fibers and their sync primitives: explored by the simulator in sim builds
// (the fast pool's rings are tiny there, workers park and steal), stress-repeated on real
// threads in std and faulty builds. A lost wakeup shows up as a deadlock, a broken hand-off
// as a data race on the twist::shared counter, a waker touching a freed primitive as a
// use-after-free of simulated memory.
#include <memory>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

namespace {

// Two fibers on two workers take turns on a mutex; the counter is plain memory, so a hand-off
// without happens-before is a data race.
TEST(FiberModel, MutexHandOffBetweenFibers) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::mutex mu;
      fiber::sync::wait_group group;
      twist::shared<int> counter{0};
      group.add(2);
      for (int f = 0; f < 2; ++f) {
        fiber::go(pool, [&] {
          for (int i = 0; i < 2; ++i) {
            mu.lock();
            counter.write(counter.read() + 1);
            mu.unlock();
          }
          group.done();
        });
      }
      group.wait();
      SPINDLE_VERIFY(counter.read() == 4, "a mutex increment was lost");
      pool.stop();
    });
  }
}

// A plain thread contends with a fiber: the thread parks on the waiter's futex, the fiber
// suspends; hand-off goes both ways.
TEST(FiberModel, MutexFiberAndPlainThread) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::mutex mu;
      fiber::sync::event fiber_done;
      twist::shared<int> counter{0};
      fiber::go(pool, [&] {
        for (int i = 0; i < 2; ++i) {
          mu.lock();
          counter.write(counter.read() + 1);
          mu.unlock();
        }
        fiber_done.fire();
      });
      twist::thread plain([&] {
        for (int i = 0; i < 2; ++i) {
          mu.lock();
          counter.write(counter.read() + 1);
          mu.unlock();
        }
      });
      plain.join();
      fiber_done.wait();
      mu.lock();
      SPINDLE_VERIFY(counter.read() == 4, "a mutex increment was lost");
      mu.unlock();
      pool.stop();
    });
  }
}

// One wait_group, two rounds: the second add() may race the first round's waker finishing.
// The group lives on the heap and is freed right after the last wait.
TEST(FiberModel, WaitGroupReuse) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      auto group = std::make_unique<fiber::sync::wait_group>();
      twist::shared<int> work{0};
      for (int round = 0; round < 2; ++round) {
        group->add(2);
        for (int f = 0; f < 2; ++f) {
          fiber::go(pool, [&, f] {
            if (f == 0) work.write(work.read() + 1);
            group->done();
          });
        }
        group->wait();
        SPINDLE_VERIFY(work.read() == round + 1, "wait() returned before the work was done");
      }
      group.reset();
      pool.stop();
    });
  }
}

// An add() races the done() that would bring the count to zero while the main thread waits
// (sync/detail/countdown.hpp, CD.WG2): if the add lands while that done() holds the lock bit, and
// the work it announces ends meanwhile (the adder's own done()), that done() must still wake
// the waiter.
TEST(FiberModel, WaitGroupAddRacesTheLastDone) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      fiber::sync::wait_group group;
      group.add(1);
      fiber::go(pool, [&] { group.done(); });
      twist::thread adder([&] {
        group.add(1);
        group.done();
      });
      group.wait();
      adder.join();
      group.wait();  // the second done(), if the first wait() returned before its add()
      pool.stop();
    });
  }
}

// fire() races a fiber's and a thread's wait(); the event is freed by the last waiter.
TEST(FiberModel, EventFireRacesWait) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      auto ready = std::make_unique<fiber::sync::event>();
      fiber::sync::event fiber_done;
      twist::shared<int> payload{0};
      fiber::go(pool, [&] {
        ready->wait();
        SPINDLE_VERIFY(payload.read() == 42, "the payload was not published");
        fiber_done.fire();
      });
      twist::thread firer([&] {
        payload.write(42);
        ready->fire();
      });
      ready->wait();
      SPINDLE_VERIFY(payload.read() == 42, "the payload was not published");
      fiber_done.wait();
      firer.join();
      ready.reset();
      pool.stop();
    });
  }
}

// A fiber sleeps on a timer service while another yields; both finish before the service and
// the pool stop (virtual time in sim builds).
TEST(FiberModel, SleepAndYield) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool());
      fiber::sync::wait_group group;
      fiber::options fo;
      fo.timers = &timers;
      group.add(2);
      fiber::go(pool, [&] {
        fiber::sleep_for(std::chrono::milliseconds(1));
        group.done();
      }, fo);
      fiber::go(pool, [&] {
        fiber::yield();
        group.done();
      }, fo);
      group.wait();
      timers.stop();
      pool.stop();
    });
  }
}

}  // namespace
