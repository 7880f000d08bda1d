// Unit tests of core::intrusive::mpsc_stack on one thread (concurrency: the stress tests).
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/core/intrusive/queue.hpp>

namespace intrusive = spindle::core::intrusive;

namespace {

struct inbox_tag;

struct item : intrusive::forward_hook<>, intrusive::forward_hook<inbox_tag> {
  explicit item(int v) : value(v) {}
  int value;
};

using mpsc = intrusive::mpsc_stack<item>;
using ints = std::vector<int>;

ints values(const intrusive::forward_list<item>& l) {
  ints out;
  for (const item& i : l) out.push_back(i.value);
  return out;
}

static_assert(!std::is_copy_constructible_v<mpsc> && !std::is_move_constructible_v<mpsc>);
static_assert(sizeof(mpsc) == sizeof(void*));

}  // namespace

TEST(MpscStack, PopAllOfEmptyIsEmpty) {
  mpsc s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.pop_all().empty());
  EXPECT_TRUE(s.pop_all_fifo().empty());
}

TEST(MpscStack, PushReportsWhetherTheStackWasEmpty) {
  item a{1}, b{2};
  mpsc s;
  EXPECT_TRUE(s.push(a));
  EXPECT_FALSE(s.push(b));
  EXPECT_FALSE(s.empty());
  auto taken = s.pop_all();
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.push(*taken.pop_front()));
  s.pop_all().clear();
  taken.clear();
}

TEST(MpscStack, PopAllIsNewestFirstWithSizeAndTail) {
  item a{1}, b{2}, c{3}, d{4};
  mpsc s;
  s.push(a);
  s.push(b);
  s.push(c);
  auto taken = s.pop_all();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(values(taken), (ints{3, 2, 1}));
  EXPECT_EQ(taken.size(), 3u);
  EXPECT_EQ(&taken.back(), &a);  // adopt_chain found the tail
  taken.push_back(d);
  EXPECT_EQ(values(taken), (ints{3, 2, 1, 4}));
  taken.clear();
}

TEST(MpscStack, PopAllFifoIsPushOrder) {
  item a{1}, b{2}, c{3};
  mpsc s;
  s.push(a);
  s.push(b);
  auto first = s.pop_all_fifo();
  s.push(c);
  auto second = s.pop_all_fifo();
  EXPECT_EQ(values(first), (ints{1, 2}));
  EXPECT_EQ(&first.back(), &b);
  EXPECT_EQ(values(second), (ints{3}));
  intrusive::queue<item> q;  // a consumer's typical next step
  q.splice(first);
  q.splice(second);
  ints order;
  while (item* i = q.pop_front()) order.push_back(i->value);
  EXPECT_EQ(order, (ints{1, 2, 3}));
}

TEST(MpscStack, PoppedNodesCanBePushedAgain) {
  item a{1};
  mpsc s;
  for (int round = 0; round < 3; ++round) {
    s.push(a);
    auto taken = s.pop_all();
    ASSERT_EQ(taken.pop_front(), &a);
  }
}

TEST(MpscStack, TagsKeepMembershipsApart) {
  item a{1}, b{2};
  mpsc by_default;
  intrusive::mpsc_stack<item, inbox_tag> inbox;
  by_default.push(a);
  by_default.push(b);
  inbox.push(a);  // a is in both stacks at once
  auto from_inbox = inbox.pop_all();
  ASSERT_EQ(from_inbox.size(), 1u);
  EXPECT_EQ(&from_inbox.front(), &a);
  EXPECT_EQ(values(by_default.pop_all_fifo()), (ints{1, 2}));
  from_inbox.clear();
}

TEST(MpscStack, DestructionLeavesRemainingNodesUnlinked) {
  item a{1};
  {
    mpsc s;
    s.push(a);
  }
  mpsc s;
  s.push(a);  // would assert (with asserts on) if a were still marked linked
  EXPECT_EQ(s.pop_all().size(), 1u);
}
