// detail::work_stealing_deque on one thread: the owner's end is LIFO, thieves take the oldest,
// a full deque moves its older half to the injection queue, steal_into takes half.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/detail/work_stealing_deque.hpp>

namespace exec = spindle::exec;
using spindle::exec::detail::injection_queue;
using spindle::exec::detail::work_stealing_deque;

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

constexpr auto kCapacity = static_cast<std::size_t>(work_stealing_deque::kCapacity);

}  // namespace

TEST(WorkStealingDeque, OwnerPopsNewestFirst) {
  auto tasks = make_tasks(kCapacity);
  work_stealing_deque q;
  injection_queue overflow;
  EXPECT_TRUE(q.empty_hint());
  EXPECT_EQ(q.pop(), nullptr);
  for (auto& t : tasks) q.push(t, overflow);
  EXPECT_FALSE(q.empty_hint());
  EXPECT_TRUE(overflow.empty_hint());
  for (std::size_t i = kCapacity; i-- > 0;) ASSERT_EQ(id_of(q.pop()), i);
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_TRUE(q.empty_hint());
}

TEST(WorkStealingDeque, StealTakesOldestFirstAndMeetsTheOwnerInTheMiddle) {
  auto tasks = make_tasks(kCapacity);
  work_stealing_deque q;
  injection_queue overflow;
  for (auto& t : tasks) q.push(t, overflow);
  for (std::size_t i = 0; i < kCapacity / 2; ++i) ASSERT_EQ(id_of(q.steal()), i);
  for (std::size_t i = kCapacity; i-- > kCapacity / 2;) ASSERT_EQ(id_of(q.pop()), i);
  EXPECT_EQ(q.steal(), nullptr);
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(WorkStealingDeque, TheLastTaskGoesToWhoeverTakesItFirst) {
  auto tasks = make_tasks(2);
  work_stealing_deque q;
  injection_queue overflow;
  q.push(tasks[0], overflow);
  EXPECT_EQ(q.steal(), &tasks[0]);
  EXPECT_EQ(q.pop(), nullptr);  // the owner's CAS path finds it gone
  q.push(tasks[1], overflow);
  EXPECT_EQ(q.pop(), &tasks[1]);
  EXPECT_EQ(q.steal(), nullptr);
  EXPECT_TRUE(q.empty_hint());
}

TEST(WorkStealingDeque, AFullDequeMovesItsOlderHalfAndTheNewTaskToTheInjectionQueue) {
  auto tasks = make_tasks(kCapacity + 1);
  work_stealing_deque q;
  injection_queue overflow;
  for (auto& t : tasks) q.push(t, overflow);
  ASSERT_EQ(overflow.size_hint(), kCapacity / 2 + 1);
  for (std::size_t i = 0; i < kCapacity / 2; ++i) ASSERT_EQ(id_of(overflow.pop_front()), i);
  EXPECT_EQ(id_of(overflow.pop_front()), kCapacity);  // the new task, behind the moved half
  for (std::size_t i = kCapacity; i-- > kCapacity / 2;) ASSERT_EQ(id_of(q.pop()), i);
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(WorkStealingDeque, StealIntoTakesHalfRoundedUpAndReturnsTheOldest) {
  for (std::size_t n = 1; n <= kCapacity; ++n) {
    auto tasks = make_tasks(n);
    work_stealing_deque victim;
    work_stealing_deque thief;
    injection_queue overflow;
    for (auto& t : tasks) victim.push(t, overflow);
    const std::size_t taken = (n + 1) / 2;
    ASSERT_EQ(id_of(victim.steal_into(thief, overflow)), 0u) << n;
    for (std::size_t i = taken; i-- > 1;) ASSERT_EQ(id_of(thief.pop()), i) << n;
    EXPECT_EQ(thief.pop(), nullptr) << n;
    for (std::size_t i = n; i-- > taken;) ASSERT_EQ(id_of(victim.pop()), i) << n;
    EXPECT_EQ(victim.steal_into(thief, overflow), nullptr) << n;
    EXPECT_TRUE(overflow.empty_hint());
  }
}

// Indices only grow; the ring wraps many times over without losing order.
TEST(WorkStealingDeque, ManyLapsOfTheRing) {
  auto tasks = make_tasks(3);
  work_stealing_deque q;
  injection_queue overflow;
  for (std::size_t lap = 0; lap < 10 * kCapacity; ++lap) {
    for (auto& t : tasks) q.push(t, overflow);
    ASSERT_EQ(id_of(q.steal()), 0u);
    ASSERT_EQ(id_of(q.pop()), 2u);
    ASSERT_EQ(id_of(q.pop()), 1u);
    ASSERT_EQ(q.pop(), nullptr);
  }
  EXPECT_TRUE(overflow.empty_hint());
}
