// fiber::slab_stack_allocator under real threads: stacks taken and given back from many threads
// at once (each checks that nobody else wrote into its stacks), fibers that end on another
// worker than the one that spawned them, and 100,000 parked fibers.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/slab_stack_allocator.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

#include "stress.hpp"

namespace context = spindle::context;
namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;

namespace {

exec::pool_options two_workers(const char* name) {
  exec::pool_options options;
  options.workers = 2;
  options.name = name;
  return options;
}

// Tags the stack's top and bottom words (where a fiber's block and its deepest frames go) and a
// word in the middle, and checks them later: a stack handed to two owners at once fails it.
struct tagged_stack {
  context::stack stack;
  std::uint64_t tag = 0;

  static constexpr std::size_t kWords = 3;
  std::byte* word(std::size_t i) const {
    const context::stack_view view = stack.view();
    const std::size_t offsets[kWords] = {0, view.size / 2, view.size - sizeof tag};
    return view.lowest + offsets[i];
  }
  void write() const {
    for (std::size_t i = 0; i < kWords; ++i) std::memcpy(word(i), &tag, sizeof tag);
  }
  bool intact() const {
    for (std::size_t i = 0; i < kWords; ++i) {
      std::uint64_t read;
      std::memcpy(&read, word(i), sizeof read);
      if (read != tag) return false;
    }
    return true;
  }
};

TEST(SlabStacksStress, ManyThreadsTakeAndGiveBack) {
  const std::size_t threads = test::stress_threads();
  fiber::slab_stack_allocator stacks({.stack_size = 8 * 1024, .stacks_per_slab = 16});
  std::atomic<std::size_t> corrupted{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<tagged_stack> held;
      std::uint64_t next = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        // Take a few, hold them across the other threads' turns, give back in another order.
        const std::size_t take = 1 + (next % 7);
        for (std::size_t i = 0; i < take; ++i) {
          held.push_back({stacks.allocate(8 * 1024), (std::uint64_t{t} << 40) | next++});
          held.back().write();
        }
        std::this_thread::yield();
        while (held.size() > 3) {
          tagged_stack& victim = held[next % held.size()];
          if (!victim.intact()) corrupted.fetch_add(1);
          stacks.deallocate(std::move(victim.stack));
          victim = std::move(held.back());
          held.pop_back();
        }
      }
      for (auto& h : held) {
        if (!h.intact()) corrupted.fetch_add(1);
        stacks.deallocate(std::move(h.stack));
      }
    });
  }
  std::this_thread::sleep_for(test::stress_budget() / 2);
  stop = true;
  for (auto& w : workers) w.join();
  EXPECT_EQ(corrupted.load(), 0u) << "a stack was handed to two owners at once";
  const auto usage = stacks.current_usage();
  EXPECT_EQ(usage.in_use, 0u);
  // At most 10 stacks out per thread at once (7 taken on top of 3 kept): the slabs stay
  // bounded however long the churn runs.
  EXPECT_LE(usage.stacks, threads * 10 + threads * 16);
}

// Fibers spawned from fibers, yielding so that they end on either worker: stacks come back on
// the other thread than the one that took them.
TEST(SlabStacksStress, FibersSpawnAndEndOnBothWorkers) {
  exec::fast_pool pool(two_workers("slab-stress"));
  fiber::slab_stack_allocator stacks({.stack_size = 16 * 1024, .stacks_per_slab = 32});
  fiber::options opts;
  opts.stacks = &stacks;
  opts.stack_size = stacks.stack_size();
  test::repeat_within_budget(200, [&](std::size_t) {
    constexpr int kParents = 8;
    constexpr int kChildren = 16;
    fiber::sync::wait_group done;
    done.add(kParents * (kChildren + 1));
    std::atomic<int> ran{0};
    for (int p = 0; p < kParents; ++p) {
      fiber::go(pool, [&] {
        for (int c = 0; c < kChildren; ++c) {
          fiber::go(pool, [&] {
            fiber::yield();
            ran.fetch_add(1, std::memory_order_relaxed);
            done.done();
          }, opts);
          if (c % 4 == 0) fiber::yield();
        }
        done.done();
      }, opts);
    }
    done.wait();
    EXPECT_EQ(ran.load(), kParents * kChildren);
  });
  pool.wait_idle();
  EXPECT_EQ(stacks.current_usage().in_use, 0u);
}

// The figure: 100,000 fibers parked at once (guarded stacks stop near 32,700 on
// Linux's default map limit). Small stacks keep the resident memory near 400 MB: each parked
// fiber touches about one page.
TEST(SlabStacksStress, HundredThousandParkedFibers) {
#if SPINDLE_TSAN
  constexpr std::size_t kFibers = 1'000;  // TSAN's per-fiber state: see slab_stack_test.cpp
#else
  constexpr std::size_t kFibers = 100'000;
#endif
  exec::fast_pool pool(two_workers("slab-100k"));
  fiber::slab_stack_allocator stacks({.stack_size = 8 * 1024, .stacks_per_slab = 1024});
  fiber::options opts;
  opts.stacks = &stacks;
  opts.stack_size = stacks.stack_size();
  fiber::sync::event release;
  fiber::sync::wait_group started;
  fiber::sync::wait_group finished;
  started.add(static_cast<std::uint32_t>(kFibers));
  finished.add(static_cast<std::uint32_t>(kFibers));
  std::atomic<std::size_t> woke{0};
  for (std::size_t i = 0; i < kFibers; ++i) {
    fiber::go(pool, [&] {
      started.done();
      release.wait();
      woke.fetch_add(1, std::memory_order_relaxed);
      finished.done();
    }, opts);
  }
  started.wait();
  EXPECT_EQ(stacks.current_usage().in_use, kFibers);
  EXPECT_EQ(stacks.current_usage().slabs, (kFibers + 1023) / 1024);
  release.fire();
  finished.wait();
  EXPECT_EQ(woke.load(), kFibers);
  pool.wait_idle();
  EXPECT_EQ(stacks.current_usage().in_use, 0u);
}

}  // namespace
