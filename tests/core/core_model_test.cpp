// Model tests of core primitives: one body each, explored by the simulator in sim builds
// (random walk, then bounded DFS) and repeated on real threads in std/faulty builds. The
// guarded data are twist::shared cells, so in sim builds the race detector also checks that
// the primitives' memory orders publish what they protect.
#include <array>
#include <cstddef>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace core = spindle::core;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

namespace {

// Both kinds of exploration a model test gets in sim builds.
constexpr test::exploration_plan kPlan{
    .random_runs = 3000, .second = sim::strategy::dfs, .second_runs = 20'000};

TEST(SpinlockModel, MutualExclusionAndPublication) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      core::spinlock lock;
      twist::shared<int> counter{0};
      auto work = [&] {
        for (int i = 0; i < 2; ++i) {
          std::lock_guard guard{lock};
          counter.write(counter.read() + 1);
        }
      };
      twist::thread a(work);
      twist::thread b(work);
      work();
      a.join();
      b.join();
      SPINDLE_VERIFY(counter.read() == 6, "a critical section was lost");
    });
  }
}

TEST(SpinlockModel, TryLockNeverAdmitsTwo) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      core::spinlock lock;
      twist::shared<int> inside{0};
      auto attempt = [&] {
        if (!lock.try_lock()) return;
        inside.write(inside.read() + 1);
        SPINDLE_VERIFY(inside.read() == 1, "two holders");
        inside.write(inside.read() - 1);
        lock.unlock();
      };
      twist::thread a(attempt);
      attempt();
      a.join();
    });
  }
}

struct node : core::intrusive::forward_hook<> {
  twist::shared<int> value{0};
};

TEST(MpscStackModel, EveryPushIsPoppedOnceWithItsValue) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      core::intrusive::mpsc_stack<node> stack;
      std::array<node, 4> nodes;
      auto produce = [&](int first) {
        for (int i = first; i < first + 2; ++i) {
          nodes[static_cast<std::size_t>(i)].value.write(i + 1);  // published by push
          stack.push(nodes[static_cast<std::size_t>(i)]);
        }
      };
      twist::thread p1(produce, 0);
      twist::thread p2(produce, 2);
      int seen = 0;
      int sum = 0;
      while (seen < 4) {
        auto batch = stack.pop_all_fifo();
        int previous_of_p1 = 0;
        int previous_of_p2 = 0;
        while (!batch.empty()) {
          node& n = *batch.pop_front();
          const int v = n.value.read();
          // FIFO within one batch keeps each producer's order.
          int& previous = v <= 2 ? previous_of_p1 : previous_of_p2;
          SPINDLE_VERIFY(v > previous, "a producer's pushes came out of order");
          previous = v;
          sum += v;
          ++seen;
        }
        if (seen < 4) twist::this_thread::yield();
      }
      p1.join();
      p2.join();
      SPINDLE_VERIFY(sum == 1 + 2 + 3 + 4, "a node was lost or popped twice");
      SPINDLE_VERIFY(stack.empty(), "the stack should be drained");
    });
  }
}

}  // namespace
