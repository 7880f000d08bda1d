// fiber::jobs::detail::pool_fiber: the body loop and the switches between a pool fiber and its
// worker (the picture is in pool_fiber.hpp).
#include <spindle/fiber/jobs/detail/pool_fiber.hpp>

#include <cstdio>
#include <exception>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/coro/detail/control_block.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/jobs/job_system.hpp>
#include <spindle/twist/thread_local.hpp>

namespace spindle::fiber::jobs::detail {

namespace {
struct current_pool_fiber_slot;
using current_pool_fiber = twist::thread_local_ptr<pool_fiber, current_pool_fiber_slot>;
}  // namespace

pool_fiber::pool_fiber(job_system& pool, std::size_t index, std::size_t stack_size)
    : pool_(&pool), coroutine_(context::stack(stack_size), [this] { body(); }) {
  std::snprintf(name_, sizeof name_, "%s/%zu", pool.name().c_str(), index);
  coroutine_.set_name(name_);
}

pool_fiber::~pool_fiber() {
  if (!started_) return;  // the body never ran: the coroutine just drops it
  SPINDLE_VERIFY(idle_, "job_system: destroyed while a job waits on a job_counter");
  retiring_ = true;
  coroutine_.resume();  // the body sees retiring_ and returns
}

pool_fiber* pool_fiber::current() noexcept { return current_pool_fiber::get(); }

wait_node* pool_fiber::resume() {
  SPINDLE_ASSERT(current_pool_fiber::get() == nullptr,
                 "job_system: a worker resumed a pool fiber from inside another");
  current_pool_fiber::set(this);
  started_ = true;
  coroutine_.resume();  // the body catches what jobs throw: nothing escapes
  current_pool_fiber::set(nullptr);
  return std::exchange(waiting_on_, nullptr);
}

void pool_fiber::body() {
  coroutine_block_ = coro::detail::control_block::current();
  while (true) {
    idle_ = false;
    run_job();
    idle_ = true;
    coro::suspend();  // finished: back to the worker, which frees us and assigns the next job
    if (retiring_) return;
  }
}

void pool_fiber::run_job() {
  try {
    job_.entry(job_.arg);
  } catch (const coro::forced_unwind&) {
    throw;  // the coroutine's own unwinding (never swallowed)
  } catch (...) {
    pool_->options_.on_job_failure(std::current_exception());
  }
}

void pool_fiber::suspend_to_wait(wait_node& node) {
  SPINDLE_VERIFY(coro::detail::control_block::current() == coroutine_block_,
                 "fiber::jobs::job_counter::wait() from a coroutine nested in a pool job (it "
                 "would suspend that coroutine, not the job's fiber)");
  fiber::detail::check_may_block("fiber::jobs::job_counter::wait()");
  waiting_on_ = &node;
  coro::suspend();
  // Resumed, maybe on another worker, once the counter reached zero (wait_node.hpp).
}

}  // namespace spindle::fiber::jobs::detail
