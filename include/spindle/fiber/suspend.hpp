// The suspension primitive every blocking fiber operation is built on (yield, sleep_for,
// switch_to, fiber::waiter and through it every fiber::sync primitive, channels, select).
//
//   fiber::detail::suspend([&](fiber::handle h) {
//     // Runs once the fiber has fully switched off its stack (on the worker's stack, or on the
//     // stack of the fiber a direct hand-off switched to).
//     publish(h);          // e.g. hand it to a timer, or to a waker through a waiter
//   });
//   // Back here once someone called h.resume().
//
// Protocol (the fiber side; step() in detail/fiber_block.hpp is the worker side):
//   1. check: the caller is a fiber, it is the innermost coroutine on this thread, no
//      no_suspend_scope is open and no strand task is running (debug builds; switch_to() may
//      leave a strand's task: docs/fiber.md, "Fibers and strands");
//   2. store a pointer to `after_switch` (a local of this call, on the fiber's stack) in the
//      fiber's block, and switch to the worker (coro::suspend);
//   3. the worker, now off the fiber's stack, calls after_switch(handle) — or, after a direct
//      hand-off (HANDOFF in detail/fiber_block.hpp), the fiber switched to calls it first
//      thing on arrival;
//   4. after_switch makes the handle reachable to exactly one resumer (or resumes it itself);
//      that resumer calls handle.resume() (HD.HANDLE1), which resubmits the fiber's own task to
//      its executor;
//   5. a worker runs the fiber's next step and suspend() returns.
// Why a waker never resumes a fiber that is still running: the handle exists only from step 3
// on, when the fiber is already off its stack. Why after_switch must not touch its captures
// after step 4: they live on the fiber's stack, and the resumed fiber pops that frame — maybe
// at once, on another thread (so: publish last, as with the futex wake rule in docs/design.md).
//
// after_switch must not throw (the fiber could never be resumed: the program stops) and must
// not block for long (it runs on the worker, holding it). It may resume the fiber itself
// (yield does: h.resume(exec::hint::yield)).
#pragma once

#include <type_traits>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/fiber/detail/fiber_block.hpp>
#include <spindle/fiber/handle.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>

namespace spindle::fiber::detail {

// The running fiber, or a usage error (the program stops, naming `operation`); the second
// also checks that it may block (check_may_block, no_suspend_scope.hpp).
fiber_block& current_or_stop(const char* operation) noexcept;
fiber_block& current_to_suspend(const char* operation) noexcept;

// Suspends the running fiber; calls after_switch(handle) once it is off its stack (above).
// Calling it outside a fiber, from a coroutine nested in a fiber, inside a no_suspend_scope or
// inside a strand's task stops the program with a message.
template <class AfterSwitch>
  requires std::is_invocable_v<AfterSwitch&, handle>
void suspend(AfterSwitch&& after_switch) {
  suspend(current_or_stop("fiber::detail::suspend()"), after_switch);
}

// The same, for a caller that already holds the running fiber (fiber_block::current(), not
// null): one thread-local lookup fewer on a hot path (a channel's park).
template <class AfterSwitch>
  requires std::is_invocable_v<AfterSwitch&, handle>
void suspend(fiber_block& running, AfterSwitch&& after_switch) {
  SPINDLE_ASSERT(&running == fiber_block::current(),
                 "fiber::detail::suspend(): the fiber given is not the running one");
  check_may_block("fiber::detail::suspend()");
  using callable = std::remove_reference_t<AfterSwitch>;
  after_switch_call call;
  call.fn = [](void* arg, handle h) { (*static_cast<callable*>(arg))(h); };
  call.arg = const_cast<void*>(static_cast<const void*>(&after_switch));
  running.suspend(call);
}

}  // namespace spindle::fiber::detail
