// Stress tests of the faulty-mode mutex and condition variable on real threads, within the
// stress budget (tests/support/stress.hpp): a bounded buffer with producers and consumers,
// and a counter guarded by lock() and (spuriously failing) try_lock().
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/twist/condition_variable.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "stress.hpp"

namespace twist = spindle::twist;

namespace {

// Tiny on purpose: producers block on "full" and consumers on "empty" all the time.
constexpr std::size_t kCapacity = 2;
constexpr std::uint64_t kItemsPerProducer = 200;
constexpr std::size_t kMaxIterations = 200;

class bounded_buffer {
 public:
  void push(std::uint64_t item) {
    std::unique_lock lock{mu_};
    not_full_.wait(lock, [&] { return guarded_.items.size() < kCapacity; });
    guarded_.items.push_back(item);
    not_empty_.notify_one();
  }

  std::uint64_t pop() {
    std::unique_lock lock{mu_};
    not_empty_.wait(lock, [&] { return !guarded_.items.empty(); });
    const std::uint64_t item = guarded_.items.front();
    guarded_.items.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  twist::mutex mu_;
  twist::condition_variable not_full_;
  twist::condition_variable not_empty_;
  struct {
    std::deque<std::uint64_t> items;
  } guarded_;  // guarded by mu_
};

}  // namespace

TEST(FaultyMutexStress, ProducersAndConsumersLoseAndDuplicateNothing) {
  const std::size_t num_threads = spindle::test::stress_threads();
  const std::size_t producers = num_threads / 2;
  const std::size_t consumers = num_threads - producers;
  const std::uint64_t total = producers * kItemsPerProducer;
  const std::size_t iterations = spindle::test::repeat_within_budget(kMaxIterations, [&](std::size_t) {
    bounded_buffer buffer;
    // Each consumer takes a fixed share, so every thread knows when it is done.
    std::vector<std::uint64_t> sums(consumers, 0);
    std::vector<std::uint64_t> counts(consumers, 0);
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&buffer, p] {
        for (std::uint64_t i = 0; i < kItemsPerProducer; ++i) buffer.push(p * kItemsPerProducer + i + 1);
      });
    }
    for (std::size_t c = 0; c < consumers; ++c) {
      const std::uint64_t share = total / consumers + (c < total % consumers ? 1 : 0);
      threads.emplace_back([&buffer, &sums, &counts, c, share] {
        for (std::uint64_t i = 0; i < share; ++i) {
          sums[c] += buffer.pop();
          ++counts[c];
        }
      });
    }
    for (auto& thread : threads) thread.join();
    std::uint64_t sum = 0;
    std::uint64_t count = 0;
    for (std::size_t c = 0; c < consumers; ++c) {
      sum += sums[c];
      count += counts[c];
    }
    ASSERT_EQ(count, total);
    ASSERT_EQ(sum, total * (total + 1) / 2) << "an item was lost or duplicated";
  });
  EXPECT_GE(iterations, 1u);
}

TEST(FaultyMutexStress, LockAndTryLockExcludeEachOther) {
  constexpr int kRounds = 500;
  const std::size_t num_threads = spindle::test::stress_threads();
  spindle::test::repeat_within_budget(kMaxIterations, [&](std::size_t) {
    twist::mutex mu;
    std::uint64_t counter = 0;  // guarded by mu; TSAN checks that it really is
    // guarded by mu. A twist::shared cell: its accesses are injection points (opaque calls), so
    // the compiler cannot drop the `true` store as dead and the overlap check stays real.
    twist::shared<bool> inside{false};
    std::vector<twist::thread> threads;
    for (std::size_t t = 0; t < num_threads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kRounds; ++i) {
          if (t % 2 == 0) {
            mu.lock();
          } else {
            while (!mu.try_lock()) twist::this_thread::yield();
          }
          EXPECT_FALSE(inside.read()) << "two threads inside the critical section";
          inside.write(true);
          ++counter;
          inside.write(false);
          mu.unlock();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_EQ(counter, num_threads * kRounds);
  });
}
