// context::stack_pool: reuse, LIFO order, the bound on idle stacks, and misuse.
#include <cstddef>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/context/stack_pool.hpp>

#include "fault_expectations.hpp"

namespace spindle::context {
namespace {

TEST(StackPool, StackSizeDefaultsAndRounds) {
  EXPECT_EQ(stack_pool().stack_size(), stack::default_size);
  EXPECT_EQ(stack_pool(1).stack_size(), stack::page_size());
}

TEST(StackPool, AcquireFromEmptyPoolMapsAStackOfThePoolSize) {
  stack_pool pool(3 * stack::page_size());
  EXPECT_EQ(pool.num_cached(), 0u);
  stack s = pool.acquire();
  EXPECT_FALSE(s.is_empty());
  EXPECT_EQ(s.size(), 3 * stack::page_size());
  EXPECT_EQ(pool.num_cached(), 0u);
}

TEST(StackPool, ReleasedStackIsReused) {
  stack_pool pool;
  stack s = pool.acquire();
  std::byte* lowest = s.view().lowest;
  pool.release(std::move(s));
  EXPECT_EQ(pool.num_cached(), 1u);
  stack again = pool.acquire();
  EXPECT_EQ(again.view().lowest, lowest);
  EXPECT_EQ(pool.num_cached(), 0u);
}

TEST(StackPool, AcquireReturnsCachedStacksInLifoOrder) {
  stack_pool pool;
  stack a = pool.acquire();
  stack b = pool.acquire();
  std::byte* a_lowest = a.view().lowest;
  std::byte* b_lowest = b.view().lowest;
  pool.release(std::move(a));
  pool.release(std::move(b));
  stack first = pool.acquire();
  stack second = pool.acquire();
  EXPECT_EQ(first.view().lowest, b_lowest);
  EXPECT_EQ(second.view().lowest, a_lowest);
  EXPECT_EQ(pool.num_cached(), 0u);
  EXPECT_TRUE(test::is_mapped(a_lowest));
}

TEST(StackPool, CacheIsBoundedAndTheExcessIsUnmapped) {
  constexpr std::size_t excess = 3;
  stack_pool pool(stack::page_size());
  std::vector<stack> stacks;
  for (std::size_t i = 0; i < stack_pool::max_cached + excess; ++i)
    stacks.push_back(pool.acquire());
  std::vector<std::byte*> lowest;
  for (const stack& s : stacks) lowest.push_back(s.view().lowest);

  for (stack& s : stacks) pool.release(std::move(s));
  EXPECT_EQ(pool.num_cached(), stack_pool::max_cached);
  for (std::size_t i = 0; i < stack_pool::max_cached; ++i) {
    EXPECT_TRUE(test::is_mapped(lowest[i])) << "cached stack " << i;
  }
  for (std::size_t i = stack_pool::max_cached; i < lowest.size(); ++i) {
    EXPECT_FALSE(test::is_mapped(lowest[i])) << "stack " << i << " exceeded the bound";
  }
}

TEST(StackPool, DestructionUnmapsCachedStacks) {
  std::byte* lowest = nullptr;
  {
    stack_pool pool;
    stack s = pool.acquire();
    lowest = s.view().lowest;
    pool.release(std::move(s));
    EXPECT_TRUE(test::is_mapped(lowest));
  }
  EXPECT_FALSE(test::is_mapped(lowest));
}

TEST(StackPool, ReleasingAnEmptyStackCachesNothing) {
  stack_pool pool;
  pool.release(stack());
  EXPECT_EQ(pool.num_cached(), 0u);
}

TEST(StackPoolDeathTest, ReleasingAStackOfAnotherSizeIsAnError) {
  stack_pool pool(stack::page_size());
  EXPECT_DEATH(pool.release(stack(4 * stack::page_size())),
               "stack_pool::release: the stack's size differs");
}

}  // namespace
}  // namespace spindle::context
