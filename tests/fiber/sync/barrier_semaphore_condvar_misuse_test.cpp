// Misuse of the barrier, the semaphore and the condition variable stops the program with a
// clear message. (No commas at the top level of the death statements: EXPECT_DEATH is a
// macro; helpers below hold the statements that need them.)
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/barrier.hpp>
#include <spindle/fiber/sync/condition_variable.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/semaphore.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

class Sync2Misuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

void barrier_with_zero_parties() { fiber::sync::barrier sync(0); }

using plain_completion = void (*)() noexcept;
fiber::sync::barrier<plain_completion>* misused = nullptr;

void arrive_again() noexcept { misused->arrive_and_wait(); }

// The completion function arrives itself: one arrival more than the barrier has parties.
void arrive_from_the_completion() {
  fiber::sync::barrier<plain_completion> sync(1, &arrive_again);
  misused = &sync;
  sync.arrive_and_wait();
}

void let_a_third_party_in() noexcept {
  std::thread third([] { misused->arrive_and_wait(); });
  third.join();
}

// A third thread arrives at a two-party barrier while its completion runs.
void three_arrivals_at_two_parties() {
  fiber::sync::barrier<plain_completion> sync(2, &let_a_third_party_in);
  misused = &sync;
  std::thread first([&] { sync.arrive_and_wait(); });
  sync.arrive_and_wait();  // the second: runs the completion
  first.join();
}

TEST_F(Sync2Misuse, BarrierWithZeroParties) {
  EXPECT_DEATH(barrier_with_zero_parties(), "barrier needs at least one party");
}

TEST_F(Sync2Misuse, BarrierArrivalFromItsCompletion) {
  EXPECT_DEATH(arrive_from_the_completion(), "while the barrier completes a generation");
}

TEST_F(Sync2Misuse, BarrierMoreArrivalsThanParties) {
  EXPECT_DEATH(three_arrivals_at_two_parties(), "more arrivals than parties");
}

TEST_F(Sync2Misuse, SemaphoreInitialAboveMax) {
  EXPECT_DEATH(fiber::sync::semaphore sem(2, 1), "initial count above max\\(\\)");
}

TEST_F(Sync2Misuse, SemaphoreReleaseBeyondMax) {
  EXPECT_DEATH(
      {
        fiber::sync::semaphore sem(1, 1);
        sem.release();
      },
      "release\\(\\) beyond max\\(\\) free permits");
}

void unlocked_wait() {
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  std::unique_lock lock(mu, std::defer_lock);
  cv.wait(lock);
}

TEST_F(Sync2Misuse, ConditionVariableWaitWithAnUnlockedLock) {
  EXPECT_DEATH(unlocked_wait(), "wait\\(\\) with a lock that does not own its mutex");
}

// A fiber waits with one mutex, then the test thread with another.
void waits_with_two_mutexes() {
  exec::manual_executor manual;
  fiber::sync::mutex first;
  fiber::sync::mutex second;
  fiber::sync::condition_variable cv;
  fiber::go(manual, [&] {
    std::unique_lock lock(first);
    cv.wait(lock);
  });
  manual.drain();
  std::unique_lock lock(second);
  cv.wait(lock);
}

TEST_F(Sync2Misuse, ConditionVariableWaitsWithTwoMutexes) {
  EXPECT_DEATH(waits_with_two_mutexes(), "concurrent waits with different mutexes");
}

#ifndef NDEBUG
void destroy_barrier_with_a_waiter() {
  exec::manual_executor manual;  // outlives the primitive: the fiber stays parked
  fiber::sync::barrier sync(2);
  fiber::go(manual, [&] { sync.arrive_and_wait(); });
  manual.drain();
}

void destroy_semaphore_with_a_waiter() {
  exec::manual_executor manual;
  fiber::sync::semaphore sem(0);
  fiber::go(manual, [&] { sem.acquire(); });
  manual.drain();
}

void destroy_condition_variable_with_a_waiter() {
  exec::manual_executor manual;
  fiber::sync::mutex mu;
  fiber::sync::condition_variable cv;
  fiber::go(manual, [&] {
    std::unique_lock lock(mu);
    cv.wait(lock);
  });
  manual.drain();
}

TEST_F(Sync2Misuse, DestroyingAPrimitiveSomeoneWaitsOn) {
  EXPECT_DEATH(destroy_barrier_with_a_waiter(),
               "barrier destroyed while fibers or threads wait on it");
  EXPECT_DEATH(destroy_semaphore_with_a_waiter(),
               "semaphore destroyed while fibers or threads wait on it");
  EXPECT_DEATH(destroy_condition_variable_with_a_waiter(),
               "condition_variable destroyed while fibers or threads wait on it");
}
#endif

}  // namespace
