// Stress test of detail::local_queue: the owner pushes and pops while thieves steal halves into
// their own queues; every task is taken exactly once (by a pop, a steal, or via overflow).
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/detail/local_queue.hpp>

#include "exec_test_support.hpp"
#include "stress.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;
using spindle::exec::detail::injection_queue;
using spindle::exec::detail::local_queue;

namespace {

struct counted : exec::task {
  counted() : task(&counted::invoke) {}
  static void invoke(exec::task& self) {
    static_cast<counted&>(self).taken.fetch_add(1, std::memory_order_relaxed);
  }
  twist::atomic<int> taken{0};
};

}  // namespace

TEST(LocalQueueStress, EveryTaskIsTakenExactlyOnce) {
  constexpr std::size_t kTasks = 20000;
  const std::size_t thieves = test::stress_threads(2) - 1;
  test::repeat_within_budget(100, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;
    std::vector<counted> tasks(kTasks);
    local_queue owner_queue;
    injection_queue overflow;
    twist::atomic<bool> owner_done{false};
    std::vector<twist::thread> threads;
    for (std::size_t k = 0; k < thieves; ++k) {
      threads.emplace_back([&] {
        local_queue mine;
        for (;;) {
          const bool last_round = owner_done.load(std::memory_order_acquire);
          if (exec::task* t = owner_queue.steal_into(mine)) t->run();
          while (exec::task* t = mine.pop()) t->run();
          if (last_round) return;
          twist::this_thread::yield();
        }
      });
    }
    std::size_t pushed = 0;
    while (pushed < kTasks) {
      for (int i = 0; i < 5 && pushed < kTasks; ++i) owner_queue.push_back(tasks[pushed++], overflow);
      if (exec::task* t = owner_queue.pop()) t->run();
    }
    while (exec::task* t = owner_queue.pop()) t->run();
    owner_done.store(true, std::memory_order_release);
    for (auto& t : threads) t.join();
    while (exec::task* t = owner_queue.pop()) t->run();
    while (exec::task* t = overflow.pop_front()) t->run();
    std::size_t wrong = 0;
    for (auto& t : tasks) wrong += t.taken.load() != 1;
    EXPECT_EQ(wrong, 0u) << "tasks lost or taken twice";
  });
}
