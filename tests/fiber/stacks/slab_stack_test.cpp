// fiber::slab_stack_allocator: stacks carved from slabs — sizes, reuse without new slabs,
// disjoint writable stacks, growth, trim, and fibers running on them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/slab_stack_allocator.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

#ifdef __linux__
#include <fstream>
#include <string>
#endif

namespace context = spindle::context;
namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

constexpr std::size_t kSmallStack = 16 * 1024;

fiber::slab_stack_options small_slabs(std::size_t stacks_per_slab = 8) {
  fiber::slab_stack_options options;
  options.stack_size = kSmallStack;
  options.stacks_per_slab = stacks_per_slab;
  return options;
}

TEST(SlabStacks, MapsNothingUntilTheFirstStack) {
  fiber::slab_stack_allocator stacks;
  EXPECT_EQ(stacks.stack_size(), context::stack::default_size);
  const auto usage = stacks.current_usage();
  EXPECT_EQ(usage.slabs, 0u);
  EXPECT_EQ(usage.stacks, 0u);
  EXPECT_EQ(usage.in_use, 0u);
}

TEST(SlabStacks, HandsOutBorrowedStacksOfItsSize) {
  fiber::slab_stack_allocator stacks({.stack_size = 3 * context::stack::page_size() + 1});
  EXPECT_EQ(stacks.stack_size(), 4 * context::stack::page_size());
  context::stack s = stacks.allocate(100);
  EXPECT_FALSE(s.owns_memory());
  EXPECT_EQ(s.size(), stacks.stack_size()) << "a smaller request gets a whole stack";
  EXPECT_EQ(s.guard_lowest(), nullptr);
  const auto usage = stacks.current_usage();
  EXPECT_EQ(usage.slabs, 1u);
  EXPECT_EQ(usage.stacks, 256u) << "the default stacks_per_slab";
  EXPECT_EQ(usage.in_use, 1u);
  stacks.deallocate(std::move(s));
  EXPECT_EQ(stacks.current_usage().in_use, 0u);
}

// The most recently freed stack goes out next (warm), and churn maps nothing new.
TEST(SlabStacks, ReusesFreedStacksWithoutNewSlabs) {
  fiber::slab_stack_allocator stacks(small_slabs());
  context::stack first = stacks.allocate(kSmallStack);
  context::stack second = stacks.allocate(kSmallStack);
  std::byte* second_lowest = second.view().lowest;
  EXPECT_NE(first.view().lowest, second_lowest);
  stacks.deallocate(std::move(second));
  context::stack again = stacks.allocate(kSmallStack);
  EXPECT_EQ(again.view().lowest, second_lowest) << "LIFO: the warm stack first";
  stacks.deallocate(std::move(again));
  for (int round = 0; round < 100; ++round) {
    std::vector<context::stack> held;
    for (int i = 0; i < 7; ++i) held.push_back(stacks.allocate(kSmallStack));
    for (auto& s : held) stacks.deallocate(std::move(s));
  }
  EXPECT_EQ(stacks.current_usage().slabs, 1u) << "8 stacks per slab: never more than 8 out";
  stacks.deallocate(std::move(first));
}

// Slabs are added as the stacks out grow; every stack of every slab is distinct, writable
// over its whole size, and no stack overlaps another.
TEST(SlabStacks, GrowsBySlabsOfDisjointWritableStacks) {
  constexpr std::size_t kPerSlab = 4;
  constexpr std::size_t kCount = 3 * kPerSlab + 1;
  fiber::slab_stack_allocator stacks(small_slabs(kPerSlab));
  std::vector<context::stack> held;
  for (std::size_t i = 0; i < kCount; ++i) held.push_back(stacks.allocate(kSmallStack));
  EXPECT_EQ(stacks.current_usage().slabs, 4u);
  EXPECT_EQ(stacks.current_usage().in_use, kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    const context::stack_view view = held[i].view();
    const auto tag = static_cast<std::uint32_t>(0x5eed0000 + i);
    for (std::size_t at = 0; at + sizeof tag <= view.size; at += sizeof tag) {
      std::memcpy(view.lowest + at, &tag, sizeof tag);
    }
  }
  for (std::size_t i = 0; i < kCount; ++i) {
    const context::stack_view view = held[i].view();
    const auto tag = static_cast<std::uint32_t>(0x5eed0000 + i);
    std::size_t wrong = 0;
    for (std::size_t at = 0; at + sizeof tag <= view.size; at += sizeof tag) {
      std::uint32_t read;
      std::memcpy(&read, view.lowest + at, sizeof read);
      wrong += read != tag;
    }
    EXPECT_EQ(wrong, 0u) << "stack " << i << " was overwritten by another";
  }
  for (auto& s : held) stacks.deallocate(std::move(s));  // and none of them overflowed
  EXPECT_EQ(stacks.current_usage().in_use, 0u);
}

TEST(SlabStacks, TrimKeepsIdleStacksUsable) {
  fiber::slab_stack_allocator stacks(small_slabs(4));
  std::vector<context::stack> held;
  for (int i = 0; i < 10; ++i) held.push_back(stacks.allocate(kSmallStack));
  for (auto& s : held) std::memset(s.view().lowest, 0x77, s.view().size);
  context::stack kept = std::move(held[5]);
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (i != 5) stacks.deallocate(std::move(held[i]));
  }
  stacks.trim();
  EXPECT_EQ(kept.view().lowest[0], std::byte{0x77}) << "a stack in use keeps its contents";
  for (int i = 0; i < 9; ++i) {
    context::stack s = stacks.allocate(kSmallStack);
#ifdef __linux__
    EXPECT_EQ(s.view().top()[-1], std::byte{0}) << "trimmed: fresh zero pages";
#endif
    std::memset(s.view().lowest, 0x11, s.view().size);
    held[static_cast<std::size_t>(i)] = std::move(s);
  }
  EXPECT_EQ(stacks.current_usage().slabs, 3u) << "trim gives memory back, not stacks";
  for (int i = 0; i < 9; ++i) stacks.deallocate(std::move(held[static_cast<std::size_t>(i)]));
  stacks.deallocate(std::move(kept));
}

TEST(SlabStacks, AFiberRunsOnASlabStack) {
  fiber::slab_stack_allocator stacks(small_slabs());
  exec::manual_executor manual;
  fiber::options opts;
  opts.stacks = &stacks;
  opts.stack_size = stacks.stack_size();
  const std::byte* frame = nullptr;
  int steps = 0;
  fiber::go(manual, [&] {
    frame = static_cast<const std::byte*>(__builtin_frame_address(0));
    ++steps;
    fiber::yield();
    ++steps;
  }, opts);
  EXPECT_EQ(stacks.current_usage().in_use, 1u) << "taken at go()";
  manual.drain();
  EXPECT_EQ(steps, 2);
  EXPECT_EQ(stacks.current_usage().in_use, 0u) << "given back when the fiber ended";
  // The stack it ran on is the one handed out next (LIFO), so the frame lay inside it.
  context::stack s = stacks.allocate(kSmallStack);
  EXPECT_GE(frame, s.view().lowest);
  EXPECT_LT(frame, s.view().top());
  stacks.deallocate(std::move(s));
}

#ifdef __linux__
// The kernel mappings of this process (/proc/self/maps) holding at least one of `addresses`.
std::size_t mappings_holding(std::vector<const std::byte*> addresses) {
  std::sort(addresses.begin(), addresses.end());
  std::ifstream maps("/proc/self/maps");
  std::size_t holding = 0;
  for (std::string line; std::getline(maps, line);) {
    const std::size_t dash = line.find('-');
    const auto from = static_cast<std::uintptr_t>(std::stoull(line.substr(0, dash), nullptr, 16));
    const auto to = static_cast<std::uintptr_t>(std::stoull(line.substr(dash + 1), nullptr, 16));
    const auto first = std::lower_bound(
        addresses.begin(), addresses.end(), from,
        [](const std::byte* a, std::uintptr_t at) {
          return reinterpret_cast<std::uintptr_t>(a) < at;
        });
    holding += first != addresses.end() && reinterpret_cast<std::uintptr_t>(*first) < to;
  }
  return holding;
}

// More fibers parked at once than guarded stacks could hold below Linux's default
// vm.max_map_count (65,530 mappings, two per guarded stack: about 32,700), on a few hundred
// mappings. (tests/fiber/slab_stack_stress_test.cpp parks 100,000.)
TEST(SlabStacks, ParksMoreFibersThanGuardedStacksCould) {
#if SPINDLE_TSAN
  // TSAN gives every fiber context shadow state of its own (its own mappings among them):
  // beyond the map limit it fails first, whatever the stacks are. A smaller count still
  // checks the parking and the exits from two workers.
  constexpr std::size_t kFibers = 1'000;
#else
  constexpr std::size_t kFibers = 40'000;
#endif
  exec::pool_options pool_options;
  pool_options.workers = 2;
  pool_options.name = "slab-parked";
  exec::fast_pool pool(pool_options);
  fiber::slab_stack_allocator stacks({.stack_size = 8 * 1024, .stacks_per_slab = 512});
  fiber::options opts;
  opts.stacks = &stacks;
  opts.stack_size = stacks.stack_size();
  fiber::sync::event release;
  fiber::sync::wait_group started;
  fiber::sync::wait_group finished;
  started.add(static_cast<std::uint32_t>(kFibers));
  finished.add(static_cast<std::uint32_t>(kFibers));
  std::vector<const std::byte*> frames(kFibers);  // each fiber writes its own element
  for (std::size_t i = 0; i < kFibers; ++i) {
    fiber::go(pool, [&, i] {
      frames[i] = static_cast<const std::byte*>(__builtin_frame_address(0));
      started.done();
      release.wait();
      finished.done();
    }, opts);
  }
  started.wait();
  EXPECT_EQ(stacks.current_usage().in_use, kFibers);
  const std::size_t slabs = (kFibers + 511) / 512;
  EXPECT_EQ(stacks.current_usage().slabs, slabs);
  EXPECT_EQ(mappings_holding(frames), slabs) << "the fibers' frames lie in one mapping per slab";
  release.fire();
  finished.wait();
  pool.wait_idle();  // the fibers have left their stacks
  EXPECT_EQ(stacks.current_usage().in_use, 0u);
}
#endif

}  // namespace
