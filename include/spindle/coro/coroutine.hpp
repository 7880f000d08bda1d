// A stackful coroutine: a body that runs on its own stack and can suspend from any depth of
// calls inside it, to be resumed later, possibly from another thread.
//
// Usage:
//   coro::coroutine counter([&] {
//     for (int i = 0; i < 3; ++i) {
//       value = i;
//       coro::suspend();         // back to whoever called resume()
//     }
//   });
//   while (true) {
//     counter.resume();          // runs the body up to its next suspend() or its end
//     if (counter.is_done()) break;
//     use(value);
//   }
//
// Suspending is a free function, coro::suspend(), rather than a handle passed to the body:
// code deep inside the body (a fiber's yield, a generator's helper) can suspend without the
// handle being threaded through every call, and it always suspends the innermost coroutine
// running on this thread (the one whose resume() is on top of the call stack).
//
// Stacks, and what each constructor allocates:
//   coroutine(body)                  maps a fresh stack of context::stack::default_size;
//   coroutine(std::move(stack), body) runs on (and owns) a context::stack;
//   coroutine(pool, body)            takes a stack from a context::stack_pool and gives it back
//                                    when destroyed: with a warm pool, nothing is allocated;
//   coroutine(memory, body)          the unmanaged API: runs on caller memory, which must
//                                    outlive the coroutine; allocates nothing, ever.
// The coroutine's control block and its body live at the top of that stack; the object itself
// is one pointer.
//
// Exceptions: an exception that escapes the body ends the coroutine and propagates out of the
// resume() that ran it. Caught-exception state (std::current_exception(), `throw;`,
// std::uncaught_exceptions()) belongs to the coroutine: it is saved and restored at every
// switch, so suspending inside a catch block is fine.
//
// Destruction: destroying a coroutine that never started just destroys its body; destroying
// one that is suspended mid-body force-unwinds it: its suspend() throws coro::forced_unwind,
// so the body's destructors run, before the stack goes away. Destroying a running coroutine
// (from inside itself) is a usage error. Two consequences of unwinding by exception: a body
// suspended inside a destructor (which is noexcept) ends in std::terminate when destroyed, and
// a body must not swallow coro::forced_unwind with catch (...) without rethrowing (checked).
// Thread cancellation (pthread_cancel / pthread_exit inside a body) cannot cross the
// coroutine's stack boundary and is not supported.
//
// Overflow: running off the stack's end is reported as "stack overflow in coroutine <name>"
// (see set_name) instead of a bare crash. With caller memory, a guard is up to the caller: a
// fault in the page right below the memory is reported, otherwise nothing is.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/context/stack_pool.hpp>
#include <spindle/context/stack_view.hpp>
#include <spindle/coro/detail/control_block.hpp>
#include <spindle/coro/forced_unwind.hpp>

namespace spindle::coro {

// A callable the coroutine can run: invocable with no arguments, and not a coroutine itself.
template <class Body, class Self>
concept coroutine_body =
    std::invocable<std::decay_t<Body>&> && !std::same_as<std::remove_cvref_t<Body>, Self>;

class coroutine {
 public:
  // Managed: runs `body` on a freshly mapped stack of context::stack::default_size.
  template <coroutine_body<coroutine> Body>
  explicit coroutine(Body&& body)
      : coroutine(context::stack(context::stack::default_size), std::forward<Body>(body)) {}

  // Managed: runs `body` on `stack`, which the coroutine owns from now on.
  template <coroutine_body<coroutine> Body>
  coroutine(context::stack stack, Body&& body) : block_(nullptr) {
    attach(std::decay_t<Body>(std::forward<Body>(body)), std::move(stack), nullptr);
  }

  // Managed, pooled: runs `body` on a stack from `pool` and gives it back when destroyed.
  // The pool must outlive the coroutine, which must be destroyed on the pool's thread.
  // The body is copied before the stack is taken, so a throwing copy takes nothing.
  template <coroutine_body<coroutine> Body>
  coroutine(context::stack_pool& pool, Body&& body) : block_(nullptr) {
    std::decay_t<Body> copy(std::forward<Body>(body));
    attach(std::move(copy), pool.acquire(), &pool);
  }

  // Unmanaged: runs `body` on caller memory, which must outlive the coroutine. Allocates
  // nothing. The memory must hold the control block and detail::min_body_stack below it.
  template <coroutine_body<coroutine> Body>
  coroutine(context::stack_view memory, Body&& body)
      : block_(detail::create(memory, std::decay_t<Body>(std::forward<Body>(body)),
                              detail::page_below(memory), context::stack::page_size(),
                              context::stack(), nullptr)) {}

  coroutine(coroutine&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  coroutine& operator=(coroutine&& other) noexcept {
    if (this != &other) {
      reset();
      block_ = std::exchange(other.block_, nullptr);
    }
    return *this;
  }
  coroutine(const coroutine&) = delete;
  coroutine& operator=(const coroutine&) = delete;

  // Destroys the body (force-unwinding it if it is suspended) and gives the stack back.
  ~coroutine() { reset(); }

  // Runs the body until it calls suspend() or ends, on this thread; rethrows what escaped the
  // body. The coroutine must not be done, nor running (resumed from inside itself or from a
  // coroutine it resumed).
  void resume() {
    SPINDLE_ASSERT(block_ != nullptr, "coroutine::resume(): the coroutine was moved from");
    block_->resume();
  }

  // True once the body has returned or thrown.
  bool is_done() const noexcept {
    SPINDLE_ASSERT(block_ != nullptr, "coroutine::is_done(): the coroutine was moved from");
    return block_->is_done();
  }

  // Names the coroutine in diagnostics (the stack-overflow report). `name` must outlive it.
  void set_name(const char* name) noexcept {
    SPINDLE_ASSERT(block_ != nullptr, "coroutine::set_name(): the coroutine was moved from");
    block_->set_name(name);
  }
  const char* name() const noexcept {
    SPINDLE_ASSERT(block_ != nullptr, "coroutine::name(): the coroutine was moved from");
    return block_->name();
  }

 private:
  // Builds the block on an owned stack (given back to `pool` at the end, if there is one).
  template <class Body>
  void attach(Body&& body, context::stack stack, context::stack_pool* pool) noexcept {
    // Read before the stack moves into the block (argument evaluation order is unspecified).
    const context::stack_view memory = stack.view();
    const std::byte* guard_lowest = stack.guard_lowest();
    // A borrowed stack has no guard of its own: watch nothing rather than [null, page).
    const std::size_t guard_size = guard_lowest == nullptr ? 0 : context::stack::guard_size();
    block_ = detail::create(memory, std::move(body), guard_lowest, guard_size, std::move(stack),
                            pool);
  }

  void reset() noexcept {
    if (block_ != nullptr) detail::control_block::destroy(std::exchange(block_, nullptr));
  }

  detail::control_block* block_;  // at the top of the coroutine's stack; null once moved from
};

// Suspends the innermost coroutine running on this thread and returns to its resume(); returns
// when the coroutine is resumed again (maybe on another thread). Calling it outside a coroutine
// is a usage error. Throws coro::forced_unwind if the coroutine is destroyed while suspended.
inline void suspend() { detail::control_block::current_to_suspend().suspend(); }

}  // namespace spindle::coro
