// Stress tests of the timed waits: many fibers on a two-worker fast pool and plain threads
// beside them wait with random short deadlines while wakers, notifies, fires and unlocks race
// the timeouts, each test within the SPINDLE_STRESS_SECONDS budget. A wakeup lost to a timeout
// hangs or breaks a count, a double resume trips the waiter's or the executor's checks, a
// hand-off to a waiter that left breaks the mutex's count, and the sanitizers (faulty-tsan,
// std-tsan, asan) see missing happens-before and use-after-free.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

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
#include <spindle/twist/clock.hpp>

#include "stress.hpp"

namespace core = spindle::core;
namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;
namespace twist = spindle::twist;

using namespace std::chrono_literals;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "timed-stress";
  return options;
}

constexpr int kFibers = 8;

// A random deadline 0-200 us from now: short enough to race the wakers, sometimes passed.
class deadlines {
 public:
  explicit deadlines(unsigned seed) : random_(seed) {}
  twist::steady_clock::time_point next() {
    return twist::steady_clock::now() + std::chrono::microseconds(random_() % 200);
  }
  bool coin() { return random_() % 2 == 0; }

 private:
  std::minstd_rand random_;
};

// Fibers with a timer service on a two-worker pool, plus `threads` plain threads, each running
// body(index); returns when all are done.
template <class Body>
void run_fibers_and_threads(int fibers, int threads, Body body) {
  fiber::timer_service timers;
  exec::fast_pool pool(two_workers());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group done;
  done.add(fibers);
  for (int i = 0; i < fibers; ++i) {
    fiber::go(pool, [&, i] {
      body(i);
      done.done();
    }, opts);
  }
  std::vector<std::thread> plain;
  for (int i = 0; i < threads; ++i) plain.emplace_back([&, i] { body(fibers + i); });
  for (std::thread& t : plain) t.join();
  done.wait();
  timers.stop();
  pool.stop();
}

// waiter.hpp's steps 5-10 on the smallest primitive: a queue under a spinlock. wake_one()
// reports whether it delivered a wake, so the test can check every delivered wake was taken
// by exactly one wait that returned "woken", and no timed-out wait was ever woken (WT.WAIT4).
class box {
 public:
  bool wait_until(twist::steady_clock::time_point deadline) {
    fiber::sync::waiter self(fiber::sync::timed);
    lock_.lock();
    waiters_.push_back(self);
    lock_.unlock();
    if (self.park_until(deadline)) return true;
    lock_.lock();
    fiber::sync::unlink_waiter(waiters_, self);
    lock_.unlock();
    return false;
  }

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

TEST(TimedStress, WaiterTimeoutsRaceWakes) {
  test::repeat_within_budget(50, [&](std::size_t iteration) {
    box b;
    constexpr int kWaits = 100;
    std::atomic<int> owners_left{kFibers + 1};
    std::atomic<long> woken{0};
    std::atomic<long> timed_out{0};
    std::atomic<long> delivered{0};
    std::thread waker([&] {
      while (owners_left.load() > 0) {
        if (b.wake_one()) delivered.fetch_add(1);
        std::this_thread::yield();
      }
    });
    run_fibers_and_threads(kFibers, 1, [&](int i) {
      deadlines random(static_cast<unsigned>(iteration * 131 + i));
      for (int n = 0; n < kWaits; ++n) {
        if (b.wait_until(random.next())) woken.fetch_add(1); else timed_out.fetch_add(1);
      }
      owners_left.fetch_sub(1);
    });
    waker.join();
    EXPECT_EQ(woken.load(), delivered.load());  // every delivered wake taken, once
    EXPECT_EQ(woken.load() + timed_out.load(), long{kWaits} * (kFibers + 1));
    EXPECT_FALSE(b.wake_one());  // nobody left in the queue
  });
}

// Timed and plain lockers share one mutex; the counter is plain memory guarded by it, so two
// owners at once, or a hand-off to a waiter that left, shows as a wrong count (or a race).
TEST(TimedStress, MutexTryLockForRacesUnlocks) {
  test::repeat_within_budget(50, [&](std::size_t iteration) {
    fiber::sync::mutex mu;
    long counter = 0;  // guarded by mu
    std::atomic<long> acquired{0};
    constexpr int kRounds = 100;
    run_fibers_and_threads(kFibers, 2, [&](int i) {
      deadlines random(static_cast<unsigned>(iteration * 17 + i));
      for (int n = 0; n < kRounds; ++n) {
        bool got = true;
        if (i % 3 == 0) {
          mu.lock();
        } else {
          got = mu.try_lock_until(random.next());
        }
        if (!got) continue;
        ++counter;
        if (random.coin()) fiber::is_fiber() ? fiber::yield() : std::this_thread::yield();
        acquired.fetch_add(1, std::memory_order_relaxed);
        mu.unlock();
      }
    });
    ASSERT_TRUE(mu.try_lock());  // free at the end: no hand-off was dropped
    EXPECT_EQ(counter, acquired.load());
    mu.unlock();
  });
}

// Consumers (timed and one untimed) take tokens a producer adds one at a time with
// notify_one; timed consumers give up and come back with random deadlines, and some also wait
// without a predicate. Every token is taken once, everyone leaves after the last (a lost
// wakeup hangs), and a wait without a predicate returns no_timeout only for a notify: at most
// one per notify_one, plus the final notify_all's.
TEST(TimedStress, ConditionVariableTimedWaitsRaceNotifies) {
  test::repeat_within_budget(50, [&](std::size_t iteration) {
    fiber::sync::mutex mu;
    fiber::sync::condition_variable cv;
    int tokens = 0;        // guarded by mu
    long taken = 0;        // guarded by mu
    bool finished = false; // guarded by mu
    constexpr long kTokens = 400;
    std::thread producer([&] {
      for (long t = 0; t < kTokens; ++t) {
        {
          std::lock_guard guard(mu);
          ++tokens;
        }
        cv.notify_one();
        if (t % 3 == 0) std::this_thread::yield();
      }
    });
    std::atomic<long> no_timeouts{0};
    run_fibers_and_threads(kFibers, 2, [&](int i) {
      deadlines random(static_cast<unsigned>(iteration * 29 + i));
      std::unique_lock lock(mu);
      while (true) {
        auto ready = [&] { return tokens > 0 || finished; };
        if (i == kFibers) {  // one plain thread waits without a deadline
          cv.wait(lock, ready);
        } else if (!cv.wait_until(lock, random.next(), ready)) {
          continue;  // timed out: try again
        }
        if (tokens == 0) break;  // finished
        --tokens;
        if (++taken == kTokens) {
          finished = true;
          cv.notify_all();
        }
        if (i % 2 == 0) {
          // A wait without a predicate: no_timeout only after a notify picked it.
          if (cv.wait_until(lock, random.next()) == fiber::sync::cv_status::no_timeout) {
            no_timeouts.fetch_add(1, std::memory_order_relaxed);
          }
        }
      }
    });
    producer.join();
    std::lock_guard guard(mu);
    EXPECT_EQ(taken, kTokens);
    EXPECT_EQ(tokens, 0);
    EXPECT_LE(no_timeouts.load(), kTokens + kFibers + 2);
  });
}

// Waiters with random deadlines race one fire(): a true result is only ever seen after the
// fire (and sees the payload), a false one only once its deadline has passed; everyone's final
// untimed wait() returns.
TEST(TimedStress, EventTimedWaitsRaceFire) {
  test::repeat_within_budget(200, [&](std::size_t iteration) {
    fiber::sync::event ev;
    std::atomic<bool> fired{false};
    int payload = 0;  // written before fire(), read after a true wait
    std::atomic<int> early_false{0};
    std::atomic<int> true_before_fire{0};
    std::atomic<int> bad_payload{0};
    std::thread firer([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(iteration % 150));
      payload = 42;
      fired = true;
      ev.fire();
    });
    run_fibers_and_threads(kFibers, 1, [&](int i) {
      deadlines random(static_cast<unsigned>(iteration * 7 + i));
      for (int n = 0; n < 5; ++n) {
        const auto deadline = random.next();
        if (ev.wait_until(deadline)) {
          if (!fired.load()) true_before_fire.fetch_add(1);
          if (payload != 42) bad_payload.fetch_add(1);
        } else if (twist::steady_clock::now() < deadline) {
          early_false.fetch_add(1);
        }
      }
      ev.wait();
    });
    firer.join();
    EXPECT_EQ(true_before_fire.load(), 0);
    EXPECT_EQ(bad_payload.load(), 0);
    EXPECT_EQ(early_false.load(), 0);
  });
}

}  // namespace
