// Model tests of the timed waits: a timeout racing a wake, explored by the simulator in sim
// builds (a random walk, then bounded DFS; the timer firing while others still run is an
// explored choice — an early timeout — so expiry, wake and the owner's unlink interleave
// every way within the bounds), stress-repeated on real threads in std and faulty builds.
// A wakeup lost to a timeout shows up as a failed count or a deadlock, a double resume as a
// failed assertion in the waiter or the executor, a missing happens-before as a data race on
// a twist::shared cell, a waker touching a primitive freed right after a timed wait returned
// as a use-after-free of simulated memory.
#include <chrono>
#include <mutex>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"
#include "timed_party.hpp"

namespace core = spindle::core;
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
// delivered wake was taken, and no timeout reported woken (WT.WAIT4).
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

// A timed wait (in a fiber or on a plain thread: futex wait with a timeout, virtual time in
// sim builds) races a wake from the test thread: the wait reports "woken" exactly when the
// wake was delivered to it, and then sees what the waker wrote before waking.
void timeout_races_wake(bool in_fiber) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [in_fiber] {
      test::timed_party owner(in_fiber);
      box b;
      twist::shared<int> payload{0};
      twist::shared<int> result{0};  // 1: woken, 2: timed out
      owner.start([&] {
        const bool woken = b.wait_until(twist::steady_clock::now() + kDeadline);
        if (woken) SPINDLE_VERIFY(payload.read() == 1, "woken without the waker's write");
        result.write(woken ? 1 : 2);
      });
      payload.write(1);  // before the wake (read by the woken waiter only)
      const bool delivered = b.wake_one();
      owner.join();
      SPINDLE_VERIFY(result.read() == (delivered ? 1 : 2),
                     "a delivered wake was lost to the timeout, or a timeout reported woken");
    });
  }
}

TEST(TimedModel, FiberTimeoutRacesWake) { timeout_races_wake(/*in_fiber=*/true); }
TEST(TimedModel, ThreadTimeoutRacesWake) { timeout_races_wake(/*in_fiber=*/false); }

// The waker waits until the owner is about to wait, then sleeps for about the owner's
// timeout before waking: the expiry (the timer service's for a fiber owner, the futex wait's
// for a thread) and the claim land close together, in every order the exploration reaches.
void timeout_races_wake_at_the_deadline(bool in_fiber) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [in_fiber] {
      test::timed_party owner(in_fiber);
      box b;
      twist::atomic<bool> started{false};
      twist::shared<int> payload{0};
      twist::shared<int> result{0};
      owner.start([&] {
        started.store(true, std::memory_order_release);  // pairs with the waker's load
        const bool woken = b.wait_until(twist::steady_clock::now() + kDeadline);
        if (woken) SPINDLE_VERIFY(payload.read() == 1, "woken without the waker's write");
        result.write(woken ? 1 : 2);
      });
      // acquire: pairs with the owner's release store of `started`.
      while (!started.load(std::memory_order_acquire)) twist::this_thread::yield();
      twist::this_thread::sleep_for(kDeadline);
      payload.write(1);
      const bool delivered = b.wake_one();
      owner.join();
      SPINDLE_VERIFY(result.read() == (delivered ? 1 : 2),
                     "a delivered wake was lost to the timeout, or a timeout reported woken");
    });
  }
}

TEST(TimedModel, FiberTimeoutRacesWakeAtTheDeadline) {
  timeout_races_wake_at_the_deadline(/*in_fiber=*/true);
}
TEST(TimedModel, ThreadTimeoutRacesWakeAtTheDeadline) {
  timeout_races_wake_at_the_deadline(/*in_fiber=*/false);
}

// A timed try_lock_for (a fiber) races the holder's unlock (the test thread, which unlocks
// about when the fiber's deadline passes): FIFO hand-off must never go to a waiter that left,
// nor be dropped. The counter is plain memory guarded by the mutex. A fiber that got the
// mutex frees it right after its unlock (the holder's unlock is done with it by then);
// otherwise the test thread frees it at the end.
TEST(TimedModel, MutexTryLockForRacesUnlock) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      test::timed_party waiter(/*in_fiber=*/true);
      auto* mu = new fiber::sync::mutex;
      twist::shared<int> counter{0};
      twist::shared<bool> freed{false};
      twist::atomic<bool> started{false};
      mu->lock();
      waiter.start([&] {
        started.store(true, std::memory_order_release);  // pairs with the holder's load
        if (mu->try_lock_for(kDeadline)) {
          counter.write(counter.read() + 1);
          mu->unlock();
          delete mu;  // the holder's unlock handed it over: it touches nothing after
          freed.write(true);
        }
      });
      counter.write(counter.read() + 1);
      // acquire: pairs with the fiber's release store of `started`.
      while (!started.load(std::memory_order_acquire)) twist::this_thread::yield();
      twist::this_thread::sleep_for(kDeadline);
      mu->unlock();  // hands over to the fiber if it still waits (MX.MU3), else frees it
      waiter.join();
      if (!freed.read()) {
        SPINDLE_VERIFY(counter.read() == 1, "the fiber counted without the mutex");
        SPINDLE_VERIFY(mu->try_lock(), "the mutex was left locked: a hand-off was dropped");
        mu->unlock();
        delete mu;
      } else {
        SPINDLE_VERIFY(counter.read() == 2, "an increment was lost");
      }
    });
  }
}

// Two timed waiters (a fiber and a plain thread) and the holder: whoever gets the mutex
// counts under it; the counts add up, and the mutex is free at the end.
TEST(TimedModel, MutexTwoTimedWaiters) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      test::timed_party in_fiber(/*in_fiber=*/true);
      test::timed_party on_thread(/*in_fiber=*/false);
      fiber::sync::mutex mu;
      twist::shared<int> counter{0};
      twist::shared<int> fiber_got{0};
      twist::shared<int> thread_got{0};
      mu.lock();
      const auto try_to_count = [&](twist::shared<int>& got) {
        if (mu.try_lock_for(kDeadline)) {
          counter.write(counter.read() + 1);
          got.write(1);
          mu.unlock();
        }
      };
      in_fiber.start([&] { try_to_count(fiber_got); });
      on_thread.start([&] { try_to_count(thread_got); });
      mu.unlock();
      in_fiber.join();
      on_thread.join();
      SPINDLE_VERIFY(counter.read() == fiber_got.read() + thread_got.read(),
                     "an increment without the mutex");
      SPINDLE_VERIFY(mu.try_lock(), "the mutex was left locked: a hand-off was dropped");
      mu.unlock();
    });
  }
}

// A fiber's wait_for on a condition variable races notify_one (from the test thread, after
// its change under the mutex): no_timeout only after that change (no spurious wakeups). A
// waiter the notify claimed frees the condition variable as soon as its wait returns, while
// the notify may still be in wake() (FCV.CV2); after a timeout the test thread frees it.
TEST(TimedModel, ConditionVariableWaitForRacesNotifyOne) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      test::timed_party waiter(/*in_fiber=*/true);
      fiber::sync::mutex mu;
      auto* cv = new fiber::sync::condition_variable;
      twist::shared<bool> ready{false};  // guarded by mu
      twist::shared<bool> freed{false};
      waiter.start([&] {
        fiber::sync::cv_status status = fiber::sync::cv_status::timeout;
        {
          std::unique_lock lock(mu);
          status = cv->wait_for(lock, kDeadline);
          if (status == fiber::sync::cv_status::no_timeout) {
            SPINDLE_VERIFY(ready.read(), "no_timeout without a notify");
          }
        }
        if (status == fiber::sync::cv_status::no_timeout) {
          delete cv;  // FCV.CV2: claimed by the notify, which no longer touches *cv
          freed.write(true);
        }
      });
      {
        std::lock_guard guard(mu);
        ready.write(true);
      }
      cv->notify_one();  // alive: the waiter frees it only after this notify claimed it
      waiter.join();
      if (!freed.read()) delete cv;
    });
  }
}

// notify_all with a timed waiter (a fiber) and an untimed one (a plain thread) in the queue:
// the timed one may time out and unlink itself from the queue at any point; the untimed one
// must still be woken: a queue left broken by the unlink, or a lost wakeup, deadlocks.
TEST(TimedModel, ConditionVariableNotifyAllWithATimedWaiter) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      test::timed_party timed(/*in_fiber=*/true);
      test::timed_party untimed(/*in_fiber=*/false);
      fiber::sync::mutex mu;
      fiber::sync::condition_variable cv;
      twist::shared<bool> ready{false};  // guarded by mu
      timed.start([&] {
        std::unique_lock lock(mu);
        cv.wait_for(lock, kDeadline, [&] { return ready.read(); });
      });
      untimed.start([&] {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready.read(); });
      });
      {
        std::lock_guard guard(mu);
        ready.write(true);
      }
      cv.notify_all();
      untimed.join();
      timed.join();
    });
  }
}

// An event's wait_for (in a fiber, or on a plain thread: futex wait with a timeout) races
// fire(): true only once fired, and then it sees what came before fire(); a waiter that got
// true frees the event at once (fire()'s last access was the store it read: EVT.EV1), else the
// test thread frees it after fire().
void event_wait_for_races_fire(bool in_fiber) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [in_fiber] {
      test::timed_party owner(in_fiber);
      auto* ev = new fiber::sync::event;
      twist::shared<int> payload{0};
      twist::shared<bool> freed{false};
      owner.start([&] {
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

TEST(TimedModel, EventWaitForRacesFire) { event_wait_for_races_fire(/*in_fiber=*/true); }
TEST(TimedModel, ThreadEventWaitForRacesFire) { event_wait_for_races_fire(/*in_fiber=*/false); }

}  // namespace
