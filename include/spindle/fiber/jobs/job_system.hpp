// A job system on a fixed set of fibers, after Naughty Dog's (C. Gyrling, "Parallelizing the
// Naughty Dog Engine Using Fibers", GDC 2015): N worker threads, F fibers made up front with
// their stacks, and jobs — a function, an argument, a priority — submitted in batches with a
// job_counter. A job runs on a free fiber. A job that waits on a counter parks its fiber, and
// the worker goes on with other work on another fiber; the parked fiber continues, on whichever
// worker picks it, once the counter reaches zero. No allocation in steady state: jobs are
// copied into the queues, fibers and stacks are reused, waits use nodes on the fiber's stack.
//
//   fiber::jobs::job_system pool;                       // workers = cores, 128 fibers
//   std::vector<object> objects = ...;
//   auto update_half = [](std::span<object>& half) { for (auto& o : half) o.update(); };
//   auto frame = [&] {                                  // a job (referenced: outlives the run)
//     std::span<object> halves[2] = {first_half(objects), second_half(objects)};
//     fiber::jobs::job jobs[2] = {fiber::jobs::job::of(halves[0], update_half),
//                                 fiber::jobs::job::of(halves[1], update_half)};
//     fiber::jobs::job_counter children;
//     fiber::jobs::job_system::current()->run_jobs(jobs, children);
//     children.wait();                                  // parks this fiber; the worker goes on
//   };
//   fiber::jobs::job_counter frame_done;
//   pool.submit(fiber::jobs::job::of(frame, fiber::jobs::priority::high), &frame_done);
//   frame_done.wait();                                  // a plain thread parks on a futex
//
// Scheduling (job_system.cpp: worker_loop, pick, run). One lock guards the queues — jobs per
// priority, ready fibers per priority (resumable: their counter reached zero), free fibers
// (a LIFO stack: the warmest stack first).
//   1. A worker picks, for each priority from high to low: a ready fiber of that priority,
//      else a queued job of that priority if a fiber is free. Nothing: it sleeps (futex on
//      wake_epoch_) until work is published. Ready fibers go before new jobs of their
//      priority: finishing started work frees fibers and keeps memory bounded.
//   2. It resumes the fiber (the job starts, or its wait() returns) on its own thread.
//   3. The fiber comes back finished: the worker decrements the job's counter (which may
//      ready other fibers), then puts the fiber on the free stack. Or it comes back waiting:
//      the worker parks its wait node under the lock (detail/wait_node.hpp); if the counter
//      already reached zero, it resumes the fiber again at once.
// Lost wakeups of workers: whoever publishes work (a job, a ready fiber, a freed fiber while
// jobs queue) does it under the lock and, if a worker sleeps, bumps wake_epoch_ under the lock
// and futex-wakes; a worker reads wake_epoch_ under the lock before it sleeps, so its wait
// returns at once if anything was published after it looked (JS.POOL1).
//
// All fibers busy. A queued job waits for a free fiber; that is the normal back-pressure of a
// fixed pool. But if every fiber is *waiting* on a counter, nothing can run any more: counters
// fall only when jobs end, the jobs they wait for are queued (no fiber to start them) or
// waiting themselves. The pool detects that moment (the last fiber parks) and stops the
// program: "job_system '<name>': all <F> fibers are waiting on job counters ... deadlock".
// Size options::fibers for the jobs that may wait at once, plus one: jobs start in FIFO order
// within a priority, so a fork/join tree unfolds breadth-first and every inner node of it may
// be waiting at the same time (a fan-out-4 tree three levels deep: 21 waiting fibers).
// (The check assumes a counter falls only with jobs of this pool, as the API ensures, unless
// a job of pool A waits on the counter of jobs of pool B: don't, or size A for it.)
//
// Shutdown. stop() (also the destructor) lets every queued job run — jobs may still submit
// while it waits — then joins the workers once the queues are empty and every fiber is idle.
// submit() after that stops the program; so does stop() from a job of the same pool.
//
// Jobs run on pool fibers, not fiber::go fibers: fiber::is_fiber() is false there, and the
// fiber::sync primitives (mutex, event...) park the worker thread, not the fiber. Only
// job_counter::wait() switches fibers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/intrusive/stack.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/jobs/detail/job_queue.hpp>
#include <spindle/fiber/jobs/detail/pool_fiber.hpp>
#include <spindle/fiber/jobs/job.hpp>
#include <spindle/fiber/jobs/job_counter.hpp>
#include <spindle/fiber/jobs/options.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle::fiber::jobs {

class job_system {
 public:
  using counter = job_counter;

  // Makes options.fibers fibers with their stacks and starts options.workers threads.
  explicit job_system(const options& opts = {});
  // stop(), then frees the fibers.
  ~job_system();

  job_system(const job_system&) = delete;
  job_system& operator=(const job_system&) = delete;
  job_system(job_system&&) = delete;
  job_system& operator=(job_system&&) = delete;

  // Queues every job of `jobs` (copied) with `done`, which each decrements when it ends.
  void run_jobs(std::span<const job> jobs, job_counter& done);
  // Queues one job; `done` (optional) is decremented when it ends.
  void submit(const job& work, job_counter* done = nullptr);

  // Runs every queued job (and what they submit), then joins the workers. Idempotent; not
  // from a job of this pool.
  void stop();

  // The pool whose job is running on this thread, or null.
  static job_system* current() noexcept;

  std::size_t num_workers() const noexcept { return workers_.size(); }
  std::size_t num_fibers() const noexcept { return fibers_.size(); }
  const std::string& name() const noexcept { return options_.name; }

 private:
  friend class detail::pool_fiber;
  friend class detail::wait_node;

  using fiber_queue = core::intrusive::queue<detail::pool_fiber, detail::pool_fiber_tag>;
  using fiber_stack = core::intrusive::stack<detail::pool_fiber, detail::pool_fiber_tag>;

  // Everything the workers share, guarded by lock_.
  struct shared_state {
    explicit shared_state(std::size_t capacity)
        : jobs{detail::job_queue(capacity), detail::job_queue(capacity),
               detail::job_queue(capacity)} {}
    std::array<detail::job_queue, num_priorities> jobs;
    std::array<fiber_queue, num_priorities> ready;  // counter reached zero, to resume
    fiber_stack free;                               // idle fibers
    std::size_t running = 0;   // fibers handed to a worker and not yet back
    std::size_t waiting = 0;   // fibers parked on a counter
    std::size_t sleeping = 0;  // workers asleep on wake_epoch_
    bool stopping = false;     // stop() was called
    bool closed = false;       // stopping and drained: workers exit, submit() refuses
  };

  void enqueue(std::span<const job> jobs, job_counter* done);
  void worker_loop(std::size_t index);
  detail::pool_fiber* pick_locked() noexcept SPINDLE_REQUIRES(lock_);
  void run(detail::pool_fiber& f);
  void finished(detail::pool_fiber& f) noexcept;
  // wait_node::wake: a parked fiber's counter reached zero.
  void make_ready(detail::pool_fiber& f) noexcept;
  bool drained_locked() const noexcept SPINDLE_REQUIRES(lock_);
  // Wakes up to `n` sleeping workers (all if n is large); returns whether it bumped the epoch.
  bool notify_locked(std::size_t n) noexcept SPINDLE_REQUIRES(lock_);
  void wake_workers(std::size_t n) noexcept;
  [[noreturn]] void report_deadlock_locked() noexcept SPINDLE_REQUIRES(lock_);

  options options_;
  std::vector<std::unique_ptr<detail::pool_fiber>> fibers_;  // fixed after construction
  core::spinlock lock_;
  shared_state state_ SPINDLE_GUARDED_BY(lock_);
  // Bumped (under lock_) whenever work is published while a worker sleeps; workers futex-wait
  // on it (JS.POOL1).
  twist::atomic<std::uint32_t> wake_epoch_{0};
  std::vector<twist::thread> workers_;  // started by the constructor, joined by stop()
  bool joined_ = false;                 // written by stop() only (one thread calls it)
};

}  // namespace spindle::fiber::jobs
