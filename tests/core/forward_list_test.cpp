// Unit tests of core::intrusive::forward_list and forward_hook.
#include <algorithm>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/intrusive/forward_list.hpp>

namespace intrusive = spindle::core::intrusive;

namespace {

struct other_tag;

struct item : intrusive::forward_hook<>, intrusive::forward_hook<other_tag> {
  explicit item(int v) : value(v) {}
  int value;
};

using list = intrusive::forward_list<item>;
using other_list = intrusive::forward_list<item, other_tag>;

template <class List>
std::vector<int> values(const List& l) {
  std::vector<int> out;
  for (const item& i : l) out.push_back(i.value);
  return out;
}

using ints = std::vector<int>;

static_assert(!std::is_copy_constructible_v<list>);
static_assert(!std::is_copy_assignable_v<list>);
static_assert(std::is_nothrow_move_constructible_v<list>);
static_assert(std::is_nothrow_move_assignable_v<list>);
static_assert(std::forward_iterator<list::iterator>);
static_assert(std::forward_iterator<list::const_iterator>);
static_assert(std::is_convertible_v<list::iterator, list::const_iterator>);
static_assert(!std::is_convertible_v<list::const_iterator, list::iterator>);
// The hook is one pointer: no per-node overhead beyond `next`.
static_assert(sizeof(intrusive::forward_hook<>) == sizeof(void*));

}  // namespace

TEST(IntrusiveForwardList, StartsEmpty) {
  list l;
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.pop_front(), nullptr);
  EXPECT_EQ(l.begin(), l.end());
}

TEST(IntrusiveForwardList, PushBackKeepsOrderPushFrontPrepends) {
  item a{1}, b{2}, c{3};
  list l;
  l.push_back(b);
  l.push_back(c);
  l.push_front(a);
  EXPECT_EQ(values(l), (ints{1, 2, 3}));
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(&l.front(), &a);
  EXPECT_EQ(&l.back(), &c);
  EXPECT_EQ(l.pop_front(), &a);
  EXPECT_EQ(l.pop_front(), &b);
  EXPECT_EQ(l.pop_front(), &c);
  EXPECT_EQ(l.pop_front(), nullptr);
  EXPECT_TRUE(l.empty());
}

TEST(IntrusiveForwardList, TailIsResetWhenTheLastNodeLeaves) {
  item a{1}, b{2};
  list l;
  l.push_back(a);
  EXPECT_EQ(l.pop_front(), &a);
  l.push_back(b);  // would link behind the stale tail `a` if tail_ were not reset
  EXPECT_EQ(values(l), (ints{2}));
  EXPECT_EQ(&l.back(), &b);
  l.push_front(a);
  EXPECT_EQ(&l.back(), &b);
  l.clear();
}

TEST(IntrusiveForwardList, PoppedNodesCanBeInsertedAgain) {
  item a{1};
  list l;
  for (int round = 0; round < 3; ++round) {
    l.push_back(a);
    ASSERT_EQ(l.pop_front(), &a);
    l.push_front(a);
    ASSERT_EQ(l.pop_front(), &a);
  }
}

TEST(IntrusiveForwardList, SpliceBackAppendsAndEmptiesTheOther) {
  item a{1}, b{2}, c{3}, d{4};
  list l, other;
  l.push_back(a);
  l.push_back(b);
  other.push_back(c);
  other.push_back(d);
  l.splice_back(other);
  EXPECT_EQ(values(l), (ints{1, 2, 3, 4}));
  EXPECT_EQ(l.size(), 4u);
  EXPECT_EQ(&l.back(), &d);
  EXPECT_TRUE(other.empty());
  EXPECT_EQ(other.size(), 0u);
  item e{5};
  l.push_back(e);  // the tail moved to the spliced list's tail
  EXPECT_EQ(values(l), (ints{1, 2, 3, 4, 5}));
  l.clear();
}

TEST(IntrusiveForwardList, SpliceFrontPrependsAndEmptiesTheOther) {
  item a{1}, b{2}, c{3}, d{4};
  list l, other;
  l.push_back(c);
  l.push_back(d);
  other.push_back(a);
  other.push_back(b);
  l.splice_front(other);
  EXPECT_EQ(values(l), (ints{1, 2, 3, 4}));
  EXPECT_EQ(&l.back(), &d);
  EXPECT_TRUE(other.empty());
  l.clear();
}

TEST(IntrusiveForwardList, SpliceWithEmptyListsOnEitherSide) {
  item a{1}, b{2};
  list l, empty;
  l.splice_back(empty);
  l.splice_front(empty);
  EXPECT_TRUE(l.empty());
  empty.push_back(a);
  l.splice_front(empty);  // into an empty list: takes head and tail
  EXPECT_EQ(values(l), (ints{1}));
  l.push_back(b);
  EXPECT_EQ(values(l), (ints{1, 2}));
  list other;
  other.splice_back(l);
  EXPECT_EQ(values(other), (ints{1, 2}));
  EXPECT_EQ(&other.back(), &b);
  other.splice_back(list{});  // an rvalue list
  EXPECT_EQ(other.size(), 2u);
  other.clear();
}

TEST(IntrusiveForwardList, ReverseFixesHeadAndTail) {
  item a{1}, b{2}, c{3}, d{4};
  list l;
  l.reverse();
  EXPECT_TRUE(l.empty());
  l.push_back(a);
  l.reverse();
  EXPECT_EQ(values(l), (ints{1}));
  EXPECT_EQ(&l.back(), &a);
  l.push_back(b);
  l.push_back(c);
  l.reverse();
  EXPECT_EQ(values(l), (ints{3, 2, 1}));
  EXPECT_EQ(&l.front(), &c);
  EXPECT_EQ(&l.back(), &a);
  l.push_back(d);  // links behind the new tail
  EXPECT_EQ(values(l), (ints{3, 2, 1, 4}));
  EXPECT_EQ(l.size(), 4u);
  l.clear();
}

TEST(IntrusiveForwardList, MoveTransfersNodes) {
  item a{1}, b{2}, c{3};
  list l;
  l.push_back(a);
  l.push_back(b);
  list moved(std::move(l));
  EXPECT_TRUE(l.empty());  // NOLINT(bugprone-use-after-move): specified empty
  EXPECT_EQ(values(moved), (ints{1, 2}));
  list assigned;
  assigned.push_back(c);
  assigned = std::move(moved);  // c is dropped (unlinked), a and b move over
  EXPECT_EQ(values(assigned), (ints{1, 2}));
  EXPECT_TRUE(moved.empty());   // NOLINT(bugprone-use-after-move)
  l.push_back(c);               // c is free again
  EXPECT_EQ(values(l), (ints{3}));
  list& same = assigned;
  assigned = std::move(same);  // self-move keeps the nodes
  EXPECT_EQ(values(assigned), (ints{1, 2}));
  l.clear();
  assigned.clear();
}

TEST(IntrusiveForwardList, ClearAndDestructionLeaveNodesReusable) {
  item a{1}, b{2};
  {
    list l;
    l.push_back(a);
    l.push_back(b);
  }  // destroyed non-empty
  list l;
  l.push_back(a);
  l.push_back(b);
  l.clear();
  EXPECT_TRUE(l.empty());
  l.push_back(b);
  l.push_back(a);
  EXPECT_EQ(values(l), (ints{2, 1}));
  l.clear();
}

TEST(IntrusiveForwardList, OneNodeInTwoListsByTag) {
  item a{1}, b{2};
  list by_default;
  other_list by_other;
  by_default.push_back(a);
  by_default.push_back(b);
  by_other.push_back(b);
  by_other.push_back(a);
  EXPECT_EQ(values(by_default), (ints{1, 2}));
  EXPECT_EQ(values(by_other), (ints{2, 1}));
  EXPECT_EQ(by_default.pop_front(), &a);
  EXPECT_EQ(values(by_other), (ints{2, 1}));  // untouched by the other tag's pop
  by_default.clear();
  by_other.clear();
}

TEST(IntrusiveForwardList, CopyOfALinkedNodeIsNotLinked) {
  item a{1};
  list l;
  l.push_back(a);
  item copy = a;  // NOLINT(performance-unnecessary-copy-initialization)
  l.push_back(copy);  // would assert if the copy had inherited a's membership
  EXPECT_EQ(values(l), (ints{1, 1}));
  item assigned{7};
  assigned = a;
  l.push_front(assigned);
  EXPECT_EQ(values(l), (ints{1, 1, 1}));
  l.clear();
}

TEST(IntrusiveForwardList, IteratorsWorkWithStandardAlgorithms) {
  item a{1}, b{2}, c{3};
  list l;
  l.push_back(a);
  l.push_back(b);
  l.push_back(c);
  EXPECT_EQ(std::distance(l.begin(), l.end()), 3);
  auto found = std::find_if(l.begin(), l.end(), [](const item& i) { return i.value == 2; });
  ASSERT_NE(found, l.end());
  EXPECT_EQ(&*found, &b);
  found->value = 20;  // mutable through iterator
  EXPECT_EQ(b.value, 20);
  const list& view = l;
  list::const_iterator it = view.begin();
  EXPECT_EQ(it->value, 1);
  EXPECT_EQ((it++)->value, 1);
  EXPECT_EQ(it->value, 20);
  list::const_iterator converted = l.begin();
  EXPECT_EQ(converted, view.cbegin());
  l.clear();
}
