// A borrowed range of memory used as a machine stack. The context layer never owns memory
// through a stack_view; owners are context::stack (mmap + guard page), context::stack_pool,
// or the caller (unmanaged API).
#pragma once

#include <cstddef>

namespace spindle::context {

// [lowest, lowest + size): usable stack memory; the stack grows down from top().
struct stack_view {
  std::byte* lowest = nullptr;
  std::size_t size = 0;

  std::byte* top() const noexcept { return lowest + size; }
};

}  // namespace spindle::context
