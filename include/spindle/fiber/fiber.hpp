// Fibers: bodies that run on their own stack, scheduled as tasks on any exec::executor, that
// block by suspending (handing their worker to other work) instead of blocking the thread.
//
//   exec::fast_pool pool;
//   fiber::timer_service timers;                      // only if fibers sleep
//   fiber::sync::wait_group done;
//   done.add(2);
//   fiber::options opts;
//   opts.timers = &timers;
//   fiber::go(pool, [&] { fiber::sleep_for(10ms); done.done(); }, opts);
//   fiber::go(pool, [&] { fiber::yield(); done.done(); }, opts);
//   done.wait();                                      // a plain thread may wait too
//
// A fiber is detached: wait for it with a sync primitive (wait_group, event). Fibers must
// finish before their executor stops (a fiber resumed on a stopped executor stops the
// program) and before the timer service they sleep on stops. Exceptions escaping a body go to
// options::on_failure (default: print the fiber's name and terminate).
//
// Memory: the fiber's control block and its body live at the top of its stack; spawning with
// a warm stack cache allocates nothing, and every resume resubmits the fiber's own task node.
// Stacks: stack_allocator.hpp. Suspension protocol (to write your own blocking primitive):
// suspend.hpp and sync/waiter.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include <spindle/exec/executor.hpp>
#include <spindle/fiber/detail/fiber_block.hpp>
#include <spindle/fiber/options.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber {

// Starts `body` as a fiber on `ex` (it runs when `ex` runs its first step). The callable is
// moved onto the fiber's stack: it must be nothrow-movable and at most detail::max_body_size
// bytes. Throws std::bad_alloc if no stack can be had, exec::executor_stopped if `ex` has
// stopped (nothing is left behind either way).
template <class F>
  requires std::is_invocable_v<std::decay_t<F>&>
void go(exec::executor& ex, F&& body, const options& opts = {}) {
  using body_type = std::decay_t<F>;
  using block_type = detail::fiber_body<body_type>;
  static_assert(sizeof(body_type) <= detail::max_body_size,
                "spindle::fiber: the fiber body is too big to live on its own stack; capture "
                "large state by reference or pointer");
  static_assert(std::is_nothrow_move_constructible_v<body_type>,
                "spindle::fiber: the fiber body must be nothrow move constructible");
  body_type copy(std::forward<F>(body));  // before the stack is taken: a throwing copy takes none
  const options resolved = detail::inherit(opts);
  stack_allocator* from = nullptr;
  context::stack stack = detail::acquire_stack(resolved, from);
  const detail::block_placement where =
      detail::place_block(stack.view(), sizeof(block_type), alignof(block_type));
  auto* f = ::new (where.block)
      block_type(std::move(copy), ex, resolved, std::move(stack), from, where.below);
  detail::fiber_block::start(*f);
}

// True when the caller runs on a fiber.
bool is_fiber() noexcept;

// Lets other work run: the fiber goes to the back of its executor's queue (hint::yield).
// Fibers only (a usage error elsewhere).
void yield();

// Suspends the fiber for at least `duration`, on its timer service (options::timers); the
// worker runs other work meanwhile. Fibers only; a fiber without a timer service is a usage
// error. Returns at once (after a yield) if the service has stopped.
void sleep_for(std::chrono::nanoseconds duration);
void sleep_until(twist::steady_clock::time_point deadline);

// Continues the calling fiber on `ex`: returns when a worker of `ex` runs it; `ex` is the
// fiber's executor from then on. Fibers only. The one suspension allowed in a fiber that runs
// on an exec::strand: switch_to(strand) enters the strand's serialized section, switch_to(other)
// leaves it (docs/fiber.md, "Fibers and strands").
void switch_to(exec::executor& ex);

namespace this_fiber {

// A number unique to the fiber in this process (per run in sim builds), from 1 up; not
// dense: each thread takes ids in blocks.
// Fibers only.
std::uint64_t id();

// The name from options::name. Fibers only.
std::string_view name();

}  // namespace this_fiber

}  // namespace spindle::fiber
