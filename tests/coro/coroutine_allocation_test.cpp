// The memory policy, asserted: with a warm stack_pool, a coroutine's whole life (create,
// resume, suspend, resume to the end, destroy) allocates nothing, and so does one on caller
// memory. Global operator new is replaced in this binary (bench/allocation_counter.cpp) to
// count.
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/context/stack_pool.hpp>
#include <spindle/coro/coroutine.hpp>

#include "../../bench/allocation_counter.hpp"

namespace coro = spindle::coro;
namespace context = spindle::context;
using spindle::bench::allocations;

namespace {

// A body with captures (so it is stored in the control block) that suspends twice.
void run_one(coro::coroutine& c) {
  while (!c.is_done()) c.resume();
}

}  // namespace

TEST(CoroutineAllocation, PooledLifeCycleAllocatesNothingOnceWarm) {
  context::stack_pool pool;
  int steps = 0;
  auto body = [&steps] {
    ++steps;
    coro::suspend();
    ++steps;
    coro::suspend();
    ++steps;
  };
  {
    coro::coroutine warm_up(pool, body);  // maps the stack the pool will reuse
    run_one(warm_up);
  }
  const std::size_t before = allocations();
  for (int i = 0; i < 100; ++i) {
    coro::coroutine c(pool, body);
    run_one(c);
  }
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_EQ(steps, 3 * 101);
}

TEST(CoroutineAllocation, CallerMemoryAllocatesNothing) {
  std::vector<std::byte> memory(64 * 1024);
  const context::stack_view view{memory.data(), memory.size()};
  int steps = 0;
  const std::size_t before = allocations();
  for (int i = 0; i < 10; ++i) {
    coro::coroutine c(view, [&steps] {
      ++steps;
      coro::suspend();
      ++steps;
    });
    run_one(c);
  }
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_EQ(steps, 20);
}

TEST(CoroutineAllocation, CounterSeesAllocations) {
  // The test above cannot pass vacuously: the counter does count.
  const std::size_t before = allocations();
  // A direct call: unlike a new-expression, the compiler may not elide it.
  void* p = ::operator new(16);
  ::operator delete(p);
  EXPECT_EQ(allocations() - before, 1u);
}
