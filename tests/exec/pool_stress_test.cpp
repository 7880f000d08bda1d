// Stress tests of the pools on real threads (faulty mode + TSAN / ASAN in the matrix): many
// producers, tasks submitting tasks with every hint, and stop() while everything is busy.
// Every task must run exactly once; no submit may be lost or dropped silently.
#include <cstddef>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "exec_test_support.hpp"
#include "stress.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

class PoolStress : public testing::TestWithParam<test::pool_kind> {};

constexpr exec::hint kHints[] = {exec::hint::any, exec::hint::next, exec::hint::yield,
                                 exec::hint::inline_allowed};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Kinds, PoolStress,
                         testing::Values(test::pool_kind::compute_mutex,
                                         test::pool_kind::compute_lock_free,
                                         test::pool_kind::fast),
                         test::pool_kind_param_name());

TEST_P(PoolStress, ManyProducersAndTasksSubmittingTasks) {
  const std::size_t producers = test::stress_threads(3);
  constexpr std::size_t kPerProducer = 300;
  constexpr int kChildren = 2;  // each producer's task submits this many children
  auto pool = test::make_pool(GetParam(), 3);
  std::size_t rounds = test::repeat_within_budget(50, [&](std::size_t round) {
    if (testing::Test::HasFailure()) return;
    std::vector<twist::atomic<int>> runs(producers * kPerProducer);
    twist::atomic<std::size_t> children{0};
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        for (std::size_t i = 0; i < kPerProducer; ++i) {
          const std::size_t id = p * kPerProducer + i;
          exec::submit(*pool, [&, id] {
            runs[id].fetch_add(1, std::memory_order_relaxed);
            for (int c = 0; c < kChildren; ++c) {
              exec::submit(*pool, [&] { children.fetch_add(1, std::memory_order_relaxed); },
                           kHints[(id + c) % 4]);
            }
          }, kHints[(id + round) % 4]);
        }
      });
    }
    for (auto& t : threads) t.join();
    pool->wait_idle();
    for (std::size_t id = 0; id < runs.size(); ++id) {
      ASSERT_EQ(runs[id].load(), 1) << "task " << id << " of round " << round;
    }
    EXPECT_EQ(children.load(), runs.size() * kChildren);
  });
  EXPECT_GE(rounds, 1u);
}

TEST_P(PoolStress, StopWhileProducersAndTasksAreBusy) {
  const std::size_t producers = test::stress_threads(2);
  test::repeat_within_budget(30, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;
    auto pool = test::make_pool(GetParam(), 2);
    twist::atomic<std::size_t> accepted{0};  // successful submits, external and internal
    twist::atomic<std::size_t> ran{0};
    twist::atomic<std::size_t> refused{0};
    // A task that submits a chain of descendants; from a worker, submits are always accepted.
    std::function<void(int)> chain = [&](int depth) {
      ran.fetch_add(1);
      if (depth == 0) return;
      accepted.fetch_add(1);
      exec::submit(*pool, [&chain, depth] { chain(depth - 1); }, kHints[depth % 4]);
    };
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&] {
        for (;;) {
          try {
            exec::submit(*pool, [&] { chain(8); });
            accepted.fetch_add(1);
          } catch (const exec::executor_stopped&) {
            refused.fetch_add(1);
            return;
          }
        }
      });
    }
    ASSERT_TRUE(test::eventually([&] { return ran.load() > 100; }));
    pool->stop();
    const std::size_t ran_at_stop = ran.load();
    for (auto& t : threads) t.join();
    EXPECT_EQ(refused.load(), producers) << "each producer stops at its first refusal";
    EXPECT_EQ(ran.load(), ran_at_stop) << "a task ran after stop() returned";
    EXPECT_EQ(ran.load(), accepted.load()) << "an accepted task was dropped or ran twice";
  });
}
