// Where a fiber's stack comes from and where it goes back to.
//
// A fiber takes its stack on the thread that calls fiber::go() and gives it back on the thread
// that runs its last step — usually another one, since fibers migrate between workers. A
// context::stack_pool is not thread-safe, so it cannot be shared by both ends. The default
// allocator therefore keeps one cache per OS thread: allocate() takes from the calling
// thread's cache, deallocate() puts into the calling thread's cache. Each cache is touched by
// its own thread only; stacks drift between caches, which is harmless (a stack is just
// memory). A warm cache makes spawning allocate nothing.
//
//   fiber::options opts;
//   opts.stacks = &my_allocator;          // e.g. a fiber pool's per-worker arena
//   fiber::go(pool, body, opts);
//
// Your own allocator must tolerate deallocate() on any thread that runs fibers. For more live
// fibers than the kernel allows guarded stacks (about 32,700 on Linux by default), use
// fiber::slab_stack_allocator (slab_stack_allocator.hpp: many stacks per mapping, no guard
// page per stack).
#pragma once

#include <cstddef>

#include <spindle/context/stack.hpp>

namespace spindle::fiber {

class stack_allocator {
 public:
  stack_allocator() = default;
  stack_allocator(const stack_allocator&) = delete;
  stack_allocator& operator=(const stack_allocator&) = delete;

  // A stack of at least `size` usable bytes. Throws std::bad_alloc if there is none.
  virtual context::stack allocate(std::size_t size) = 0;
  // Takes back a stack allocate() gave; called on whatever thread ran the fiber's last step.
  virtual void deallocate(context::stack idle) noexcept = 0;

 protected:
  ~stack_allocator() = default;
};

// The default allocator: a cache of context::stack::default_size stacks per OS thread
// (context::stack_pool, at most stack_pool::max_cached each, unmapped when the thread exits),
// backed by one process-wide depot of idle stacks (at most 16384: 1 GiB of address space,
// resident where earlier fibers touched it) that the caches refill from and spill into in
// batches of half a cache — so stacks freed on one worker feed spawns on another instead of
// being unmapped there and mapped here, and a burst of fibers maps its stacks once, not on
// every burst. Stacks of other sizes are mapped and unmapped each time.
stack_allocator& thread_cached_stacks() noexcept;

// Gives the default allocator's idle stacks back to the OS: the whole depot and the calling
// thread's own cache (other threads' caches hold at most context::stack_pool::max_cached each
// and are unmapped when their threads exit). Returns how many stacks it unmapped. For a
// program whose fiber count spiked once and that wants the memory back.
std::size_t release_idle_stacks() noexcept;

}  // namespace spindle::fiber
