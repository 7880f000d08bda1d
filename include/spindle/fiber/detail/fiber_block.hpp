// The state of one fiber. It lives at the top of the fiber's own stack, so spawning a fiber
// with a pooled stack allocates nothing, and it *is* the fiber's exec::task, so resuming a
// fiber resubmits this same node (no allocation per resume).
//
//   top  ┌──────────────────────────────────┐
//        │ fiber_body<F>: fiber_block + F   │  this file
//        ├──────────────────────────────────┤
//        │ the coroutine's control block    │  coro/detail/control_block.hpp
//        │ frames of the body  ↓            │
//   low  └──────────────────────────────────┘  guard page
//
// One step of a fiber (step(), the task's run function, on a worker):
//   1. make the fiber this thread's current fiber (remembering the outer one: a fiber may
//      pump a manual_executor that runs other fibers);
//   2. resume the coroutine: the body runs until it suspends (detail::suspend) or ends;
//   3. restore the outer current fiber;
//   4. ended: report an escaped exception to on_failure, destroy the block, give the stack
//      back (on this thread: stack_allocator.hpp). Suspended: take the after_switch callback
//      out of the block and call it with the fiber's handle. From that call on the fiber may
//      be resumed and run elsewhere, so step() touches nothing of the block afterwards
//      (FB.STEP1), as an executor does not touch a task after running it (EX.TASK2).
//   5. a fiber handed off during the step (below) runs next, in the same step: back to 1.
//
// Direct hand-off (HANDOFF), the fast path of one fiber waking another and then waiting, as in
// a channel ping-pong:
//   FB.H1. handle::resume(hint::any or hint::next) called on a worker that is running a step of
//          an executor that allows_direct_handoff(), for a fiber of that same executor, while
//          the step's hand-off slot is empty and its budget (kHandoffBudget) is not spent, puts
//          the fiber in the slot instead of submitting it. It will run on this thread, next.
//   FB.H2. When the running fiber then suspends, it switches straight into the handed-off fiber
//          (coro's transfer_to: one switch, no trip through the worker and the queues), after
//          naming itself in the handed-off fiber's block (arrived_from_). The arriving fiber
//          first runs the suspended one's after_switch (it is off its stack now), then goes on.
//          A fiber that ends instead, or one that suspends with an empty slot, switches back to
//          step(), which finishes it or runs its after_switch, then runs the slot's fiber (step 5).
//   FB.H3. The thread's current fiber is always the one on the CPU: suspend() sets it to the
//          fiber it transfers to, and step() reads it after the switch back to learn which fiber
//          came back (the last of the chain; coro CO.TRANSFER3).
//   FB.H4. Fairness: a step runs at most kHandoffBudget fibers by hand-off; after that resumes
//          go to the executor, and the executor's own fairness rules apply again. Like a pool's
//          LIFO slot, a fiber in the slot cannot be stolen by other workers until the fiber that
//          handed it off suspends or ends.
// Every after_switch still runs exactly once, after its fiber is off its stack and before
// anybody else can resume it (it is what publishes the handle): FB.STEP1 holds for the arriving
// fiber's run of it as for step()'s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <spindle/context/stack.hpp>
#include <spindle/context/stack_view.hpp>
#include <spindle/coro/coroutine.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/task.hpp>
#include <spindle/fiber/handle.hpp>
#include <spindle/fiber/options.hpp>

namespace spindle::fiber::detail {

// A body bigger than this is refused at compile time (it would eat the stack it runs on).
inline constexpr std::size_t max_body_size = coro::detail::max_body_size;

// What the suspending fiber asked to run once it is off its stack.
struct after_switch_call {
  void (*fn)(void* arg, handle h) = nullptr;
  void* arg = nullptr;  // the callable, on the suspended fiber's stack
};

class fiber_block : public exec::task {
 public:
  fiber_block(const fiber_block&) = delete;
  fiber_block& operator=(const fiber_block&) = delete;

  // The fiber running on this thread, or null. Out of line, so a caller's frame never caches
  // a thread-local's address across a suspension that moved the fiber to another thread.
  static fiber_block* current() noexcept;

  std::uint64_t id() const noexcept { return id_; }
  const char* name() const noexcept { return name_; }
  timer_service* timers() const noexcept { return timers_; }

  // Suspends this fiber, which must be the one running; `call` runs after the switch (step 4).
  void suspend(after_switch_call call);

  // Submits the fiber's task to `ex` (which becomes its executor).
  void schedule(exec::executor& ex, exec::hint h) noexcept;
  void schedule(exec::hint h) noexcept { schedule(*executor_, h); }

  // Starts a new fiber: submits its first step. If the executor refuses (executor_stopped),
  // destroys the block, gives the stack back and rethrows.
  static void start(fiber_block& f);

  // FB.H1: takes `f` (suspended, being resumed with hint any/next) into the calling thread's
  // step hand-off slot if it may; false: schedule it as usual.
  static bool try_hand_off(fiber_block& f) noexcept;

  // How many fibers one step may run by hand-off (FB.H4).
  static constexpr unsigned kHandoffBudget = 64;

 protected:
  fiber_block(exec::executor& ex, const options& opts, context::stack stack,
              stack_allocator* stacks, context::stack_view below) noexcept;
  virtual ~fiber_block() = default;

 private:
  virtual void run_body() = 0;
  static void step(exec::task& self);
  // Steps 1-4 for one fiber of a step; `outer` is the fiber to restore as current.
  static void run_one(fiber_block& f, fiber_block* outer);
  static void run_after_switch(fiber_block& f) noexcept;
  static void finish(fiber_block& f) noexcept;
  void entry();

  exec::executor* executor_;  // where step() is submitted; written only while suspended
  coro::coroutine coroutine_;  // runs entry() on the memory below this block
  // The coroutine's own block, seen from inside the body: suspend() checks it is the innermost
  // coroutine (a coroutine nested in the fiber must not suspend the fiber).
  coro::detail::control_block* coroutine_block_ = nullptr;
  after_switch_call after_switch_;  // set by suspend(), taken by step() on the same thread
  // FB.H2: the fiber that suspended by transferring to this one, whose after_switch this one
  // runs on arrival; null when step() resumed it. Written by that fiber while this one is
  // suspended in its thread's hand-off slot, read and cleared by this one on arrival.
  fiber_block* arrived_from_ = nullptr;
  std::uint64_t id_;
  timer_service* timers_;
  failure_handler on_failure_;
  context::stack stack_;       // the memory this block lives in
  stack_allocator* stacks_;    // where stack_ goes back to
  char name_[options::max_name_length + 1];
};

template <class F>
class fiber_body final : public fiber_block {
 public:
  fiber_body(F&& fn, exec::executor& ex, const options& opts, context::stack stack,
             stack_allocator* stacks, context::stack_view below) noexcept
      : fiber_block(ex, opts, std::move(stack), stacks, below), fn_(std::move(fn)) {}

 private:
  void run_body() override { fn_(); }

  F fn_;
};

// Takes a stack for a new fiber from opts.stacks (or the default allocator).
context::stack acquire_stack(const options& opts, stack_allocator*& from);
// Where a block of `size` bytes goes at the top of `memory`, and the memory left below it.
struct block_placement {
  std::byte* block;
  context::stack_view below;
};
block_placement place_block(context::stack_view memory, std::size_t size,
                            std::size_t alignment) noexcept;
// The options a new fiber gets: opts with the timer service inherited from the spawning fiber.
options inherit(const options& opts) noexcept;

}  // namespace spindle::fiber::detail
