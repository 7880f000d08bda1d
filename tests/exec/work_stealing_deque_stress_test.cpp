// Stress test of detail::work_stealing_deque: the owner pushes and pops at the bottom while
// thieves steal single tasks and halves from the top; every task is taken exactly once (by a
// pop, a steal, or via overflow), and a task's plain fields written before push are seen by
// whoever takes it (the sanitizer builds check the happens-before edge).
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/detail/work_stealing_deque.hpp>

#include "exec_test_support.hpp"
#include "stress.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;
using spindle::exec::detail::injection_queue;
using spindle::exec::detail::work_stealing_deque;

namespace {

struct counted : exec::task {
  counted() : task(&counted::invoke) {}
  static void invoke(exec::task& self) {
    auto& me = static_cast<counted&>(self);
    me.taken.fetch_add(1, std::memory_order_relaxed);
    if (me.payload != me.expected) me.bad_payload.store(true, std::memory_order_relaxed);
  }
  std::size_t payload = 0;   // plain: written by the owner before push
  std::size_t expected = 0;  // plain: written before the threads start
  twist::atomic<int> taken{0};
  twist::atomic<bool> bad_payload{false};
};

// `burst` pushes between pops: 1 keeps the deque at zero or one task, so the owner and the
// thieves race for the last task on almost every pop.
void every_task_taken_exactly_once(std::size_t burst) {
  constexpr std::size_t kTasks = 20000;
  const std::size_t thieves = test::stress_threads(2) - 1;
  test::repeat_within_budget(100, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;
    std::vector<counted> tasks(kTasks);
    for (std::size_t i = 0; i < kTasks; ++i) tasks[i].expected = i + 1;
    work_stealing_deque owner_deque;
    injection_queue overflow;
    twist::atomic<bool> owner_done{false};
    std::vector<twist::thread> threads;
    for (std::size_t k = 0; k < thieves; ++k) {
      threads.emplace_back([&, k] {
        work_stealing_deque mine;
        for (std::size_t round = 0;; ++round) {
          const bool last_round = owner_done.load(std::memory_order_acquire);
          // Alternate single steals and half steals; thief 0 only steals singles.
          if (k == 0 || round % 2 == 0) {
            if (exec::task* t = owner_deque.steal()) t->run();
          } else if (exec::task* t = owner_deque.steal_into(mine, overflow)) {
            t->run();
          }
          while (exec::task* t = mine.pop()) t->run();
          if (last_round) return;
          if (round % 4 == 0) twist::this_thread::yield();
        }
      });
    }
    std::size_t pushed = 0;
    while (pushed < kTasks) {
      for (std::size_t i = 0; i < burst && pushed < kTasks; ++i) {
        tasks[pushed].payload = pushed + 1;
        owner_deque.push(tasks[pushed++], overflow);
      }
      if (exec::task* t = owner_deque.pop()) t->run();
    }
    while (exec::task* t = owner_deque.pop()) t->run();
    owner_done.store(true, std::memory_order_release);
    for (auto& t : threads) t.join();
    while (exec::task* t = owner_deque.pop()) t->run();
    while (exec::task* t = overflow.pop_front()) t->run();
    std::size_t wrong = 0;
    std::size_t bad = 0;
    for (auto& t : tasks) {
      wrong += t.taken.load() != 1;
      bad += t.bad_payload.load();
    }
    EXPECT_EQ(wrong, 0u) << "tasks lost or taken twice";
    EXPECT_EQ(bad, 0u) << "a taker saw a task's fields from before its push";
  });
}

}  // namespace

TEST(WorkStealingDequeStress, EveryTaskIsTakenExactlyOnceWhenTheDequeRunsDry) {
  every_task_taken_exactly_once(1);
}

TEST(WorkStealingDequeStress, EveryTaskIsTakenExactlyOnceWithOverflow) {
  every_task_taken_exactly_once(7);  // more pushes than pops: overflow to the injection queue
}
