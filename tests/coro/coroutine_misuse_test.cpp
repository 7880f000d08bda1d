// Misuse of coro::coroutine fails loudly with a message, never silently.
#include <utility>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/coro/coroutine.hpp>

#include "../context/stack/fault_expectations.hpp"

namespace spindle::coro {
namespace {

TEST(CoroutineMisuseDeathTest, ResumingAFinishedCoroutine) {
  coroutine c([] {});
  c.resume();
  EXPECT_DEATH(c.resume(), "the coroutine has finished");
}

TEST(CoroutineMisuseDeathTest, SuspendOutsideACoroutine) {
  EXPECT_DEATH(suspend(), "suspend.. called outside a coroutine");
}

TEST(CoroutineMisuseDeathTest, ResumingItselfFromInside) {
  EXPECT_DEATH(
      {
        coroutine* self = nullptr;
        coroutine c([&] { self->resume(); });
        self = &c;
        c.resume();
      },
      "the coroutine is running");
}

TEST(CoroutineMisuseDeathTest, ResumingTheCoroutineThatResumedUs) {
  EXPECT_DEATH(
      {
        coroutine* outer_handle = nullptr;
        coroutine outer([&] {
          coroutine inner([&] { outer_handle->resume(); });
          inner.resume();
        });
        outer_handle = &outer;
        outer.resume();
      },
      "the coroutine is running");
}

TEST(CoroutineMisuseDeathTest, DestroyingItselfFromInside) {
  EXPECT_DEATH(
      {
        coroutine* self = nullptr;
        coroutine c([&] { coroutine stolen = std::move(*self); });
        self = &c;
        c.resume();
      },
      "coroutine destroyed while running");
}

TEST(CoroutineMisuseDeathTest, SwallowingForcedUnwindAndSuspendingAgain) {
  EXPECT_DEATH(
      {
        coroutine c([] {
          for (;;) {
            try {
              suspend();
            } catch (...) {
              // swallowed: a usage error the destructor must catch
            }
          }
        });
        c.resume();
      },
      "suspended while being destroyed");
}

TEST(CoroutineMisuseDeathTest, ResumingAMovedFromCoroutine) {
#ifdef NDEBUG
  GTEST_SKIP() << "SPINDLE_ASSERT is compiled out with NDEBUG";
#else
  coroutine c([] {});
  coroutine taken(std::move(c));
  EXPECT_DEATH(c.resume(), "the coroutine was moved from");  // NOLINT(bugprone-use-after-move)
#endif
}

TEST(CoroutineMisuseDeathTest, StackTooSmallForTheControlBlock) {
  alignas(16) static std::byte memory[1024];
  EXPECT_DEATH(coroutine(context::stack_view{memory, sizeof memory}, [] {}),
               "the stack is too small");
}

}  // namespace
}  // namespace spindle::coro
