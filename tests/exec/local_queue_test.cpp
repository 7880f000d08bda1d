// detail::local_queue on one thread: FIFO, overflow of half to the injection queue, steal-half.
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/detail/local_queue.hpp>

namespace exec = spindle::exec;
using spindle::exec::detail::injection_queue;
using spindle::exec::detail::local_queue;

namespace {

struct numbered : exec::task {
  numbered() : task(&numbered::invoke) {}
  static void invoke(exec::task&) {}
  std::size_t id = 0;
};

std::size_t id_of(exec::task* t) { return static_cast<numbered*>(t)->id; }

std::vector<numbered> make_tasks(std::size_t n) {
  std::vector<numbered> tasks(n);
  for (std::size_t i = 0; i < n; ++i) tasks[i].id = i;
  return tasks;
}

}  // namespace

TEST(LocalQueue, OwnerPopsInPushOrder) {
  constexpr std::size_t n = local_queue::kCapacity;
  auto tasks = make_tasks(n);
  local_queue q;
  injection_queue overflow;
  EXPECT_TRUE(q.empty_hint());
  for (auto& t : tasks) q.push_back(t, overflow);
  EXPECT_TRUE(overflow.empty_hint());
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(id_of(q.pop()), i);
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_TRUE(q.empty_hint());
}

TEST(LocalQueue, AFullQueueMovesItsOlderHalfAndTheNewTaskToTheInjectionQueue) {
  constexpr std::size_t n = local_queue::kCapacity;
  auto tasks = make_tasks(n + 1);
  local_queue q;
  injection_queue overflow;
  for (auto& t : tasks) q.push_back(t, overflow);
  EXPECT_EQ(overflow.size_hint(), n / 2 + 1);
  for (std::size_t i = 0; i < n / 2; ++i) ASSERT_EQ(id_of(overflow.pop_front()), i);
  EXPECT_EQ(id_of(overflow.pop_front()), n);  // the new task, behind the moved half
  for (std::size_t i = n / 2; i < n; ++i) ASSERT_EQ(id_of(q.pop()), i);
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(LocalQueue, StealTakesTheOlderHalfAndReturnsOneToRun) {
  constexpr std::size_t n = local_queue::kCapacity;
  auto tasks = make_tasks(n);
  local_queue victim;
  local_queue thief;
  injection_queue overflow;
  for (auto& t : tasks) victim.push_back(t, overflow);
  exec::task* first = victim.steal_into(thief);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(id_of(first), n / 2 - 1);  // the newest of the stolen half runs now
  for (std::size_t i = 0; i < n / 2 - 1; ++i) ASSERT_EQ(id_of(thief.pop()), i);
  EXPECT_EQ(thief.pop(), nullptr);
  for (std::size_t i = n / 2; i < n; ++i) ASSERT_EQ(id_of(victim.pop()), i);
  EXPECT_EQ(victim.steal_into(thief), nullptr);  // nothing left
}

TEST(LocalQueue, StealingFromOneTaskTakesIt) {
  auto tasks = make_tasks(1);
  local_queue victim;
  local_queue thief;
  injection_queue overflow;
  victim.push_back(tasks[0], overflow);
  EXPECT_EQ(victim.steal_into(thief), &tasks[0]);
  EXPECT_EQ(victim.pop(), nullptr);
  EXPECT_EQ(thief.pop(), nullptr);
}
