// context::stack_pool: a LIFO cache, so the most recently used (cache-warm) stack runs next.
#include <spindle/context/stack_pool.hpp>

#include <utility>

#include <spindle/base/config.hpp>

namespace spindle::context {

stack_pool::stack_pool(std::size_t stack_size) noexcept
    : stack_size_(stack::rounded_size(stack_size)) {}

stack stack_pool::acquire() {
  if (num_cached_ > 0) return std::move(cached_[--num_cached_]);
  return stack(stack_size_);
}

void stack_pool::release(stack idle) noexcept {
  if (idle.is_empty()) return;
  SPINDLE_VERIFY(idle.owns_memory(),
                 "stack_pool::release: a borrowed stack (its memory belongs to a stack_slab or "
                 "the caller; caching it would hand the same memory out twice)");
  SPINDLE_VERIFY(idle.size() == stack_size_,
                 "stack_pool::release: the stack's size differs from the pool's stack_size()");
  if (num_cached_ < max_cached) cached_[num_cached_++] = std::move(idle);
  // else: `idle` is unmapped as it goes out of scope; the cache stays bounded.
}

}  // namespace spindle::context
