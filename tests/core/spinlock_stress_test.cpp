// Stress tests of core::spinlock on real threads (faulty mode injects delays and spurious
// failures into them; TSAN sees every critical section): mutual exclusion over plain memory.
#include <cstddef>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/spinlock.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "start_gate.hpp"
#include "stress.hpp"

namespace core = spindle::core;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

// Plain memory guarded by the lock. A two-field invariant (first == second between critical
// sections) catches overlapping critical sections more often than a lost increment does.
struct guarded_state {
  twist::shared<std::size_t> first{0};
  twist::shared<std::size_t> second{0};
};

// How a worker takes the lock: each path has its own acquire, so each is exercised.
enum class acquire_path { lock, try_lock_loop, lock_guard };

}  // namespace

TEST(SpinlockStress, GuardsPlainMemoryAcrossThreads) {
  constexpr std::size_t kSectionsPerThread = 5000;
  const std::size_t threads = test::stress_threads();
  std::size_t runs = test::repeat_within_budget(1000, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;  // report the first failing run only
    core::spinlock lock;
    guarded_state state;
    twist::atomic<std::size_t> overlaps{0};
    test::start_gate gate(threads);
    std::vector<twist::thread> workers;
    for (std::size_t t = 0; t < threads; ++t) {
      workers.emplace_back([&, path = static_cast<acquire_path>(t % 3)] {
        gate.arrive_and_wait();
        for (std::size_t i = 0; i < kSectionsPerThread; ++i) {
          switch (path) {
            case acquire_path::lock:
              lock.lock();
              break;
            case acquire_path::try_lock_loop:
              while (!lock.try_lock()) twist::this_thread::yield();
              break;
            case acquire_path::lock_guard:
              break;
          }
          {
            std::unique_lock guard(lock, std::defer_lock);
            if (path == acquire_path::lock_guard) guard.lock();
            std::size_t first = state.first.read();
            if (first != state.second.read()) overlaps.fetch_add(1, std::memory_order_relaxed);
            state.first.write(first + 1);
            state.second.write(state.second.read() + 1);
          }
          if (path != acquire_path::lock_guard) lock.unlock();
        }
      });
    }
    for (auto& w : workers) w.join();
    ASSERT_EQ(overlaps.load(), 0u) << "two threads were in the critical section at once";
    ASSERT_EQ(state.first.read(), threads * kSectionsPerThread) << "lost updates";
    ASSERT_EQ(state.second.read(), threads * kSectionsPerThread);
  });
  EXPECT_GE(runs, 1u);
}
