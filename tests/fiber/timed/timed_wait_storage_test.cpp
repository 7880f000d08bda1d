// Storage tests of the timed waits: the primitive lives on the heap and is freed the moment a
// timed wait on it returns — woken (the waker may still be inside its notify / fire / unlock,
// past its last access to the primitive) or timed out (nobody else touches it). Under ASAN a
// waker, a timer or a timed-out waiter touching the freed primitive is a heap-use-after-free.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>

#include "stress.hpp"
#include "timed_fiber.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;

using namespace std::chrono_literals;

namespace {

constexpr auto kLong = 10s;  // a deadline that does not pass during the test

using test::on_thread_and_in_fiber;

// notify_one from another thread claims the waiter; the waiter frees the condition variable
// as soon as wait_for returns, while notify_one may still be in wake().
TEST(TimedStorage, ConditionVariableFreedRightAfterANotifiedWaitFor) {
  on_thread_and_in_fiber(300, [] {
    fiber::sync::mutex mu;
    auto* cv = new fiber::sync::condition_variable;
    bool ready = false;  // guarded by mu
    std::unique_lock lock(mu);
    std::thread notifier([&] {
      {
        std::lock_guard guard(mu);  // after wait_for released it: the waiter is queued
        ready = true;
      }
      cv->notify_one();
    });
    const auto status = cv->wait_for(lock, kLong);
    EXPECT_EQ(status, fiber::sync::cv_status::no_timeout);
    EXPECT_TRUE(ready);
    lock.unlock();
    delete cv;  // notify_one may not have returned yet (FCV.CV2)
    notifier.join();
  });
}

TEST(TimedStorage, ConditionVariableFreedRightAfterATimeout) {
  on_thread_and_in_fiber(100, [] {
    fiber::sync::mutex mu;
    auto* cv = new fiber::sync::condition_variable;
    std::unique_lock lock(mu);
    EXPECT_EQ(cv->wait_for(lock, 10us), fiber::sync::cv_status::timeout);
    delete cv;
  });
}

// fire() from another thread claims the timed waiter, which frees the event as soon as its
// wait_for returns, while fire() may still be in its wake loop (EVT.EV1: fire()'s last access to
// the event is the store that publishes FIRED, and a claimed waiter never touches it again).
TEST(TimedStorage, EventFreedRightAfterAFiredWaitFor) {
  on_thread_and_in_fiber(300, [] {
    auto* ev = new fiber::sync::event;
    std::thread firer([&] { ev->fire(); });
    EXPECT_TRUE(ev->wait_for(kLong));
    delete ev;
    firer.join();
  });
}

TEST(TimedStorage, EventFreedRightAfterATimeout) {
  on_thread_and_in_fiber(100, [] {
    auto* ev = new fiber::sync::event;
    EXPECT_FALSE(ev->wait_for(10us));
    delete ev;
  });
}

// The holder's unlock hands the mutex to a try_lock_for waiter, which unlocks and frees it at
// once, while the holder's unlock may still be in wake().
TEST(TimedStorage, MutexFreedRightAfterAHandedOverTryLockFor) {
  on_thread_and_in_fiber(300, [] {
    auto* mu = new fiber::sync::mutex;
    mu->lock();
    std::thread holder([&] {
      std::this_thread::yield();
      mu->unlock();  // hands it over if the waiter is queued already
    });
    EXPECT_TRUE(mu->try_lock_for(kLong));
    mu->unlock();
    delete mu;
    holder.join();
  });
}

}  // namespace
