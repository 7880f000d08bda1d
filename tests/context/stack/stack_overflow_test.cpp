// stack_overflow_scope: a fault in the guard of the stack recorded as running is reported by
// name; the record nests and is per thread. (A real overflow by recursion is in tests/coro.)
#include <thread>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/context/stack_overflow_scope.hpp>

#include "fault_expectations.hpp"

namespace spindle::context {
namespace {

TEST(StackOverflowScope, RecordsNestAndRestore) {
  stack outer_stack(stack::default_size);
  stack inner_stack(stack::default_size);
  EXPECT_EQ(stack_overflow_scope::current().guard_size, 0u);
  {
    stack_overflow_scope outer(outer_stack.guard_lowest(), stack::guard_size(), "coroutine",
                               "outer");
    EXPECT_EQ(stack_overflow_scope::current().guard_lowest, outer_stack.guard_lowest());
    {
      stack_overflow_scope inner(inner_stack.guard_lowest(), stack::guard_size(), "fiber", "inner");
      EXPECT_EQ(stack_overflow_scope::current().guard_lowest, inner_stack.guard_lowest());
      EXPECT_STREQ(stack_overflow_scope::current().kind, "fiber");
      EXPECT_STREQ(stack_overflow_scope::current().name, "inner");
    }
    EXPECT_EQ(stack_overflow_scope::current().guard_lowest, outer_stack.guard_lowest());
    EXPECT_STREQ(stack_overflow_scope::current().name, "outer");
  }
  EXPECT_EQ(stack_overflow_scope::current().guard_size, 0u);
}

TEST(StackOverflowScope, RecordIsPerThread) {
  stack s(stack::default_size);
  stack_overflow_scope watch(s.guard_lowest(), stack::guard_size(), "coroutine", "main");
  std::size_t seen_on_other_thread = 1;
  std::thread([&] { seen_on_other_thread = stack_overflow_scope::current().guard_size; }).join();
  EXPECT_EQ(seen_on_other_thread, 0u);
}

TEST(StackOverflowDeathTest, GuardHitIsReportedWithKindAndName) {
  stack s(stack::default_size);
  EXPECT_EXIT(
      {
        stack_overflow_scope watch(s.guard_lowest(), stack::guard_size(), "coroutine", "probe");
        test::touch(s.view().lowest - 8);
      },
      test::aborted, "stack overflow in coroutine probe");
  EXPECT_EXIT(
      {
        stack_overflow_scope watch(s.guard_lowest(), stack::guard_size(), "fiber", "worker-3");
        test::touch(s.guard_lowest());
      },
      test::aborted, "stack overflow in fiber worker-3");
}

TEST(StackOverflowDeathTest, GuardHitIsReportedOnAnyThread) {
  stack s(stack::default_size);
  EXPECT_EXIT(
      {
        std::thread([&] {
          stack_overflow_scope watch(s.guard_lowest(), stack::guard_size(), "coroutine",
                                     "on-thread");
          test::touch(s.view().lowest - 1);
        }).join();
      },
      test::aborted, "stack overflow in coroutine on-thread");
}

TEST(StackOverflowDeathTest, OnlyTheInnermostScopeIsReported) {
  stack outer_stack(stack::default_size);
  stack inner_stack(stack::default_size);
  EXPECT_EXIT(
      {
        stack_overflow_scope outer(outer_stack.guard_lowest(), stack::guard_size(), "coroutine",
                                   "outer");
        stack_overflow_scope inner(inner_stack.guard_lowest(), stack::guard_size(), "coroutine",
                                   "inner");
        test::touch(inner_stack.guard_lowest());
      },
      test::aborted, "stack overflow in coroutine inner");
}

TEST(StackOverflowDeathTest, FaultInAnotherStacksGuardIsNotAnOverflowOfThisOne) {
  stack watched(stack::default_size);
  stack other(stack::default_size);
  EXPECT_EXIT(
      {
        stack_overflow_scope watch(watched.guard_lowest(), stack::guard_size(), "coroutine",
                                   "watched");
        test::touch(other.guard_lowest());
      },
      test::died_of_fault, "");
}

}  // namespace
}  // namespace spindle::context
