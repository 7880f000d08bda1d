// Stacks from every source run a context: caller memory through a stack_view (the unmanaged
// API), an owned context::stack, and a pooled one, reused.
#include <cstddef>
#include <cstdint>

#include <gtest/gtest.h>

#include <spindle/context/execution_context.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/context/stack_pool.hpp>

namespace spindle::context {
namespace {

// Runs a context on `memory` once and returns the frame address of its entry function. (The
// frame, not a local: with ASAN's detect_stack_use_after_return, locals live on a fake stack.)
struct probe {
  execution_context caller;
  execution_context callee;
  const std::byte* frame_address = nullptr;

  static void entry(void* arg) {
    auto* self = static_cast<probe*>(arg);
    self->frame_address = static_cast<const std::byte*>(__builtin_frame_address(0));
    self->callee.exit_to(self->caller);
  }

  const std::byte* run_on(stack_view memory) {
    callee.setup(memory, &probe::entry, this);
    caller.switch_to(callee);
    return frame_address;
  }
};

bool within(const std::byte* address, stack_view memory) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  const auto lowest = reinterpret_cast<std::uintptr_t>(memory.lowest);
  return at >= lowest && at < lowest + memory.size;
}

TEST(StackMemory, CallerMemoryRunsAContext) {
  alignas(16) static std::byte memory[16 * 1024];
  const stack_view view{memory, sizeof memory};
  probe p;
  EXPECT_TRUE(within(p.run_on(view), view));
}

TEST(StackMemory, OwnedStackRunsAContext) {
  stack s(stack::default_size);
  probe p;
  EXPECT_TRUE(within(p.run_on(s.view()), s.view()));
}

TEST(StackMemory, PooledStackRunsAContextAgainAfterReuse) {
  stack_pool pool;
  for (int round = 0; round < 3; ++round) {
    stack s = pool.acquire();
    const stack_view view = s.view();
    probe p;
    EXPECT_TRUE(within(p.run_on(view), view)) << "round " << round;
    pool.release(std::move(s));
  }
  EXPECT_EQ(pool.num_cached(), 1u);
}

}  // namespace
}  // namespace spindle::context
