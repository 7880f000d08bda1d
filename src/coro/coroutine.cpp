// The coroutine's switch protocol.
//
// resume(), on the resumer's thread (inline in control_block.hpp; steps 1-2 are enter(), step 4
// is leave()):
//   1. check the coroutine is created or suspended (not done, not running);
//   2. make it the thread's current coroutine (keeping the outer one, for nesting), swap in
//      its exception state and its stack-overflow record (keeping the resumer's), all in a
//      resumer_state local to this call that resumer_ points to;
//   3. switch from that record's fresh context to context_; the body runs until suspend() or
//      its end, both of which switch back to it;
//   4. undo step 2 in reverse; if the body ended with an exception, rethrow it.
// Everything thread-specific (current coroutine, exception state, overflow record) is touched
// only in enter() and leave(), on the resumer's side, where the thread is the same before and
// after the switch. suspend() touches none of it after its switch, because it may come back on
// another thread. The resumer_state is the resumer's: written by enter(), read by leave(), and
// nobody else resumes the coroutine in between (it is running).
//
// transfer_to(next), inside the running coroutine A (hand_over() is steps 1-3):
//   1. check A is not being unwound (CO.INV1) and `next` is suspended;
//   2. `next` takes over A's resumer: resumer_ is copied from A (CO.TRANSFER1: the resumer's
//      saved state is reached from the coroutine that is running on its behalf, so the one
//      that comes back can restore it);
//   3. A's exception state is saved from the thread's slot and next's put there; next's
//      overflow record replaces A's; next becomes the thread's current coroutine; A is marked
//      suspended, next running;
//   4. switch from A's context to next's. Everything in steps 2-3 happens before the switch,
//      on this thread, so it is the same thread's state (CO.TRANSFER2); A touches only its own
//      members after the switch, as in suspend().
// CO.TRANSFER3: the resumer's leave() (leave_returned()) runs on the thread's current coroutine,
// which is the last one of the chain: the one that suspended or ended and switched to
// *resumer_, since only the running coroutine can switch to it.
//
// destroy(): a suspended body is resumed with unwind_requested_ set, so its suspend() throws
// forced_unwind (CO.INV1: a body being unwound never suspends again; checked in suspend()).
// entry() catches forced_unwind and ends the body like a return. Then the block is destroyed
// and the stack given back; the stack is moved out of the block first, since the block lives
// in it.
#include <spindle/coro/coroutine.hpp>

#include <cstdint>

#include <spindle/base/config.hpp>
#include <spindle/context/stack_overflow_scope.hpp>
#include <spindle/twist/thread_local.hpp>

#if SPINDLE_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace spindle::coro {

namespace detail {

namespace {

struct current_coroutine_slot;
using current_coroutine = twist::thread_local_ptr<control_block, current_coroutine_slot>;

constexpr const char* overflow_kind = "coroutine";

// The calling OS thread's exception-state slot (context::exception_state::this_thread_slot()),
// looked up once per thread: the runtime's per-thread struct never moves while its thread lives, and the
// lookup (a PLT call into the C++ runtime, then __tls_get_addr) cost about 20 instructions per
// resume. A plain thread_local, not a twist one: the slot belongs to the OS thread, as the
// runtime's struct does. Read only by enter() and leave(), on the resumer's thread.
constinit thread_local void* exception_slot_of_this_thread = nullptr;

void* this_thread_exception_slot() noexcept {
  void* slot = exception_slot_of_this_thread;
  if (slot == nullptr) [[unlikely]] {
    slot = context::exception_state::this_thread_slot();
    exception_slot_of_this_thread = slot;
  }
  return slot;
}

std::uintptr_t align_down(std::uintptr_t value, std::size_t alignment) noexcept {
  return value & ~(static_cast<std::uintptr_t>(alignment) - 1);
}

}  // namespace

block_placement place_block(context::stack_view memory, std::size_t block_size,
                            std::size_t block_alignment) noexcept {
  const auto lowest = reinterpret_cast<std::uintptr_t>(memory.lowest);
  const auto top = lowest + memory.size;
  const std::size_t alignment =
      block_alignment > stack_alignment ? block_alignment : stack_alignment;
  SPINDLE_VERIFY(
      memory.lowest != nullptr && top - lowest >= block_size + alignment + min_body_stack,
      "coroutine: the stack is too small for its control block, the body and "
      "min_body_stack bytes of frames");
  const std::uintptr_t block = align_down(top - block_size, alignment);
#if SPINDLE_ASAN
  // Memory reused from an earlier coroutine can still carry the redzones of frames that never
  // returned (the entry frame ends in a switch, not a return): start from clean shadow.
  ASAN_UNPOISON_MEMORY_REGION(memory.lowest, memory.size);
#endif
  return {reinterpret_cast<std::byte*>(block),
          context::stack_view{memory.lowest, static_cast<std::size_t>(block - lowest)}};
}

const std::byte* page_below(context::stack_view memory) noexcept {
  return reinterpret_cast<const std::byte*>(reinterpret_cast<std::uintptr_t>(memory.lowest) -
                                            context::stack::page_size());
}

control_block::control_block(context::stack_view body_stack, const std::byte* guard_lowest,
                             std::size_t guard_size, context::stack owned,
                             context::stack_pool* pool) noexcept
    : watch_{guard_lowest, guard_size, overflow_kind, "(unnamed)"},
      owned_stack_(std::move(owned)),
      pool_(pool) {
  context_.setup(body_stack, &control_block::entry, this);
}

control_block* control_block::current() noexcept { return current_coroutine::get(); }

control_block& control_block::current_to_suspend() noexcept {
  control_block* self = current_coroutine::get();
  SPINDLE_VERIFY(self != nullptr, "coro::suspend() called outside a coroutine");
  return *self;
}

void control_block::enter(resumer_state& resumer) noexcept {
  SPINDLE_VERIFY(state_ != state::done, "coroutine::resume(): the coroutine has finished");
  SPINDLE_VERIFY(state_ != state::running,
                 "coroutine::resume(): the coroutine is running (resumed from inside itself, or "
                 "from a coroutine it resumed)");
  state_ = state::running;
  resumer.outer = current_coroutine::get();
  current_coroutine::set(this);
  resumer.exception_state =
      context::exception_state::exchange(this_thread_exception_slot(), exception_state_);
  resumer.watch = context::stack_overflow_scope::exchange(&watch_);
  resumer_ = &resumer;
}

void control_block::leave(const resumer_state& resumer) {
  // The same thread as enter(): its thread-locals are this thread's again.
  context::stack_overflow_scope::exchange(resumer.watch);
  exception_state_ =
      context::exception_state::exchange(this_thread_exception_slot(), resumer.exception_state);
  current_coroutine::set(resumer.outer);
  if (exception_) [[unlikely]] std::rethrow_exception(std::exchange(exception_, nullptr));
}

void control_block::leave_returned(const resumer_state& resumer) {
  control_block* returned = current_coroutine::get();  // CO.TRANSFER3
  returned->leave(resumer);
}

void control_block::hand_over(control_block& next) noexcept {
  SPINDLE_VERIFY(!unwind_requested_,
                 "coroutine: transferred while being destroyed (the body caught "
                 "coro::forced_unwind and did not rethrow it)");
  SPINDLE_VERIFY(next.state_ == state::suspended,
                 "coroutine: transfer to a coroutine that is not suspended");
  SPINDLE_ASSERT(current_coroutine::get() == this,
                 "coroutine: transfer from a coroutine that is not the innermost running one");
  // Step 2 (CO.TRANSFER1).
  next.resumer_ = resumer_;
  // Step 3.
  exception_state_ =
      context::exception_state::exchange(this_thread_exception_slot(), next.exception_state_);
  context::stack_overflow_scope::exchange(&next.watch_);  // returns &watch_: nothing to keep
  current_coroutine::set(&next);
  state_ = state::suspended;
  next.state_ = state::running;
}

void control_block::throw_forced_unwind() { throw forced_unwind{}; }

void control_block::entry(void* self) {
  auto* block = static_cast<control_block*>(self);
  try {
    block->run_body();
  } catch (const forced_unwind&) {
    // destroy() asked for it: the body's destructors have run.
  } catch (...) {
    block->exception_ = std::current_exception();
  }
  block->state_ = state::done;
  block->context_.exit_to(block->resumer_->context);
}

void control_block::destroy(control_block* block) noexcept {
  SPINDLE_VERIFY(block->state_ != state::running,
                 "coroutine destroyed while running (from inside itself, or from a coroutine "
                 "it resumed)");
  if (block->state_ == state::suspended) {
    block->unwind_requested_ = true;
    try {
      block->resume();
    } catch (...) {
      SPINDLE_VERIFY(false,
                     "coroutine: the body threw another exception while being destroyed "
                     "(it caught coro::forced_unwind and threw something else)");
    }
  }
  context::stack stack = std::move(block->owned_stack_);
  context::stack_pool* pool = block->pool_;
  block->~control_block();
  if (pool != nullptr) pool->release(std::move(stack));
  // else: `stack` unmaps here if the block owned it; caller memory is left alone.
}

}  // namespace detail

}  // namespace spindle::coro
