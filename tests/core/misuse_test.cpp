// Misuse of core primitives fails loudly with a clear message (with SPINDLE_ASSERT active,
// i.e. without NDEBUG), instead of corrupting state. (No commas at the top level of the death
// statements: EXPECT_DEATH is a macro.)
#include <gtest/gtest.h>

#include <spindle/core/intrusive/forward_list.hpp>
#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/intrusive/stack.hpp>
#include <spindle/core/spinlock.hpp>

namespace core = spindle::core;
namespace intrusive = spindle::core::intrusive;

namespace {

struct item : intrusive::forward_hook<> {};

constexpr const char* kDoubleInsertion = "node is already in an intrusive container";

class CoreMisuse : public testing::Test {
 protected:
  void SetUp() override {
#ifdef NDEBUG
    GTEST_SKIP() << "misuse checks are SPINDLE_ASSERTs, compiled out with NDEBUG";
#endif
    // The test binary may have started threads (faulty mode): re-exec rather than fork.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

}  // namespace

TEST_F(CoreMisuse, UnlockOfAFreeSpinlock) {
  EXPECT_DEATH(
      {
        core::spinlock lock;
        lock.unlock();
      },
      "spinlock::unlock\\(\\) of a spinlock that is not locked");
}

TEST_F(CoreMisuse, DoubleUnlockOfASpinlock) {
  EXPECT_DEATH(
      {
        core::spinlock lock;
        lock.lock();
        lock.unlock();
        lock.unlock();
      },
      "not locked");
}

TEST_F(CoreMisuse, PushBackOfANodeAlreadyInTheList) {
  EXPECT_DEATH(
      {
        item a;
        intrusive::forward_list<item> l;
        l.push_back(a);
        l.push_back(a);
      },
      kDoubleInsertion);
}

TEST_F(CoreMisuse, PushFrontOfANodeInAnotherList) {
  EXPECT_DEATH(
      {
        item a;
        intrusive::forward_list<item> first;
        intrusive::forward_list<item> second;
        first.push_back(a);
        second.push_front(a);
      },
      kDoubleInsertion);
}

TEST_F(CoreMisuse, LastNodeOfAListIsStillLinked) {
  // The last node's next is nullptr, which must not read as "unlinked".
  EXPECT_DEATH(
      {
        item a;
        item b;
        intrusive::forward_list<item> l;
        l.push_back(a);
        l.push_back(b);
        intrusive::queue<item> q;
        q.push_back(b);
      },
      kDoubleInsertion);
}

TEST_F(CoreMisuse, StackPushOfAQueuedNode) {
  EXPECT_DEATH(
      {
        item a;
        intrusive::queue<item> q;
        intrusive::stack<item> s;
        q.push_back(a);
        s.push(a);
      },
      kDoubleInsertion);
}

TEST_F(CoreMisuse, MpscPushOfANodeAlreadyPushed) {
  EXPECT_DEATH(
      {
        item a;
        intrusive::mpsc_stack<item> s;
        s.push(a);
        s.push(a);
      },
      kDoubleInsertion);
}

TEST_F(CoreMisuse, PushOfANodeTakenByPopAllButNotPopped) {
  // pop_all hands the nodes over in a list: they stay linked until popped from it.
  EXPECT_DEATH(
      {
        item a;
        intrusive::mpsc_stack<item> s;
        s.push(a);
        auto taken = s.pop_all();
        s.push(a);
      },
      kDoubleInsertion);
}

TEST_F(CoreMisuse, DestroyingANodeThatIsStillLinked) {
  EXPECT_DEATH(
      {
        intrusive::forward_list<item> l;
        auto* a = new item;
        l.push_back(*a);
        delete a;
      },
      "a node was destroyed while still in an intrusive container");
}

TEST_F(CoreMisuse, SpliceOfAListIntoItself) {
  EXPECT_DEATH(
      {
        item a;
        intrusive::forward_list<item> l;
        l.push_back(a);
        l.splice_back(l);
      },
      "splice of an intrusive list into itself");
}

TEST_F(CoreMisuse, FrontOfAnEmptyList) {
  EXPECT_DEATH(
      {
        intrusive::forward_list<item> l;
        [[maybe_unused]] item& f = l.front();
      },
      "front\\(\\) of an empty intrusive list");
}

TEST_F(CoreMisuse, TopOfAnEmptyStack) {
  EXPECT_DEATH(
      {
        intrusive::stack<item> s;
        [[maybe_unused]] item& t = s.top();
      },
      "front\\(\\) of an empty intrusive list");
}
