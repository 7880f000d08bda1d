// context::stack: mapping, size rounding, ownership, and the guard page.
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>

#include "fault_expectations.hpp"

namespace spindle::context {
namespace {

TEST(Stack, DefaultSizeIs64KiB) {
  EXPECT_EQ(stack::default_size, 64u * 1024u);
  stack s(stack::default_size);
  EXPECT_EQ(s.size(), stack::default_size);
  EXPECT_EQ(s.view().size, stack::default_size);
}

TEST(Stack, SizeIsRoundedUpToWholePages) {
  const std::size_t page = stack::page_size();
  ASSERT_GT(page, 0u);
  EXPECT_EQ(stack(1).size(), page);
  EXPECT_EQ(stack(page).size(), page);
  EXPECT_EQ(stack(page + 1).size(), 2 * page);
  EXPECT_EQ(stack::rounded_size(0), page);
  EXPECT_EQ(stack::rounded_size(3 * page - 7), 3 * page);
}

// A size that cannot be rounded up to whole pages (plus the guard) in a size_t is refused like
// any other mapping the system cannot give, never wrapped around to a tiny or empty stack.
TEST(Stack, SizeTooBigToRoundIsRefusedNotWrapped) {
  constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
  const std::size_t page = stack::page_size();
  EXPECT_GE(stack::rounded_size(max), max - page + 1) << "rounding must not wrap to a small size";
  EXPECT_GE(stack::rounded_size(max - page), max - 2 * page + 1);
  for (const std::size_t size : {max, max - 100, max - page, max - page - stack::guard_size()}) {
    EXPECT_THROW(stack{size}, std::bad_alloc) << "size " << size;
  }
}

// More memory than the address space holds: the mapping fails, and that is a clear error.
TEST(Stack, MappingFailureThrowsBadAlloc) {
  EXPECT_THROW(stack{std::size_t{1} << 62}, std::bad_alloc);
}

TEST(Stack, WholeUsableRangeIsWritableAndPageAligned) {
  stack s(3 * stack::page_size() + 100);
  const stack_view view = s.view();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(view.lowest) % stack::page_size(), 0u);
  std::memset(view.lowest, 0xa5, view.size);
  EXPECT_EQ(view.lowest[0], std::byte{0xa5});
  EXPECT_EQ(view.top()[-1], std::byte{0xa5});
}

TEST(Stack, GuardLiesRightBelowTheUsableRange) {
  stack s(stack::default_size);
  EXPECT_GE(stack::guard_size(), stack::page_size());
  EXPECT_EQ(s.guard_lowest() + stack::guard_size(), s.view().lowest);
  EXPECT_TRUE(test::is_mapped(s.guard_lowest()));  // reserved, but inaccessible (next test)
}

TEST(StackDeathTest, TouchingTheGuardFaults) {
  stack s(stack::default_size);
  EXPECT_EXIT(test::touch(s.view().lowest - 1), test::died_of_fault, "");
  EXPECT_EXIT(test::touch(s.guard_lowest()), test::died_of_fault, "");
}

TEST(Stack, DefaultConstructedIsEmpty) {
  stack s;
  EXPECT_TRUE(s.is_empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.view().lowest, nullptr);
  EXPECT_EQ(s.guard_lowest(), nullptr);
}

TEST(Stack, MoveTransfersOwnershipAndDestructionUnmaps) {
  stack a(stack::default_size);
  std::byte* lowest = a.view().lowest;
  stack b(std::move(a));
  EXPECT_TRUE(a.is_empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.view().lowest, lowest);

  stack c(stack::page_size());
  std::byte* replaced = c.view().lowest;
  c = std::move(b);
  EXPECT_EQ(c.view().lowest, lowest);
  EXPECT_FALSE(test::is_mapped(replaced)) << "move assignment must unmap the replaced stack";

  { stack gone = std::move(c); }
  EXPECT_FALSE(test::is_mapped(lowest)) << "destruction must unmap the usable range";
}

}  // namespace
}  // namespace spindle::context
