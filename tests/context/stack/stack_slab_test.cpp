// context::stack_slab (many stacks, one mapping, zero pages between them) and borrowed
// context::stacks over its memory.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include <gtest/gtest.h>

#include <spindle/context/execution_context.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/context/stack_pool.hpp>
#include <spindle/context/stack_slab.hpp>

#include "fault_expectations.hpp"

#ifdef __linux__
#include <fstream>
#include <string>
#endif

namespace spindle::context {
namespace {

constexpr std::size_t kStacks = 8;

std::byte pattern_of(std::size_t stack_index, std::size_t offset) {
  return static_cast<std::byte>((stack_index * 31 + offset / 8) & 0xff);
}

TEST(StackSlab, StacksArePageAlignedWholePagesAndSpacedByAZeroPage) {
  const std::size_t page = stack::page_size();
  stack_slab slab(3 * page + 100, kStacks);
  EXPECT_EQ(slab.count(), kStacks);
  EXPECT_EQ(slab.stack_size(), 4 * page);
  EXPECT_EQ(stack_slab::zero_page_size(), page);
  for (std::size_t i = 0; i < kStacks; ++i) {
    const stack_view view = slab.usable(i);
    EXPECT_EQ(view.size, slab.stack_size());
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(view.lowest) % page, 0u) << "stack " << i;
    if (i > 0) {
      EXPECT_EQ(view.lowest, slab.usable(i - 1).top() + page) << "a zero page between stacks";
    }
  }
}

// Every byte of every stack is writable, and no two stacks share a byte: a pattern written to
// each whole stack reads back intact from all of them.
TEST(StackSlab, StacksAreWritableWholeAndDisjoint) {
  stack_slab slab(2 * stack::page_size(), kStacks);
  for (std::size_t i = 0; i < kStacks; ++i) {
    const stack_view view = slab.usable(i);
    for (std::size_t at = 0; at < view.size; ++at) view.lowest[at] = pattern_of(i, at);
  }
  for (std::size_t i = 0; i < kStacks; ++i) {
    const stack_view view = slab.usable(i);
    std::size_t wrong = 0;
    for (std::size_t at = 0; at < view.size; ++at) wrong += view.lowest[at] != pattern_of(i, at);
    EXPECT_EQ(wrong, 0u) << "stack " << i;
    EXPECT_FALSE(slab.overflowed(i)) << "filling a stack exactly is not an overflow";
  }
}

TEST(StackSlab, IndexOfFindsOnlyTheStacksLowestBytes) {
  stack_slab slab(stack::page_size(), kStacks);
  for (std::size_t i = 0; i < kStacks; ++i) {
    EXPECT_EQ(slab.index_of(slab.usable(i).lowest), i);
    EXPECT_TRUE(slab.contains(slab.usable(i).lowest));
    EXPECT_TRUE(slab.contains(slab.usable(i).top() - 1));
  }
  EXPECT_EQ(slab.index_of(slab.usable(2).lowest + 16), kStacks) << "inside a stack";
  EXPECT_EQ(slab.index_of(slab.usable(2).lowest - 16), kStacks) << "in a zero page";
  EXPECT_EQ(slab.index_of(slab.usable(kStacks - 1).top() + stack::page_size()), kStacks);
  EXPECT_FALSE(slab.contains(slab.usable(kStacks - 1).top()));
  std::byte elsewhere[16];
  EXPECT_EQ(slab.index_of(elsewhere), kStacks);
  EXPECT_FALSE(slab.contains(elsewhere));
}

// A write below a stack's lowest byte lands in its zero page and is seen; its neighbours stay
// clean.
TEST(StackSlab, AWriteBelowAStackIsAnOverflowOfThatStackOnly) {
  stack_slab slab(stack::page_size(), kStacks);
  slab.usable(3).lowest[-8] = std::byte{1};
  for (std::size_t i = 0; i < kStacks; ++i) EXPECT_EQ(slab.overflowed(i), i == 3) << "stack " << i;
  slab.usable(5).lowest[-static_cast<std::ptrdiff_t>(stack::page_size())] = std::byte{1};
  EXPECT_TRUE(slab.overflowed(5)) << "the whole zero page is watched, its lowest byte too";
}

TEST(StackSlab, DiscardKeepsStacksUsable) {
  stack_slab slab(2 * stack::page_size(), kStacks);
  const stack_view view = slab.usable(4);
  std::memset(view.lowest, 0x5a, view.size);
  slab.discard(3, 3);
  EXPECT_FALSE(slab.overflowed(4));
#ifdef __linux__
  // Linux drops private anonymous pages at once: they read as zeros.
  EXPECT_EQ(view.lowest[0], std::byte{0});
  EXPECT_EQ(view.top()[-1], std::byte{0});
#endif
  std::memset(view.lowest, 0x33, view.size);
  EXPECT_EQ(view.top()[-1], std::byte{0x33});
  slab.discard(0, kStacks);
  slab.discard(kStacks, 0);
}

TEST(StackSlab, SizesThatCannotBeMappedAreRefused) {
  constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
  EXPECT_THROW((stack_slab{stack::page_size(), max / 2}), std::bad_alloc) << "total wraps";
  EXPECT_THROW((stack_slab{max, 1}), std::bad_alloc) << "slot wraps";
  EXPECT_THROW((stack_slab{stack::page_size(), 0}), std::bad_alloc) << "no stacks";
  EXPECT_THROW((stack_slab{std::size_t{1} << 40, std::size_t{1} << 20}), std::bad_alloc)
      << "more than the address space";
}

// The mapping's own guard lies right below the lowest stack's zero page.
TEST(StackSlabDeathTest, BelowTheLowestZeroPageIsTheGuard) {
  stack_slab slab(stack::page_size(), kStacks);
  std::byte* below = slab.usable(0).lowest - stack_slab::zero_page_size() - 1;
  EXPECT_EXIT(test::touch(below), test::died_of_fault, "");
}

#ifdef __linux__
// The kernel mappings of this process (/proc/self/maps) that overlap [lowest, end).
std::size_t mappings_overlapping(const std::byte* lowest, const std::byte* end) {
  std::ifstream maps("/proc/self/maps");
  std::size_t overlapping = 0;
  for (std::string line; std::getline(maps, line);) {
    const std::size_t dash = line.find('-');
    const auto from = static_cast<std::uintptr_t>(std::stoull(line.substr(0, dash), nullptr, 16));
    const auto to = static_cast<std::uintptr_t>(std::stoull(line.substr(dash + 1), nullptr, 16));
    overlapping += from < reinterpret_cast<std::uintptr_t>(end) &&
                   to > reinterpret_cast<std::uintptr_t>(lowest);
  }
  return overlapping;
}

// The point of a slab: 256 stacks, all touched, cost the kernel two mappings (the stacks and
// the guard below them), where 256 context::stacks cost 512. (Counted over the slab's own
// addresses: sanitizers' allocators add mappings of their own meanwhile.)
TEST(StackSlab, ManyStacksCostTwoMappings) {
  stack_slab slab(stack::page_size(), 256);
  for (std::size_t i = 0; i < slab.count(); ++i) slab.usable(i).top()[-1] = std::byte{1};
  const std::byte* lowest =
      slab.usable(0).lowest - stack_slab::zero_page_size() - stack::guard_size();
  EXPECT_EQ(mappings_overlapping(lowest, slab.usable(slab.count() - 1).top()), 2u);
}
#endif

TEST(BorrowedStack, NamesTheMemoryWithoutOwningIt) {
  stack_slab slab(stack::page_size(), 2);
  const stack_view view = slab.usable(1);
  view.lowest[0] = std::byte{0x42};
  {
    stack lent = stack::borrowed(view);
    EXPECT_FALSE(lent.owns_memory());
    EXPECT_FALSE(lent.is_empty());
    EXPECT_EQ(lent.view().lowest, view.lowest);
    EXPECT_EQ(lent.size(), view.size);
    EXPECT_EQ(lent.guard_lowest(), nullptr) << "no guard of its own";
    stack moved(std::move(lent));
    EXPECT_FALSE(moved.owns_memory());
    EXPECT_TRUE(lent.is_empty());     // NOLINT(bugprone-use-after-move): specified
    EXPECT_TRUE(lent.owns_memory());  // NOLINT(bugprone-use-after-move): back to the default
    stack owned(stack::page_size());
    owned = std::move(moved);  // unmaps the owned stack, takes the borrowed one
    EXPECT_FALSE(owned.owns_memory());
  }
  EXPECT_EQ(view.lowest[0], std::byte{0x42}) << "destroying a borrowed stack leaves the memory";
  EXPECT_TRUE(stack::borrowed({}).is_empty());
}

TEST(BorrowedStackDeathTest, APoolRefusesIt) {
  stack_slab slab(stack::default_size, 1);
  stack_pool pool;
  EXPECT_DEATH(pool.release(stack::borrowed(slab.usable(0))),
               "stack_pool::release: a borrowed stack");
}

// Contexts run on neighbouring slab stacks, each within its own.
struct probe {
  execution_context caller;
  execution_context callee;
  const std::byte* frame_address = nullptr;

  static void entry(void* arg) {
    auto* self = static_cast<probe*>(arg);
    self->frame_address = static_cast<const std::byte*>(__builtin_frame_address(0));
    self->callee.exit_to(self->caller);
  }
};

TEST(StackSlab, ContextsRunOnNeighbouringStacks) {
  stack_slab slab(stack::default_size, 3);
  for (std::size_t i = 0; i < slab.count(); ++i) {
    const stack_view view = slab.usable(i);
    probe p;
    p.callee.setup(view, &probe::entry, &p);
    p.caller.switch_to(p.callee);
    EXPECT_GE(p.frame_address, view.lowest) << "stack " << i;
    EXPECT_LT(p.frame_address, view.top()) << "stack " << i;
    EXPECT_FALSE(slab.overflowed(i));
  }
}

}  // namespace
}  // namespace spindle::context
