// The state of one coroutine. It lives at the top of the coroutine's own stack, above the
// frames the body runs in, so creating a coroutine allocates nothing beyond its stack.
//
// Memory layout of a coroutine's stack (addresses grow upwards):
//
//   top  ┌──────────────────────────────┐
//        │ body_block<Body>             │  control_block + the body callable
//        ├──────────────────────────────┤  aligned down to 16
//        │ frames of the body  ↓        │  the execution context's stack_view
//        │                              │
//   low  └──────────────────────────────┘
//        guard (owned stacks; caller memory: whatever lies below)
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/context/execution_context.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/context/stack_overflow_scope.hpp>
#include <spindle/context/stack_pool.hpp>
#include <spindle/context/stack_view.hpp>
#include <spindle/context/exception_state.hpp>

namespace spindle::coro::detail {

class control_block;

// What one resume() call keeps while the body runs: a local of that call, on the resumer's
// stack. enter() fills it, leave() puts it back, both on the resumer's thread. The running
// coroutine points at it (resumer_), so a transfer_to() hands the whole record over with one
// pointer (CO.TRANSFER1).
struct resumer_state {
  // The execution blocked in resume(). A fresh one per call because each resume may come from
  // another thread or coroutine, and a context that stands for a running execution learns its
  // identity (ASAN stack bounds, TSAN fiber) when it switches away.
  context::execution_context context;
  control_block* outer = nullptr;  // the resumer's current coroutine (nesting), or null
  context::exception_state exception_state;
  const context::stack_overflow_scope::watched_stack* watch = nullptr;
};

// A body bigger than this is refused at compile time: it would eat the stack it runs on.
// Capture big state by reference or pointer instead.
inline constexpr std::size_t max_body_size = 1024;

// The least stack the body must get below the control block; a smaller stack is refused with
// a message. It covers the first switch frame and a few small frames, nothing more: real
// bodies want context::stack::default_size.
inline constexpr std::size_t min_body_stack = 4096;

// Frames on x86-64 and aarch64 need 16-byte alignment; the block keeps the stack under it so.
inline constexpr std::size_t stack_alignment = 16;

class control_block {
 public:
  enum class state : unsigned char {
    created,    // set up, body not started
    suspended,  // inside coro::suspend()
    running,    // on a thread's stack right now (possibly resuming another coroutine)
    done,       // the body returned or threw
  };

  control_block(const control_block&) = delete;
  control_block& operator=(const control_block&) = delete;

  // Runs the body until it suspends or ends; rethrows what the body threw.
  //
  // Inline, with the bookkeeping out of line on both sides of the switch, so that the switch
  // back from the body lands in the caller's own frame: a switch leaves the return-stack
  // predictor holding the other stack's return addresses, and every `ret` between the arrival
  // and the next call mispredicts. The thread-locals are touched only inside enter() and
  // leave(), never inline in the caller, whose frame a compiler could otherwise let reuse a
  // thread-local's address across a suspend() that moved it to another thread.
  //
  // With transfer_to() (below) the coroutine that switches back here may be another one than
  // *this: leave() works on whichever came back, and it is the one whose exception is rethrown.
  void resume() {
    resumer_state resumer;
    enter(resumer);
    resumer.context.switch_to(context_);
    leave_returned(resumer);
  }

  // Called by coro::suspend() inside the body: switches back to the resumer. Inline for the
  // same reason as resume(): after the switch it touches only members of *this.
  void suspend() {
    SPINDLE_VERIFY(!unwind_requested_,
                   "coroutine: suspended while being destroyed (the body caught "
                   "coro::forced_unwind and did not rethrow it)");
    state_ = state::suspended;
    context_.switch_to(resumer_->context);
    // Resumed, maybe on another thread: only members of *this from here on.
    if (unwind_requested_) [[unlikely]] throw_forced_unwind();
  }

  // Symmetric transfer (CO.TRANSFER1-3 in coroutine.cpp): called by the running coroutine *this,
  // the innermost on its thread, to suspend itself and run `next` (suspended) in its place, on
  // behalf of the same resumer: when `next` later suspends or ends, that resumer's resume()
  // returns (and leave() restores the resumer's state from `next`). One switch instead of two
  // (back to the resumer, then into `next`). Returns when *this is resumed again, by resume()
  // or by another transfer_to(), maybe on another thread. For fibers (fiber/detail), which
  // know which coroutine came back; coro::coroutine does not offer it.
  void transfer_to(control_block& next) {
    hand_over(next);
    context_.switch_symmetric_to(next.context_);
    // Resumed, maybe on another thread: only members of *this from here on.
    if (unwind_requested_) [[unlikely]] throw_forced_unwind();
  }

  bool is_done() const noexcept { return state_ == state::done; }

  void set_name(const char* name) noexcept { watch_.name = name; }
  const char* name() const noexcept { return watch_.name; }

  // Force-unwinds a suspended body, destroys the block and gives the stack back (unmaps it,
  // returns it to its pool, or leaves caller memory alone).
  static void destroy(control_block* block) noexcept;

  // The innermost coroutine running on this thread, or null.
  static control_block* current() noexcept;
  // The same for coro::suspend(), which needs one: a usage error (abort) outside a coroutine.
  static control_block& current_to_suspend() noexcept;

 protected:
  // `body_stack`: where the body's frames go (below the block). `owned`/`pool`: the stack to
  // give back at destroy() (empty for caller memory).
  control_block(context::stack_view body_stack, const std::byte* guard_lowest,
                std::size_t guard_size, context::stack owned, context::stack_pool* pool) noexcept;
  virtual ~control_block() = default;

 private:
  virtual void run_body() = 0;
  [[noreturn]] static void entry(void* self);

  // resume()'s two halves, on the resumer's thread. enter(): checks the coroutine can run,
  // makes it the thread's current coroutine and swaps in its exception state and overflow
  // record, keeping the resumer's in `resumer`; leave(): puts those back after the switch,
  // and rethrows what the body threw, if it ended by throwing.
  void enter(resumer_state& resumer) noexcept;
  void leave(const resumer_state& resumer);
  // leave() on the coroutine that switched back to the resumer: *this, or the last one a
  // transfer_to() chain ran (the thread's current coroutine).
  static void leave_returned(const resumer_state& resumer);
  // transfer_to()'s bookkeeping before its switch: `next` takes over the resumer and the
  // resumer's saved state from *this; the thread-locals move from *this to `next`.
  void hand_over(control_block& next) noexcept;
  [[noreturn]] static void throw_forced_unwind();

  context::execution_context context_;  // the coroutine's own execution
  // While the body runs: the state of the resume() call it runs for, which its suspend() and
  // its end switch back to (set by enter(), or handed over by transfer_to()).
  resumer_state* resumer_ = nullptr;
  state state_ = state::created;
  bool unwind_requested_ = false;  // destroy() is unwinding the suspended body
  std::exception_ptr exception_;     // thrown by the body, rethrown by resume()
  context::exception_state exception_state_;  // the body's exception state while it is not running
  // The stack-overflow record of this coroutine (guard, kind, name), built once; the thread
  // points at it while the body runs.
  context::stack_overflow_scope::watched_stack watch_;
  context::stack owned_stack_;  // the memory this block lives in, if owned
  context::stack_pool* pool_;   // where owned_stack_ goes back to, or null
};

template <class Body>
class body_block final : public control_block {
 public:
  body_block(Body&& body, context::stack_view body_stack, const std::byte* guard_lowest,
             std::size_t guard_size, context::stack owned, context::stack_pool* pool) noexcept
      : control_block(body_stack, guard_lowest, guard_size, std::move(owned), pool),
        body_(std::move(body)) {}

 private:
  void run_body() override { std::invoke(body_); }

  Body body_;
};

// Where in `memory` a block of `block_size` bytes goes, and the stack left below it.
struct block_placement {
  std::byte* block;
  context::stack_view body_stack;
};
block_placement place_block(context::stack_view memory, std::size_t block_size,
                            std::size_t block_alignment) noexcept;

// The page right below caller memory: where an overflow of it faults, if anything is there.
const std::byte* page_below(context::stack_view memory) noexcept;

// Builds a body_block at the top of `memory`, moving `body` into it. Checks that the memory
// can hold the block and min_body_stack below it.
template <class Body>
control_block* create(context::stack_view memory, Body&& body, const std::byte* guard_lowest,
                      std::size_t guard_size, context::stack owned,
                      context::stack_pool* pool) noexcept {
  static_assert(!std::is_reference_v<Body>, "create() takes the body by rvalue");
  static_assert(sizeof(Body) <= max_body_size,
                "spindle::coro: the coroutine body is too big to live on its own stack "
                "(see max_body_size); capture large state by reference or pointer");
  static_assert(std::is_nothrow_move_constructible_v<Body>,
                "spindle::coro: the coroutine body must be nothrow move constructible (it is "
                "moved onto the coroutine's stack after that stack is acquired)");
  using block_type = body_block<Body>;
  const block_placement where = place_block(memory, sizeof(block_type), alignof(block_type));
  return ::new (where.block) block_type(std::move(body), where.body_stack, guard_lowest, guard_size,
                                        std::move(owned), pool);
}

}  // namespace spindle::coro::detail
