// Storage test of twist::condition_variable, in every mode: the standard lets a condition
// variable be destroyed as soon as every thread blocked on it has been notified, before those
// threads return from wait() ([thread.condition.condvar]: "all threads have been notified; they
// can subsequently block on the lock specified in the wait"). A wait that touched the condition
// variable after its notification would be a use-after-free (ASAN) or a race with the delete
// (TSAN).
#include <cstddef>
#include <mutex>

#include <gtest/gtest.h>

#include <spindle/twist/condition_variable.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/thread.hpp>

#include "stress.hpp"

namespace twist = spindle::twist;

TEST(TwistConditionVariable, DestroyedOnceEveryWaiterIsNotified) {
  constexpr std::size_t kMaxIterations = 500;
  auto one_round = [](std::size_t) {
    twist::mutex mu;
    auto* cv = new twist::condition_variable;
    bool waiting = false;  // guarded by mu
    bool ready = false;    // guarded by mu
    twist::thread waiter([&mu, cv, &waiting, &ready] {
      std::unique_lock lock{mu};
      waiting = true;
      while (!ready) cv->wait(lock);
    });
    for (;;) {
      std::unique_lock lock{mu};
      if (waiting) {
        // The waiter set `waiting` and then released mu inside wait(): it is blocked on cv (or
        // returning spuriously, about to relock mu and see `ready`).
        ready = true;
        cv->notify_all();
        break;
      }
      lock.unlock();
      twist::this_thread::yield();
    }
    delete cv;  // every waiter has been notified: allowed, even before it left wait()
    waiter.join();
  };
  const std::size_t iterations = spindle::test::repeat_within_budget(kMaxIterations, one_round);
  EXPECT_GE(iterations, 1u);
}
