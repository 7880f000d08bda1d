// Misuse of fiber::slab_stack_allocator stops the program with a clear message, and so does a
// fiber that overflowed its slab stack (found when it finishes: there is no guard page).
// (No commas at the top level of the death statements: EXPECT_DEATH is a macro.)
#include <cstddef>
#include <utility>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/slab_stack_allocator.hpp>

namespace context = spindle::context;
namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

constexpr std::size_t kStack = 16 * 1024;

class SlabStacksMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

void give_back_an_owned_stack() {
  fiber::slab_stack_allocator stacks;
  stacks.deallocate(context::stack(context::stack::default_size));
}

TEST_F(SlabStacksMisuse, GivingBackAnOwnedStack) {
  EXPECT_DEATH(give_back_an_owned_stack(),
               "slab_stack_allocator::deallocate: not a stack of this allocator");
}

void give_back_to_the_wrong_allocator() {
  fiber::slab_stack_allocator mine;
  fiber::slab_stack_allocator theirs;
  context::stack held = mine.allocate(context::stack::default_size);  // mine has a slab too
  mine.deallocate(theirs.allocate(context::stack::default_size));
}

TEST_F(SlabStacksMisuse, GivingBackAnotherAllocatorsStack) {
  EXPECT_DEATH(give_back_to_the_wrong_allocator(),
               "slab_stack_allocator::deallocate: not a stack of this allocator \\(a foreign");
}

void give_back_twice() {
  fiber::slab_stack_allocator stacks;
  context::stack s = stacks.allocate(context::stack::default_size);
  const context::stack_view view = s.view();
  stacks.deallocate(std::move(s));
  stacks.deallocate(context::stack::borrowed(view));
}

TEST_F(SlabStacksMisuse, GivingBackTwice) {
  EXPECT_DEATH(give_back_twice(), "the stack was given back twice");
}

void spawn_with_a_bigger_stack_size() {
  fiber::slab_stack_allocator stacks({.stack_size = kStack});
  exec::manual_executor manual;
  fiber::options opts;
  opts.stacks = &stacks;  // opts.stack_size stays at the default 64 KiB
  fiber::go(manual, [] {}, opts);
}

TEST_F(SlabStacksMisuse, AFiberAskingForMoreThanTheStackSize) {
  EXPECT_DEATH(spawn_with_a_bigger_stack_size(),
               "asks for a bigger stack than the allocator's stack_size\\(\\)");
}

TEST_F(SlabStacksMisuse, NoStacksPerSlab) {
  EXPECT_DEATH(fiber::slab_stack_allocator({.stacks_per_slab = 0}),
               "stacks_per_slab must be at least 1");
}

void destroy_with_a_stack_out() {
  context::stack kept;
  fiber::slab_stack_allocator stacks;
  kept = stacks.allocate(context::stack::default_size);
}

TEST_F(SlabStacksMisuse, DestroyedWhileAStackIsOut) {
  EXPECT_DEATH(destroy_with_a_stack_out(), "slab_stack_allocator destroyed while fibers");
}

void write_below_a_stack() {
  fiber::slab_stack_allocator stacks({.stack_size = kStack});
  context::stack s = stacks.allocate(kStack);
  s.view().lowest[-100] = std::byte{1};
  stacks.deallocate(std::move(s));
}

TEST_F(SlabStacksMisuse, AWriteBelowAStackIsReportedWhenItComesBack) {
  EXPECT_DEATH(write_below_a_stack(), "slab_stack_allocator: stack overflow");
}

// Recurses until its frame lies below `lowest`, then fills a local buffer there: a real
// overflow by calls, a few hundred bytes deep — inside the zero page, short of the stack below
// it (or, for a slab's lowest stack, of the slab's guard page).
SPINDLE_NOINLINE unsigned dig_below(const std::byte* lowest) {
  volatile unsigned char pad[512];
  pad[0] = 1;
  const auto* frame = static_cast<const std::byte*>(__builtin_frame_address(0));
  if (frame > lowest - 256) return dig_below(lowest) + pad[0];  // not a tail call
  for (std::size_t i = 0; i < sizeof pad; ++i) pad[i] = 0xa5;
  return pad[7];
}

void overflow_a_fiber() {
  fiber::slab_stack_allocator stacks({.stack_size = kStack});
  // The next stack handed out is the most recently freed one: the fiber gets this one.
  context::stack probe = stacks.allocate(kStack);
  const std::byte* lowest = probe.view().lowest;
  stacks.deallocate(std::move(probe));
  exec::manual_executor manual;
  fiber::options opts;
  opts.stacks = &stacks;
  opts.stack_size = kStack;
  fiber::go(manual, [lowest] { dig_below(lowest); }, opts);
  manual.drain();
}

TEST_F(SlabStacksMisuse, AFiberThatOverflowedIsReportedWhenItEnds) {
  EXPECT_DEATH(overflow_a_fiber(), "slab_stack_allocator: stack overflow: a fiber wrote below");
}

}  // namespace
