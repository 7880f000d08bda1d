// One of a job_system's fibers: a coroutine on its own stack, made by the pool's constructor and
// kept until its destructor. Its body is a loop: run the job the worker handed it, switch back
// to the worker, and wait there to be handed the next one. A job that waits on a job_counter
// switches back to the worker too (wait_node.hpp), leaving the fiber parked with the job's
// frames on its stack; the worker records the outcome and runs something else.
//
//   worker (job_system::run)            fiber (body)
//   f.assign(job) ; f.resume() ──────►  run job ──► counter.wait() ── suspend_to_wait(node)
//   outcome: waiting (node) ◄────────────────────────────────────────┘
//   ... later, any worker: f.resume() ──► wait() returns, job goes on, ends
//   outcome: finished ◄──────────────── coro::suspend()   (idle until the next assign)
//
// Every field is touched only by the thread running the fiber or by the worker that resumed
// it (around its resume() call), except the hook (the pool lock) — so none is atomic: the
// hand-over between workers goes through the pool lock (job_system::make_ready / pick).
#pragma once

#include <cstddef>

#include <spindle/core/intrusive/forward_hook.hpp>
#include <spindle/coro/coroutine.hpp>
#include <spindle/fiber/jobs/job.hpp>

namespace spindle::fiber::jobs {
class job_system;
class job_counter;
}  // namespace spindle::fiber::jobs

namespace spindle::fiber::jobs::detail {

class wait_node;

// The tag of the pool's free stack and ready queues (a fiber is in at most one of them).
struct pool_fiber_tag;

class pool_fiber : public core::intrusive::forward_hook<pool_fiber_tag> {
 public:
  // Maps the fiber's stack (throws std::bad_alloc); the body starts at the first resume().
  pool_fiber(job_system& pool, std::size_t index, std::size_t stack_size);
  // Ends an idle fiber's body (resuming it once to return); the fiber must not be waiting.
  ~pool_fiber();

  pool_fiber(const pool_fiber&) = delete;
  pool_fiber& operator=(const pool_fiber&) = delete;

  // The pool fiber running on this thread, or null. Out of line: a job's frame must not cache
  // a thread-local's address across a wait that moved it to another worker.
  static pool_fiber* current() noexcept;

  job_system& pool() const noexcept { return *pool_; }
  priority level() const noexcept { return job_.level; }

  // Worker side. Hands an idle fiber its next job.
  void assign(const job& work, job_counter* counter) noexcept {
    job_ = work;
    counter_ = counter;
  }
  // Runs the fiber until its job ends or waits; returns the node it waits on (null: ended).
  wait_node* resume();
  // After the job ended: the counter to decrement (null if none).
  job_counter* finished_counter() const noexcept { return counter_; }

  // Fiber side (job_counter::wait through wait_node::park): switches back to the worker,
  // which parks `node` (wait_node.hpp step 2); returns once the fiber is resumed.
  void suspend_to_wait(wait_node& node);

 private:
  void body();
  void run_job();

  job_system* pool_;
  job job_;                              // the job running or next to run
  job_counter* counter_ = nullptr;       // job_'s counter
  wait_node* waiting_on_ = nullptr;      // set by suspend_to_wait, taken by resume()
  const void* coroutine_block_ = nullptr;  // the body's own coroutine (nesting check)
  bool started_ = false;                 // resumed at least once
  bool idle_ = true;                     // between jobs (not running, not waiting)
  bool retiring_ = false;                // set by the destructor: the body returns
  char name_[24];
  coro::coroutine coroutine_;            // last: its body reads the fields above
};

}  // namespace spindle::fiber::jobs::detail
