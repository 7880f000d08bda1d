// Fibers: spawning, the step a worker runs, suspension and the operations built directly on
// it (yield, switch_to). The protocols are in detail/fiber_block.hpp (the worker side, FB.STEP1)
// and suspend.hpp (the fiber side).
#include <spindle/fiber/fiber.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <typeinfo>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/coro/detail/control_block.hpp>
#include <spindle/exec/detail/strand_task_scope.hpp>
#include <spindle/exec/strand.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/stack_allocator.hpp>
#include <spindle/fiber/suspend.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/mode.hpp>
#include <spindle/twist/thread_local.hpp>

namespace spindle::fiber {

namespace detail {

namespace {

struct current_fiber_slot;
using current_fiber = twist::thread_local_ptr<fiber_block, current_fiber_slot>;

// The step in progress on this thread (a local of step()), for the hand-off (HANDOFF).
struct step_frame {
  // FB.H1: the step's executor if it allows_direct_handoff(), else null (no fiber matches).
  exec::executor* handoff_executor;
  fiber_block* handoff = nullptr;           // FB.H1: the fiber to run next, or null
  unsigned budget = fiber_block::kHandoffBudget;  // FB.H4
};

struct current_step_slot;
using current_step = twist::thread_local_ptr<step_frame, current_step_slot>;

struct next_id_tag;
using next_id = twist::static_var<twist::atomic<std::uint64_t>, next_id_tag>;

// Ids are handed out in blocks per OS thread, so that spawning on many workers at once does not
// bounce one counter's cache line between them (it did: a contended RMW per spawn). A plain
// thread_local, as the stack caches: in sim builds every simulated thread shares it, and the
// blocks would carry over between explored runs, so sim builds take one id at a time instead
// (ids stay the same in every replay).
constexpr std::uint64_t kIdBlock = twist::current_mode == twist::mode::simulator ? 1 : 1024;

struct id_block {
  std::uint64_t next = 0;
  std::uint64_t end = 0;
};
thread_local id_block ids_of_this_thread;

std::uint64_t new_id() noexcept {
  id_block& ids = ids_of_this_thread;
  if (ids.next == ids.end) {
    // relaxed: only uniqueness matters, which the read-modify-write gives.
    ids.next = next_id::get().fetch_add(kIdBlock, std::memory_order_relaxed) + 1;
    ids.end = ids.next + kIdBlock;
  }
  return ids.next++;
}

void check_no_spinlock_held(const char* operation) noexcept {
  if (const no_suspend_scope* scope = no_suspend_scope::innermost()) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "fiber: %s inside no_suspend_scope '%s' (suspending or parking while holding "
                  "a spinlock)",
                  operation, scope->what());
    ::spindle::detail::assertion_failed("no_suspend_scope::innermost() == nullptr", text,
                                        __FILE__, __LINE__);
  }
}

// The strand rule (docs/fiber.md, "Fibers and strands"): a strand's task holds the strand from
// its start to its end, so nothing in it may suspend or park. switch_to() is the exception: it
// names where the fiber goes, so leaving the strand is visible at the call (it skips this).
void check_outside_strand_task(const char* operation) noexcept {
  const exec::detail::strand_task_scope* inside = exec::detail::strand_task_scope::innermost();
  if (inside == nullptr) return;
  const std::string_view under = inside->owner().underlying().name();
  const bool on_fiber = current_fiber::get() != nullptr;
  char text[512];
  std::snprintf(text, sizeof text,
                "fiber: %s inside a task of exec::strand %p (on '%.*s'): %s; %s", operation,
                static_cast<const void*>(&inside->owner()), static_cast<int>(under.size()),
                under.data(),
                on_fiber ? "a strand's task must not suspend (the strand would run its next "
                           "task while this one is still inside, breaking its mutual exclusion)"
                         : "a strand's task must not park its thread (the strand and every task "
                           "queued behind it would wait, forever if the wake is to come from one "
                           "of them)",
                on_fiber ? "leave the strand first with fiber::switch_to(<another executor>)"
                         : "block outside the strand's tasks (e.g. in a fiber on another "
                           "executor)");
  ::spindle::detail::assertion_failed("strand_task_scope::innermost() == nullptr", text, __FILE__,
                                      __LINE__);
}

}  // namespace

void check_may_block(const char* operation) noexcept {
  check_no_spinlock_held(operation);
  check_outside_strand_task(operation);
}

fiber_block* fiber_block::current() noexcept { return current_fiber::get(); }

fiber_block& current_or_stop(const char* operation) noexcept {
  fiber_block* self = current_fiber::get();
  if (self == nullptr) {
    char text[160];
    std::snprintf(text, sizeof text, "fiber: %s called outside a fiber", operation);
    ::spindle::detail::assertion_failed("fiber::is_fiber()", text, __FILE__, __LINE__);
  }
  return *self;
}

fiber_block& current_to_suspend(const char* operation) noexcept {
  fiber_block& self = current_or_stop(operation);
  check_may_block(operation);
  return self;
}

fiber_block::fiber_block(exec::executor& ex, const options& opts, context::stack stack,
                         stack_allocator* stacks, context::stack_view below) noexcept
    : exec::task(&fiber_block::step),
      executor_(&ex),
      coroutine_(below, [this] { entry(); }),
      id_(new_id()),
      timers_(opts.timers),
      on_failure_(opts.on_failure),
      stack_(std::move(stack)),
      stacks_(stacks) {
  const std::size_t n = std::min(opts.name.size(), options::max_name_length);
  std::copy_n(opts.name.data(), n, name_);
  name_[n] = '\0';
  coroutine_.set_name(name_);
}

void fiber_block::entry() {
  coroutine_block_ = coro::detail::control_block::current();
  run_body();
}

void fiber_block::suspend(after_switch_call call) {
  SPINDLE_VERIFY(coro::detail::control_block::current() == coroutine_block_,
                 "fiber: suspended from inside a coroutine nested in the fiber (suspend "
                 "that coroutine with coro::suspend() instead)");
  after_switch_ = call;
  step_frame* frame = current_step::get();
  fiber_block* next = frame != nullptr ? std::exchange(frame->handoff, nullptr) : nullptr;
  if (next != nullptr) {
    // FB.H2: straight into the handed-off fiber, which runs our after_switch on arrival. `next`
    // sits in this thread's slot, so nobody else touches its block until it runs.
    next->arrived_from_ = this;
    current_fiber::set(next);  // FB.H3
    coroutine_block_->transfer_to(*next->coroutine_block_);
  } else {
    coroutine_block_->suspend();  // the verified innermost coroutine: what coro::suspend() finds
  }
  // Resumed, maybe on another thread: only members of *this, and out-of-line calls, from here.
  // FB.H2: a fiber that transferred to us named itself; step() resumed us otherwise (null).
  if (arrived_from_ != nullptr) run_after_switch(*std::exchange(arrived_from_, nullptr));
}

bool fiber_block::try_hand_off(fiber_block& f) noexcept {
  step_frame* frame = current_step::get();
  if (frame == nullptr || frame->handoff != nullptr || frame->budget == 0 ||
      f.executor_ != frame->handoff_executor) {
    return false;
  }
  --frame->budget;
  frame->handoff = &f;  // FB.H1
  return true;
}

void fiber_block::schedule(exec::executor& ex, exec::hint h) noexcept {
  executor_ = &ex;
  try {
    ex.submit(*this, h);
  } catch (const exec::executor_stopped&) {
    SPINDLE_VERIFY(false,
                   "fiber: resumed on an executor that has stopped (fibers must finish before "
                   "their executor stops)");
  }
}

void fiber_block::start(fiber_block& f) {
  try {
    f.executor_->submit(f);
  } catch (...) {
    finish(f);
    throw;
  }
}

void fiber_block::step(exec::task& self_task) {
  auto& first = static_cast<fiber_block&>(self_task);
  // The fiber is ours until it suspends, so its executor_ is the one running this task.
  step_frame frame{first.executor_->allows_direct_handoff() ? first.executor_ : nullptr};
  step_frame* outer_frame = current_step::get();
  current_step::set(&frame);
  fiber_block* outer = current_fiber::get();
  for (fiber_block* f = &first; f != nullptr; f = std::exchange(frame.handoff, nullptr)) {
    run_one(*f, outer);  // step 5: then the slot's fiber, if one was handed off
  }
  current_step::set(outer_frame);
}

void fiber_block::run_one(fiber_block& f, fiber_block* outer) {
  current_fiber::set(&f);
  std::exception_ptr escaped;
  {
    // Inside a strand's task only if the strand runs this fiber (debug builds; see
    // exec/detail/strand_task_scope.hpp). Closed before after_switch (FB.STEP1).
    exec::detail::resumable_body_scope body(f);
    try {
      f.coroutine_.resume();
    } catch (...) {
      escaped = std::current_exception();
    }
  }
  // FB.H3: the fiber that came back — `f`, or the last one a chain of hand-offs ran.
  fiber_block& back = *current_fiber::get();
  current_fiber::set(outer);
  if (back.coroutine_.is_done()) {
    if (escaped) back.on_failure_(failure{back.id_, back.name_, std::move(escaped)});
    finish(back);
    return;
  }
  run_after_switch(back);
}

void fiber_block::run_after_switch(fiber_block& f) noexcept {
  const after_switch_call call = std::exchange(f.after_switch_, after_switch_call{});
  SPINDLE_ASSERT(call.fn != nullptr, "fiber: suspended without an after_switch call");
  try {
    call.fn(call.arg, handle(&f));  // FB.STEP1: `f` may be running elsewhere from here on
  } catch (...) {
    SPINDLE_VERIFY(false, "fiber: an after_switch callback threw (the fiber can never resume)");
  }
}

void fiber_block::finish(fiber_block& f) noexcept {
  context::stack stack = std::move(f.stack_);
  stack_allocator* stacks = f.stacks_;
  f.~fiber_block();  // the coroutine is done or never started: nothing runs on the stack
  stacks->deallocate(std::move(stack));
}

context::stack acquire_stack(const options& opts, stack_allocator*& from) {
  from = opts.stacks != nullptr ? opts.stacks : &thread_cached_stacks();
  return from->allocate(opts.stack_size);
}

block_placement place_block(context::stack_view memory, std::size_t size,
                            std::size_t alignment) noexcept {
  // coro's placement: checks the room, aligns, and (ASAN) clears stale redzones of reused stacks.
  const coro::detail::block_placement where = coro::detail::place_block(memory, size, alignment);
  return {where.block, where.body_stack};
}

options inherit(const options& opts) noexcept {
  options resolved = opts;
  if (resolved.timers == nullptr) {
    if (fiber_block* parent = current_fiber::get()) resolved.timers = parent->timers();
  }
  return resolved;
}

}  // namespace detail

void handle::resume(exec::hint h) const noexcept {
  SPINDLE_ASSERT(block_ != nullptr, "fiber::handle::resume() on an empty handle");
  if ((h == exec::hint::any || h == exec::hint::next) &&
      detail::fiber_block::try_hand_off(*block_)) {
    return;  // FB.H1: runs next on this thread
  }
  block_->schedule(h);
}

void handle::resume_on(exec::executor& ex, exec::hint h) const noexcept {
  SPINDLE_ASSERT(block_ != nullptr, "fiber::handle::resume_on() on an empty handle");
  block_->schedule(ex, h);
}

void terminate_on_failure(const failure& f) noexcept {
  const char* what = "an exception not derived from std::exception";
  try {
    std::rethrow_exception(f.error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr, "spindle: fiber '%.*s' (id %llu) threw: %s\n",
               static_cast<int>(f.name.size()), f.name.data(),
               static_cast<unsigned long long>(f.id), what);
  std::fflush(stderr);
  std::terminate();
}

bool is_fiber() noexcept { return detail::fiber_block::current() != nullptr; }

void yield() {
  detail::current_to_suspend("fiber::yield()")
      .suspend({[](void*, handle h) { h.resume(exec::hint::yield); }, nullptr});
}

void switch_to(exec::executor& ex) {
  // Allowed inside a strand's task (the one suspension that is: it is how a fiber leaves the
  // strand, by name); not while holding a spinlock.
  detail::fiber_block& self = detail::current_or_stop("fiber::switch_to()");
  detail::check_no_spinlock_held("fiber::switch_to()");
  self.suspend({[](void* target, handle h) { h.resume_on(*static_cast<exec::executor*>(target)); },
                &ex});
}

namespace this_fiber {

std::uint64_t id() { return detail::current_or_stop("this_fiber::id()").id(); }

std::string_view name() { return detail::current_or_stop("this_fiber::name()").name(); }

}  // namespace this_fiber

}  // namespace spindle::fiber
