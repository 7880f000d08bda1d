// Model tests of the timed waits: a timeout racing a wake, explored by the simulator in sim
// builds (a random walk, then bounded DFS; the timer firing while others still run is an
// explored choice — an early timeout — so expiry, wake and the owner's unlink interleave
// every way within the bounds), stress-repeated on real threads in std and faulty builds.
// A wakeup lost to a timeout shows up as a failed count or a deadlock, a double resume as a
// failed assertion in the waiter or the executor, a missing happens-before as a data race on
// a twist::shared cell, a waker touching a primitive freed right after a timed wait returned
// as a use-after-free of simulated memory.
#include <chrono>
#include <memory>
#include <mutex>

#include <gtest/gtest.h>

#include <spindle/config.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/sim/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace core = spindle::core;
namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

using namespace std::chrono_literals;

namespace {

constexpr test::exploration_plan kPlan{.second = sim::strategy::dfs,
                                       .budget = std::chrono::milliseconds(300)};

// A deadline short enough that, in real builds, it races the wake for real.
constexpr auto kDeadline = 50us;

// The smallest primitive on top of the waiter: one queue under a spinlock. wait_until() is
// the timed wait of waiter.hpp's steps 5-10; wake_one() pops the oldest waiter it can claim
// and wakes it, and reports whether it had someone to wake — so a test can check that every
// delivered wake was taken, and no timeout reported woken (WAIT4).
class box {
 public:
  // True if woken (a wake_one() delivered to us), false if timed out.
  bool wait_until(twist::steady_clock::time_point deadline) {
    fiber::sync::waiter self(fiber::sync::timed);
    lock_.lock();
    waiters_.push_back(self);
    lock_.unlock();
    if (self.park_until(deadline)) return true;
    lock_.lock();
    fiber::sync::unlink_waiter(waiters_, self);  // gone already if a wake_one() skipped it
    lock_.unlock();
    return false;
  }

  // Wakes the oldest waiter that has not timed out; false if there was none.
  bool wake_one() {
    lock_.lock();
    fiber::sync::waiter* w = waiters_.pop_front();
    while (w != nullptr && !w->claim()) w = waiters_.pop_front();
    lock_.unlock();
    if (w == nullptr) return false;
    w->wake();
    return true;
  }

 private:
  core::spinlock lock_;
  core::intrusive::queue<fiber::sync::waiter, fiber::sync::waiter_tag> waiters_;
};

// A fiber's timed wait races a wake from the test thread: the wait reports "woken" exactly
// when the wake was delivered to it, and then sees what the waker wrote before waking.
TEST(TimedModel, FiberTimeoutRacesWake) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      box b;
      twist::shared<int> payload{0};
      twist::shared<int> result{0};  // 1: woken, 2: timed out
      fiber::sync::wait_group done;
      done.add(1);
      fiber::go(pool, [&] {
        const bool woken = b.wait_until(twist::steady_clock::now() + kDeadline);
        if (woken) SPINDLE_VERIFY(payload.read() == 1, "woken without the waker's write");
        result.write(woken ? 1 : 2);
        done.done();
      }, fo);
      payload.write(1);  // before the wake (read by the woken waiter only)
      const bool delivered = b.wake_one();
      done.wait();
      SPINDLE_VERIFY(result.read() == (delivered ? 1 : 2),
                     "a delivered wake was lost to the timeout, or a timeout reported woken");
      timers.stop();
      pool.stop();
    });
  }
}

// The same from a plain thread: futex wait with a timeout (virtual time in sim builds).
TEST(TimedModel, ThreadTimeoutRacesWake) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      box b;
      twist::shared<int> payload{0};
      twist::shared<int> result{0};
      twist::thread owner([&] {
        const bool woken = b.wait_until(twist::steady_clock::now() + kDeadline);
        if (woken) SPINDLE_VERIFY(payload.read() == 1, "woken without the waker's write");
        result.write(woken ? 1 : 2);
      });
      payload.write(1);
      const bool delivered = b.wake_one();
      owner.join();
      SPINDLE_VERIFY(result.read() == (delivered ? 1 : 2),
                     "a delivered wake was lost to the timeout, or a timeout reported woken");
    });
  }
}

// The waker waits until the owner is about to wait, then sleeps for about the owner's
// timeout before waking: the expiry (the timer service's, or the futex wait's) and the claim
// land close together, in every order the exploration reaches.
template <class StartOwner, class JoinOwner>
void wake_at_the_deadline(box& b, twist::atomic<bool>& started, twist::shared<int>& payload,
                          twist::shared<int>& result, StartOwner start, JoinOwner join) {
  start();
  // acquire: pairs with the owner's release store of `started`.
  while (!started.load(std::memory_order_acquire)) twist::this_thread::yield();
  twist::this_thread::sleep_for(kDeadline);
  payload.write(1);
  const bool delivered = b.wake_one();
  join();
  SPINDLE_VERIFY(result.read() == (delivered ? 1 : 2),
                 "a delivered wake was lost to the timeout, or a timeout reported woken");
}

// A fiber owner; the timer service's expiry races the claim.
TEST(TimedModel, FiberTimeoutRacesWakeAtTheDeadline) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      box b;
      twist::atomic<bool> started{false};
      twist::shared<int> payload{0};
      twist::shared<int> result{0};
      fiber::sync::wait_group done;
      wake_at_the_deadline(
          b, started, payload, result,
          [&] {
            done.add(1);
            fiber::go(pool, [&] {
              started.store(true, std::memory_order_release);  // pairs with the waker's load
              const bool woken = b.wait_until(twist::steady_clock::now() + kDeadline);
              if (woken) SPINDLE_VERIFY(payload.read() == 1, "woken without the waker's write");
              result.write(woken ? 1 : 2);
              done.done();
            }, fo);
          },
          [&] { done.wait(); });
      timers.stop();
      pool.stop();
    });
  }
}

// A plain-thread owner; its futex wait's timeout races the claim.
TEST(TimedModel, ThreadTimeoutRacesWakeAtTheDeadline) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      box b;
      twist::atomic<bool> started{false};
      twist::shared<int> payload{0};
      twist::shared<int> result{0};
      std::unique_ptr<twist::thread> owner;
      wake_at_the_deadline(
          b, started, payload, result,
          [&] {
            owner = std::make_unique<twist::thread>([&] {
              started.store(true, std::memory_order_release);  // pairs with the waker's load
              const bool woken = b.wait_until(twist::steady_clock::now() + kDeadline);
              if (woken) SPINDLE_VERIFY(payload.read() == 1, "woken without the waker's write");
              result.write(woken ? 1 : 2);
            });
          },
          [&] { owner->join(); });
    });
  }
}

// A timed try_lock_for (a fiber) races the holder's unlock (the test thread, which unlocks
// about when the fiber's deadline passes): FIFO hand-off must never go to a waiter that left,
// nor be dropped. The counter is plain memory guarded by the mutex. A fiber that got the
// mutex frees it right after its unlock (the holder's unlock is done with it by then);
// otherwise the test thread frees it at the end.
TEST(TimedModel, MutexTryLockForRacesUnlock) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      auto* mu = new fiber::sync::mutex;
      twist::shared<int> counter{0};
      twist::shared<bool> freed{false};
      twist::atomic<bool> started{false};
      fiber::sync::wait_group done;
      mu->lock();
      done.add(1);
      fiber::go(pool, [&] {
        started.store(true, std::memory_order_release);  // pairs with the holder's load
        if (mu->try_lock_for(kDeadline)) {
          counter.write(counter.read() + 1);
          mu->unlock();
          delete mu;  // the holder's unlock handed it over: it touches nothing after
          freed.write(true);
        }
        done.done();
      }, fo);
      counter.write(counter.read() + 1);
      // acquire: pairs with the fiber's release store of `started`.
      while (!started.load(std::memory_order_acquire)) twist::this_thread::yield();
      twist::this_thread::sleep_for(kDeadline);
      mu->unlock();  // hands over to the fiber if it still waits (MU3), else frees it
      done.wait();
      if (!freed.read()) {
        SPINDLE_VERIFY(counter.read() == 1, "the fiber counted without the mutex");
        SPINDLE_VERIFY(mu->try_lock(), "the mutex was left locked: a hand-off was dropped");
        mu->unlock();
        delete mu;
      } else {
        SPINDLE_VERIFY(counter.read() == 2, "an increment was lost");
      }
      timers.stop();
      pool.stop();
    });
  }
}

// Two timed waiters (a fiber and a plain thread) and the holder: whoever gets the mutex
// counts under it; the counts add up, and the mutex is free at the end.
TEST(TimedModel, MutexTwoTimedWaiters) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      fiber::sync::mutex mu;
      twist::shared<int> counter{0};
      twist::shared<int> fiber_got{0};
      fiber::sync::wait_group done;
      mu.lock();
      done.add(1);
      fiber::go(pool, [&] {
        if (mu.try_lock_for(kDeadline)) {
          counter.write(counter.read() + 1);
          fiber_got.write(1);
          mu.unlock();
        }
        done.done();
      }, fo);
      twist::shared<int> thread_got{0};
      twist::thread other([&] {
        if (mu.try_lock_for(kDeadline)) {
          counter.write(counter.read() + 1);
          thread_got.write(1);
          mu.unlock();
        }
      });
      mu.unlock();
      done.wait();
      other.join();
      SPINDLE_VERIFY(counter.read() == fiber_got.read() + thread_got.read(),
                     "an increment without the mutex");
      SPINDLE_VERIFY(mu.try_lock(), "the mutex was left locked: a hand-off was dropped");
      mu.unlock();
      timers.stop();
      pool.stop();
    });
  }
}

// A fiber's wait_for on a condition variable races notify_one (from the test thread, after
// its change under the mutex): no_timeout only after that change (no spurious wakeups). A
// waiter the notify claimed frees the condition variable as soon as its wait returns, while
// the notify may still be in wake() (CV2); after a timeout the test thread frees it.
TEST(TimedModel, ConditionVariableWaitForRacesNotifyOne) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      fiber::sync::mutex mu;
      auto* cv = new fiber::sync::condition_variable;
      twist::shared<bool> ready{false};  // guarded by mu
      twist::shared<bool> freed{false};
      fiber::sync::wait_group done;
      done.add(1);
      fiber::go(pool, [&] {
        fiber::sync::cv_status status = fiber::sync::cv_status::timeout;
        {
          std::unique_lock lock(mu);
          status = cv->wait_for(lock, kDeadline);
          if (status == fiber::sync::cv_status::no_timeout) {
            SPINDLE_VERIFY(ready.read(), "no_timeout without a notify");
          }
        }
        if (status == fiber::sync::cv_status::no_timeout) {
          delete cv;  // CV2: claimed by the notify, which no longer touches *cv
          freed.write(true);
        }
        done.done();
      }, fo);
      {
        std::lock_guard guard(mu);
        ready.write(true);
      }
      cv->notify_one();  // alive: the waiter frees it only after this notify claimed it
      done.wait();
      if (!freed.read()) delete cv;
      timers.stop();
      pool.stop();
    });
  }
}

// notify_all with a timed waiter (a fiber) and an untimed one (a plain thread) in the queue:
// the timed one may time out and unlink itself from the queue at any point; the untimed one
// must still be woken: a queue left broken by the unlink, or a lost wakeup, deadlocks.
TEST(TimedModel, ConditionVariableNotifyAllWithATimedWaiter) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      fiber::sync::mutex mu;
      fiber::sync::condition_variable cv;
      twist::shared<bool> ready{false};  // guarded by mu
      fiber::sync::wait_group done;
      done.add(1);
      fiber::go(pool, [&] {
        std::unique_lock lock(mu);
        cv.wait_for(lock, kDeadline, [&] { return ready.read(); });
        done.done();
      }, fo);
      twist::thread untimed([&] {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready.read(); });
      });
      {
        std::lock_guard guard(mu);
        ready.write(true);
      }
      cv.notify_all();
      untimed.join();
      done.wait();
      timers.stop();
      pool.stop();
    });
  }
}

// A fiber's wait_for on an event races fire(): true only once fired, and then it sees what
// came before fire(); a waiter that got true frees the event at once (fire()'s last
// access was the store it read: EV1), else the test thread frees it after fire().
TEST(TimedModel, EventWaitForRacesFire) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      fiber::timer_service timers;
      exec::fast_pool pool(test::model_pool(1));
      fiber::options fo;
      fo.timers = &timers;
      auto* ev = new fiber::sync::event;
      twist::shared<int> payload{0};
      twist::shared<bool> freed{false};
      fiber::sync::wait_group done;
      done.add(1);
      fiber::go(pool, [&] {
        if (ev->wait_for(kDeadline)) {
          SPINDLE_VERIFY(payload.read() == 1, "fired without fire()'s happens-before");
          delete ev;
          freed.write(true);
        }
        done.done();
      }, fo);
      payload.write(1);
      ev->fire();
      done.wait();
      if (!freed.read()) delete ev;
      timers.stop();
      pool.stop();
    });
  }
}

// The same from a plain thread (futex wait with a timeout).
TEST(TimedModel, ThreadEventWaitForRacesFire) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    sim::model_check(opts, [] {
      auto* ev = new fiber::sync::event;
      twist::shared<int> payload{0};
      twist::shared<bool> freed{false};
      twist::thread owner([&] {
        if (ev->wait_for(kDeadline)) {
          SPINDLE_VERIFY(payload.read() == 1, "fired without fire()'s happens-before");
          delete ev;
          freed.write(true);
        }
      });
      payload.write(1);
      ev->fire();
      owner.join();
      if (!freed.read()) delete ev;
    });
  }
}

}  // namespace
