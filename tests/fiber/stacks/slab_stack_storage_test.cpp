// fiber::slab_stack_allocator freed the moment its last stack is back: the thread giving the
// stack back must not touch the allocator after the store that lets the owner see it back (the
// spinlock's release in deallocate()'s step 3). ASAN catches a late touch as a use after free.
#include <cstddef>
#include <memory>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/slab_stack_allocator.hpp>

#include "stress.hpp"

namespace context = spindle::context;
namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace test = spindle::test;

namespace {

constexpr std::size_t kStack = 8 * 1024;

void wait_until_all_back(const fiber::slab_stack_allocator& stacks) {
  while (stacks.current_usage().in_use != 0) std::this_thread::yield();
}

TEST(SlabStacksStorage, FreedAsSoonAsAnotherThreadGaveTheLastStackBack) {
  test::repeat_within_budget(2000, [](std::size_t) {
    auto stacks = std::make_unique<fiber::slab_stack_allocator>(
        fiber::slab_stack_options{.stack_size = kStack, .stacks_per_slab = 4});
    context::stack lent = stacks->allocate(kStack);
    fiber::slab_stack_allocator* raw = stacks.get();
    std::thread giver([raw, &lent] { raw->deallocate(std::move(lent)); });
    wait_until_all_back(*stacks);
    stacks.reset();  // the giver may not have returned from deallocate() yet
    giver.join();
  });
}

// The same with fibers: each gives its stack back on a pool worker after its last step.
TEST(SlabStacksStorage, FreedAsSoonAsTheLastFiberLeftItsStack) {
  exec::pool_options options;
  options.workers = 2;
  options.name = "slab-storage";
  exec::fast_pool pool(options);
  test::repeat_within_budget(500, [&](std::size_t) {
    auto stacks = std::make_unique<fiber::slab_stack_allocator>(
        fiber::slab_stack_options{.stack_size = kStack, .stacks_per_slab = 4});
    fiber::options opts;
    opts.stacks = stacks.get();
    opts.stack_size = kStack;
    for (int i = 0; i < 6; ++i) fiber::go(pool, [] { fiber::yield(); }, opts);
    wait_until_all_back(*stacks);
    stacks.reset();  // a worker may still be inside deallocate()
  });
  pool.wait_idle();
}

}  // namespace
