// Unit tests of the timed waits: waiter::park_until, condition_variable::wait_until/wait_for,
// event::wait_until/wait_for, mutex::try_lock_until/try_lock_for — each from a plain thread
// and from a fiber (on a fast pool, with a timer service): times out when nobody wakes it,
// returns "woken" when woken before the deadline, and leaves the primitive usable.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/twist/clock.hpp>

#include "timed_fiber.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;
namespace twist = spindle::twist;

using namespace std::chrono_literals;

namespace {

// Long enough that "woken before the deadline" cannot be a timeout on a loaded machine.
constexpr auto kLong = 10s;
constexpr auto kShort = 20ms;

using test::in_fiber;
using test::on_thread_and_in_fiber;

// ---- waiter ----

TEST(TimedWaiter, TimesOutWhenNobodyWakes) {
  on_thread_and_in_fiber([] {
    fiber::sync::waiter w(fiber::sync::timed);
    const auto start = twist::steady_clock::now();
    EXPECT_FALSE(w.park_until(start + kShort));
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    EXPECT_FALSE(w.notified());
    EXPECT_FALSE(w.claim());  // the timeout won: a late waker must skip it
  });
}

TEST(TimedWaiter, PassedDeadlineTimesOutAtOnce) {
  on_thread_and_in_fiber([] {
    fiber::sync::waiter w(fiber::sync::timed);
    EXPECT_FALSE(w.park_until(twist::steady_clock::now() - 1s));
    EXPECT_FALSE(w.claim());
  });
}

TEST(TimedWaiter, WakeBeforeParkReturnsWoken) {
  on_thread_and_in_fiber([] {
    fiber::sync::waiter w(fiber::sync::timed);
    ASSERT_TRUE(w.claim());
    w.wake();
    EXPECT_TRUE(w.park_until(twist::steady_clock::now() + kLong));
  });
  on_thread_and_in_fiber([] {  // even with a passed deadline: the wake came first
    fiber::sync::waiter w(fiber::sync::timed);
    ASSERT_TRUE(w.claim());
    w.wake();
    EXPECT_TRUE(w.park_until(twist::steady_clock::now() - 1s));
  });
}

TEST(TimedWaiter, WokenBeforeTheDeadlineReturnsWoken) {
  on_thread_and_in_fiber([] {
    fiber::sync::waiter w(fiber::sync::timed);
    std::thread waker([&] {
      std::this_thread::sleep_for(5ms);
      if (w.claim()) w.wake();
    });
    const auto start = twist::steady_clock::now();
    EXPECT_TRUE(w.park_until(start + kLong));
    EXPECT_LT(twist::steady_clock::now() - start, kLong);
    waker.join();
  });
}

// A claim before the deadline wins over the timeout: the owner waits past its deadline for
// the wake it is owed (WT.WAIT4), and reports woken.
TEST(TimedWaiter, ClaimedBeforeTheDeadlineWaitsForTheWake) {
  on_thread_and_in_fiber([] {
    fiber::sync::waiter w(fiber::sync::timed);
    ASSERT_TRUE(w.claim());
    const auto start = twist::steady_clock::now();  // before the waker starts its sleep
    std::thread waker([&] {
      std::this_thread::sleep_for(kShort + 10ms);  // wakes well after the deadline
      w.wake();
    });
    EXPECT_TRUE(w.park_until(start + 1ms));
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    EXPECT_TRUE(w.notified());
    waker.join();
  });
}

// Untimed waiters are claimed without ceremony (the channels' and untimed waits' path).
TEST(TimedWaiter, UntimedWaiterIsAlwaysClaimed) {
  fiber::sync::waiter w;
  EXPECT_FALSE(w.is_timed());
  EXPECT_TRUE(w.claim());
  w.wake();
  w.park();
}

// A woken fiber's timer entry leaves the service's heap (disarm): many fibers with staggered
// deadlines, every other one woken early; the rest still time out, each after its deadline.
TEST(TimedWaiter, EarlyWakesDisarmTheirTimersAndTheOthersStillExpire) {
  fiber::timer_service timers;
  exec::fast_pool pool(test::timed_test_pool());
  fiber::options opts;
  opts.timers = &timers;
  constexpr int kFibers = 16;
  std::vector<std::unique_ptr<fiber::sync::waiter>> waiters;
  for (int i = 0; i < kFibers; ++i) {
    waiters.push_back(std::make_unique<fiber::sync::waiter>(fiber::sync::timed));
  }
  std::atomic<int> parked{0};
  std::atomic<int> woken{0};
  std::atomic<int> timed_out{0};
  std::atomic<int> early{0};
  fiber::sync::wait_group done;
  done.add(kFibers);
  for (int i = 0; i < kFibers; ++i) {
    fiber::go(pool, [&, i] {
      const auto deadline = twist::steady_clock::now() + (i % 2 == 0 ? kLong : 10ms + 2ms * i);
      parked.fetch_add(1);
      if (waiters[i]->park_until(deadline)) {
        woken.fetch_add(1);
      } else {
        timed_out.fetch_add(1);
        if (twist::steady_clock::now() < deadline) early.fetch_add(1);
      }
      done.done();
    }, opts);
  }
  while (parked.load() < kFibers) std::this_thread::yield();
  for (int i = 0; i < kFibers; i += 2) {
    ASSERT_TRUE(waiters[i]->claim());
    waiters[i]->wake();
  }
  done.wait();
  EXPECT_EQ(woken.load(), kFibers / 2);
  EXPECT_EQ(timed_out.load(), kFibers / 2);
  EXPECT_EQ(early.load(), 0);
  timers.stop();
  pool.stop();
}

// A stopped service ends a fiber's timed wait at once (as it does a sleep).
TEST(TimedWaiter, StoppedTimerServiceTimesOutAtOnce) {
  fiber::timer_service timers;
  timers.stop();
  exec::fast_pool pool(test::timed_test_pool());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group done;
  done.add(1);
  bool result = true;
  fiber::go(pool, [&] {
    fiber::sync::waiter w(fiber::sync::timed);
    result = w.park_until(twist::steady_clock::now() + kLong);
    done.done();
  }, opts);
  done.wait();
  EXPECT_FALSE(result);
  pool.stop();
}

// ---- mutex ----

TEST(TimedMutex, TryLockForTakesAFreeMutex) {
  on_thread_and_in_fiber([] {
    fiber::sync::mutex mu;
    EXPECT_TRUE(mu.try_lock_for(0ms));
    mu.unlock();
    EXPECT_TRUE(mu.try_lock_until(twist::steady_clock::now() - 1s));
    mu.unlock();
  });
}

TEST(TimedMutex, TryLockForTimesOutWhileHeldAndLeavesNoWaiter) {
  on_thread_and_in_fiber([] {
    fiber::sync::mutex mu;
    std::atomic<bool> held{false};
    std::atomic<bool> release{false};
    std::thread holder([&] {
      mu.lock();
      held = true;
      while (!release.load()) std::this_thread::yield();
      mu.unlock();
    });
    while (!held.load()) std::this_thread::yield();
    const auto start = twist::steady_clock::now();
    EXPECT_FALSE(mu.try_lock_for(kShort));
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    release = true;
    holder.join();
    EXPECT_TRUE(mu.try_lock());  // the timed-out waiter left: the unlock freed the mutex
    mu.unlock();
  });
}

TEST(TimedMutex, TryLockForGetsTheMutexWhenUnlockedBeforeTheDeadline) {
  on_thread_and_in_fiber([] {
    fiber::sync::mutex mu;
    mu.lock();
    std::thread unlocker([&] {
      std::this_thread::sleep_for(5ms);
      mu.unlock();
    });
    EXPECT_TRUE(mu.try_lock_for(kLong));
    unlocker.join();
    mu.unlock();
  });
}

// Hand-off skips a waiter that timed out: three queued waiters, the middle one with a short
// deadline; after it gave up, unlocks hand the mutex to the other two, and it is free after.
TEST(TimedMutex, HandOffSkipsATimedOutWaiter) {
  fiber::timer_service timers;
  exec::fast_pool pool(test::timed_test_pool());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::mutex mu;
  mu.lock();  // held by the test thread
  std::vector<int> order;  // guarded by mu
  std::atomic<int> enqueued{0};
  std::atomic<bool> middle_result{true};
  fiber::sync::event middle_done;
  fiber::sync::wait_group done;
  done.add(3);
  auto waiter_fiber = [&](int id) {
    fiber::go(pool, [&, id] {
      enqueued.fetch_add(1);
      if (id == 1) {
        middle_result = mu.try_lock_for(kShort);
        middle_done.fire();
      } else {
        EXPECT_TRUE(mu.try_lock_for(kLong));
        order.push_back(id);
        mu.unlock();
      }
      done.done();
    }, opts);
    // Let it enqueue before the next one (FIFO order is the order of arrival).
    while (enqueued.load() <= id) std::this_thread::yield();
    std::this_thread::sleep_for(2ms);
  };
  for (int id = 0; id < 3; ++id) waiter_fiber(id);
  middle_done.wait();
  EXPECT_FALSE(middle_result.load());
  mu.unlock();
  done.wait();
  // Both others got it (FIFO among them is the untimed tests' business: the sleeps above only
  // make their arrival order likely on a loaded machine).
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, (std::vector<int>{0, 2}));
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
  timers.stop();
  pool.stop();
}

TEST(TimedMutex, WorksWithUniqueLockTryLockFor) {
  fiber::sync::mutex mu;
  std::unique_lock lock(mu, std::defer_lock);
  EXPECT_TRUE(lock.try_lock_for(1ms));
  lock.unlock();
  EXPECT_TRUE(lock.try_lock_until(twist::steady_clock::now() + 1ms));
}

// ---- condition variable ----

TEST(TimedConditionVariable, WaitForTimesOutWithoutANotify) {
  on_thread_and_in_fiber([] {
    fiber::sync::mutex mu;
    fiber::sync::condition_variable cv;
    std::unique_lock lock(mu);
    const auto start = twist::steady_clock::now();
    EXPECT_EQ(cv.wait_for(lock, kShort), fiber::sync::cv_status::timeout);
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    EXPECT_TRUE(lock.owns_lock());
    EXPECT_FALSE(mu.try_lock());  // held again by us
  });
}

TEST(TimedConditionVariable, NotifiedBeforeTheDeadlineReturnsNoTimeout) {
  on_thread_and_in_fiber([] {
    fiber::sync::mutex mu;
    fiber::sync::condition_variable cv;
    bool ready = false;  // guarded by mu
    std::unique_lock lock(mu);
    std::thread notifier([&] {
      {
        std::lock_guard guard(mu);  // after the wait released it: the waiter is enqueued
        ready = true;
      }
      cv.notify_one();
    });
    EXPECT_EQ(cv.wait_until(lock, twist::steady_clock::now() + kLong),
              fiber::sync::cv_status::no_timeout);
    EXPECT_TRUE(ready);
    lock.unlock();
    notifier.join();
  });
}

TEST(TimedConditionVariable, PredicateOverloads) {
  on_thread_and_in_fiber([] {
    fiber::sync::mutex mu;
    fiber::sync::condition_variable cv;
    int value = 0;  // guarded by mu
    std::unique_lock lock(mu);
    // Already true: returns at once, no wait.
    value = 1;
    EXPECT_TRUE(cv.wait_for(lock, 0ms, [&] { return value == 1; }));
    // Never true: false after the deadline.
    EXPECT_FALSE(cv.wait_for(lock, kShort, [&] { return value == 2; }));
    EXPECT_FALSE(cv.wait_until(lock, twist::steady_clock::now() + 1ms, [&] { return value == 2; }));
    // Made true by another thread, with a notify for each step: the first notify is not
    // enough (the predicate still fails), the wait goes on to the second.
    std::thread stepper([&] {
      for (int v = 2; v <= 3; ++v) {
        std::this_thread::sleep_for(2ms);
        {
          std::lock_guard guard(mu);
          value = v;
        }
        cv.notify_all();
      }
    });
    EXPECT_TRUE(cv.wait_for(lock, kLong, [&] { return value == 3; }));
    EXPECT_TRUE(lock.owns_lock());
    lock.unlock();
    stepper.join();
  });
}

// The predicate is checked once more at the deadline: true then counts, without a notify.
TEST(TimedConditionVariable, PredicateTrueAtTheDeadlineWithoutANotify) {
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  int checks = 0;
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, 1ms, [&] { return ++checks == 2; }));
  EXPECT_EQ(checks, 2);
}

// A timed-out waiter leaves the queue: a later notify_one goes to the untimed waiter behind it.
TEST(TimedConditionVariable, NotifyOneAfterATimeoutReachesTheNextWaiter) {
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  bool ready = false;  // guarded by mu
  std::atomic<bool> timed_enqueued{false};
  std::atomic<bool> timed_gave_up{false};
  std::thread timed([&] {
    std::unique_lock lock(mu);
    timed_enqueued = true;
    EXPECT_EQ(cv.wait_for(lock, kShort), fiber::sync::cv_status::timeout);
    timed_gave_up = true;
  });
  while (!timed_enqueued.load()) std::this_thread::yield();
  std::thread untimed([&] {
    std::unique_lock lock(mu);  // after the timed waiter released it: behind it in the queue
    cv.wait(lock, [&] { return ready; });
  });
  while (!timed_gave_up.load()) std::this_thread::yield();
  {
    std::lock_guard guard(mu);
    ready = true;
  }
  cv.notify_one();  // only one notify: it must reach `untimed`
  untimed.join();
  timed.join();
}

// ---- event ----

TEST(TimedEvent, WaitForTimesOutWhenNotFired) {
  on_thread_and_in_fiber([] {
    fiber::sync::event ev;
    const auto start = twist::steady_clock::now();
    EXPECT_FALSE(ev.wait_for(kShort));
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    EXPECT_FALSE(ev.wait_until(twist::steady_clock::now() - 1s));
    ev.fire();  // no waiter left behind
    EXPECT_TRUE(ev.wait_for(0ms));
    EXPECT_TRUE(ev.wait_until(twist::steady_clock::now() - 1s));
  });
}

TEST(TimedEvent, FiredBeforeTheDeadlineReturnsTrue) {
  on_thread_and_in_fiber([] {
    fiber::sync::event ev;
    int payload = 0;
    std::thread firer([&] {
      std::this_thread::sleep_for(5ms);
      payload = 42;
      ev.fire();
    });
    EXPECT_TRUE(ev.wait_for(kLong));
    EXPECT_EQ(payload, 42);  // fire() happens-before the wait's return
    firer.join();
  });
}

// Timed and untimed waiters on one event: the timed-out ones leave, fire() wakes the rest.
TEST(TimedEvent, TimedOutWaitersLeaveTheOthersAreFired) {
  fiber::timer_service timers;
  exec::fast_pool pool(test::timed_test_pool());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::event ev;
  constexpr int kFibers = 8;
  std::atomic<int> timed_out{0};
  std::atomic<int> fired{0};
  fiber::sync::wait_group timed_done;
  fiber::sync::wait_group done;
  timed_done.add(kFibers / 2);
  done.add(kFibers);
  for (int i = 0; i < kFibers; ++i) {
    fiber::go(pool, [&, i] {
      if (i % 2 == 0) {
        if (ev.wait_for(1ms + 1ms * i)) fired.fetch_add(1); else timed_out.fetch_add(1);
        timed_done.done();
      } else {
        ev.wait();
        fired.fetch_add(1);
      }
      done.done();
    }, opts);
  }
  timed_done.wait();
  ev.fire();
  done.wait();
  EXPECT_EQ(timed_out.load(), kFibers / 2);
  EXPECT_EQ(fired.load(), kFibers / 2);
  timers.stop();
  pool.stop();
}

}  // namespace
