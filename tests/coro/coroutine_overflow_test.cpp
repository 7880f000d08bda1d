// Infinite recursion inside a coroutine is reported by the coroutine's name, not a bare crash.
#include <cstddef>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/context/stack_pool.hpp>
#include <spindle/coro/coroutine.hpp>

#include "../context/stack/fault_expectations.hpp"

namespace spindle::coro {
namespace {

// Far deeper than any stack: a volatile bound the compiler cannot see through, so it neither
// proves the recursion infinite (a warning) nor removes it.
volatile int recursion_limit = 1 << 30;

// Recurses until the stack runs out; the volatile buffer and the use of the result after the
// call keep the compiler from turning it into a loop.
SPINDLE_NOINLINE int recurse_forever(int depth) {
  volatile std::byte frame[256];
  frame[0] = static_cast<std::byte>(depth);
  if (depth >= recursion_limit) return 0;
  return recurse_forever(depth + 1) + static_cast<int>(frame[0]);
}

TEST(CoroutineOverflowDeathTest, InfiniteRecursionIsReportedByName) {
  EXPECT_EXIT(
      {
        coroutine c([] { recurse_forever(0); });
        c.set_name("deep_recursion");
        c.resume();
      },
      test::aborted, "stack overflow in coroutine deep_recursion");
}

TEST(CoroutineOverflowDeathTest, ReportedInANestedPooledCoroutineOnAnotherThread) {
  EXPECT_EXIT(
      {
        std::thread([] {
          context::stack_pool pool;
          coroutine outer(pool, [&pool] {
            coroutine inner(pool, [] { recurse_forever(0); });
            inner.set_name("inner");
            inner.resume();
          });
          outer.set_name("outer");
          outer.resume();
        }).join();
      },
      test::aborted, "stack overflow in coroutine inner");
}

TEST(CoroutineOverflowDeathTest, OverflowAfterSuspendAndResumeIsStillReported) {
  EXPECT_EXIT(
      {
        coroutine c([] {
          suspend();
          recurse_forever(0);
        });
        c.set_name("resumed_then_deep");
        c.resume();
        c.resume();
      },
      test::aborted, "stack overflow in coroutine resumed_then_deep");
}

}  // namespace
}  // namespace spindle::coro
