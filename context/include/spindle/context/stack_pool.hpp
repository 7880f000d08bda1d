// A cache of equally sized stacks, so that creating a coroutine or fiber in steady state maps
// nothing and allocates nothing.
//
// Not thread-safe, by design: the context layer is a leaf with no synchronization of its own
// (it cannot use the twist facade, which sits above it), and a stack cache is hot, so each
// thread, worker or simulator keeps its own pool instead of sharing a locked one.
//
// Usage:
//   context::stack_pool pool;                  // stacks of stack::default_size
//   context::stack s = pool.acquire();         // maps only when the cache is empty
//   ...
//   pool.release(std::move(s));                // cached, or unmapped if the cache is full
#pragma once

#include <array>
#include <cstddef>

#include <spindle/context/stack.hpp>

namespace spindle::context {

class stack_pool {
 public:
  // How many idle stacks a pool keeps; release() unmaps the excess. 16 default stacks are
  // 1 MiB of memory held idle per pool, which covers the burst of short-lived coroutines a
  // worker typically has in flight without pinning memory after a spike. Empirical.
  static constexpr std::size_t max_cached = 16;

  // A pool of stacks with `stack_size` usable bytes (rounded up to whole pages).
  explicit stack_pool(std::size_t stack_size = stack::default_size) noexcept;

  stack_pool(const stack_pool&) = delete;
  stack_pool& operator=(const stack_pool&) = delete;

  // Unmaps every cached stack. Stacks handed out and not yet released are unaffected.
  ~stack_pool() = default;

  // A stack of stack_size() bytes: a cached one if there is one, else a freshly mapped one.
  // Throws std::bad_alloc if mapping fails.
  stack acquire();

  // Takes back a stack of stack_size() bytes: caches it, or unmaps it if max_cached are idle.
  // A stack of another size, or a borrowed one, is a usage error (checked).
  void release(stack idle) noexcept;

  std::size_t stack_size() const noexcept { return stack_size_; }
  // Idle stacks held right now (at most max_cached).
  std::size_t num_cached() const noexcept { return num_cached_; }

 private:
  std::size_t stack_size_;
  std::size_t num_cached_ = 0;
  std::array<stack, max_cached> cached_;  // [0, num_cached_) hold memory, the rest are empty
};

}  // namespace spindle::context
