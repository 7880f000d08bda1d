// Unit and storage tests of twist::futex: wait/wake, timed wait, and the wake rule
// (prepare_wake before the store that lets the waiter free the word).
#include <chrono>
#include <cstdint>
#include <memory>

#include <gtest/gtest.h>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/thread.hpp>

#include "stress.hpp"

namespace twist = spindle::twist;
using namespace std::chrono_literals;

TEST(TwistFutex, WaitReturnsAtOnceWhenValueDiffers) {
  twist::atomic<std::uint32_t> word{1};
  EXPECT_EQ(twist::futex::wait(word, 0), 1u);
}

TEST(TwistFutex, WakeOneReleasesWaiter) {
  twist::atomic<std::uint32_t> word{0};
  twist::thread waiter([&] {
    while (word.load(std::memory_order_acquire) == 0) {
      twist::futex::wait(word, 0, std::memory_order_acquire);
    }
  });
  twist::this_thread::sleep_for(1ms);
  auto key = twist::futex::prepare_wake(word);
  word.store(1, std::memory_order_release);  // release: pairs with the waiter's acquire load
  twist::futex::wake_one(key);
  waiter.join();
  EXPECT_EQ(word.load(), 1u);
}

TEST(TwistFutex, WakeAllReleasesEveryWaiter) {
  twist::atomic<std::uint32_t> word{0};
  std::vector<twist::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      while (word.load(std::memory_order_acquire) == 0) twist::futex::wait(word, 0);
    });
  }
  auto key = twist::futex::prepare_wake(word);
  word.store(1, std::memory_order_release);
  twist::futex::wake_all(key);
  for (auto& t : waiters) t.join();
}

TEST(TwistFutex, TimedWaitTimesOut) {
  twist::atomic<std::uint32_t> word{0};
  auto start = std::chrono::steady_clock::now();
  bool woken = true;
  // Spurious wakeups are allowed, so retry until the timeout is observed.
  for (int i = 0; i < 100 && woken; ++i) woken = twist::futex::wait_for(word, 0, 1ms);
  EXPECT_FALSE(woken);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1ms);
  EXPECT_FALSE(twist::futex::wait_for(word, 0, 0ns));
}

// Storage: the waiter frees the word as soon as it sees the store; the waker must not touch
// the word after it (ASAN catches a use-after-free if the facade's wake did).
TEST(TwistFutex, WakerDoesNotTouchWordAfterPublishing) {
  spindle::test::repeat_within_budget(2000, [](std::size_t) {
    auto* word = new twist::atomic<std::uint32_t>{0};
    twist::thread waiter([word] {
      while (word->load(std::memory_order_acquire) == 0) twist::futex::wait(*word, 0);
      delete word;
    });
    auto key = twist::futex::prepare_wake(*word);
    word->store(1, std::memory_order_release);  // release: pairs with the waiter's acquire load
    twist::futex::wake_one(key);
    waiter.join();
  });
}
