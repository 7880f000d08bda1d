// Unit tests of the intrusive queue (FIFO) and stack (LIFO) adaptors.
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/intrusive/stack.hpp>

namespace intrusive = spindle::core::intrusive;

namespace {

struct item : intrusive::forward_hook<> {
  explicit item(int v) : value(v) {}
  int value;
};

using queue = intrusive::queue<item>;
using stack = intrusive::stack<item>;
using list = intrusive::forward_list<item>;
using ints = std::vector<int>;

template <class Container, class Pop>
ints drain(Container& c, Pop pop) {
  ints out;
  while (item* i = pop(c)) out.push_back(i->value);
  return out;
}
ints drain(queue& q) { return drain(q, [](queue& c) { return c.pop_front(); }); }
ints drain(stack& s) { return drain(s, [](stack& c) { return c.pop(); }); }

static_assert(!std::is_copy_constructible_v<queue> && std::is_nothrow_move_constructible_v<queue>);
static_assert(!std::is_copy_constructible_v<stack> && std::is_nothrow_move_constructible_v<stack>);
// Thin adaptors: nothing beyond the list they wrap.
static_assert(sizeof(queue) == sizeof(list) && sizeof(stack) == sizeof(list));

}  // namespace

TEST(IntrusiveQueue, FirstInFirstOut) {
  item a{1}, b{2}, c{3};
  queue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.pop_front(), nullptr);
  q.push_back(a);
  q.push_back(b);
  EXPECT_EQ(&q.front(), &a);
  q.push_back(c);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(drain(q), (ints{1, 2, 3}));
  EXPECT_TRUE(q.empty());
}

TEST(IntrusiveQueue, SpliceEnqueuesTheOtherBehind) {
  item a{1}, b{2}, c{3}, d{4}, e{5};
  queue q, other;
  q.push_back(a);
  other.push_back(b);
  other.push_back(c);
  q.splice(other);
  EXPECT_TRUE(other.empty());
  list l;
  l.push_back(d);
  l.push_back(e);
  q.splice(l);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(drain(q), (ints{1, 2, 3, 4, 5}));
}

TEST(IntrusiveQueue, MoveTransfersNodes) {
  item a{1}, b{2};
  queue q;
  q.push_back(a);
  q.push_back(b);
  queue moved(std::move(q));
  EXPECT_TRUE(q.empty());  // NOLINT(bugprone-use-after-move): specified empty
  queue assigned;
  assigned = std::move(moved);
  EXPECT_EQ(drain(assigned), (ints{1, 2}));
}

TEST(IntrusiveStack, LastInFirstOut) {
  item a{1}, b{2}, c{3};
  stack s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.pop(), nullptr);
  s.push(a);
  s.push(b);
  EXPECT_EQ(&s.top(), &b);
  s.push(c);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(drain(s), (ints{3, 2, 1}));
}

TEST(IntrusiveStack, SplicePutsTheOtherOnTopInItsOrder) {
  item a{1}, b{2}, c{3}, d{4}, e{5};
  stack s, other;
  s.push(a);
  other.push(b);
  other.push(c);  // other, top first: 3 2
  s.splice(other);
  EXPECT_TRUE(other.empty());
  EXPECT_EQ(&s.top(), &c);
  list l;  // a list's front becomes the top
  l.push_back(e);
  l.push_back(d);
  s.splice(l);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(drain(s), (ints{5, 4, 3, 2, 1}));
}

TEST(IntrusiveStack, MoveTransfersNodes) {
  item a{1}, b{2};
  stack s;
  s.push(a);
  s.push(b);
  stack moved(std::move(s));
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(drain(moved), (ints{2, 1}));
}
