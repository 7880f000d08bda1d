// fiber::jobs::job_system: the workers' scheduling loop (steps 1-3, JS.POOL1), submission,
// shutdown and the all-fibers-waiting check; the design is at the top of job_system.hpp.
#include <spindle/fiber/jobs/job_system.hpp>

#include <cstdio>
#include <exception>
#include <limits>

#include <spindle/base/config.hpp>
#include <spindle/core/spinlock_guard.hpp>
#include <spindle/twist/futex.hpp>

#include "../../exec/thread_placement.hpp"

namespace spindle::fiber::jobs {

namespace {

constexpr std::size_t all_workers = std::numeric_limits<std::size_t>::max();


options normalized(const options& opts) {
  options o = opts;
  if (o.workers == 0) {
    const unsigned cpus = twist::thread::hardware_concurrency();
    o.workers = cpus == 0 ? 1 : cpus;
  }
  SPINDLE_VERIFY(o.fibers > 0, "job_system: options::fibers must be at least 1");
  return o;
}

}  // namespace

void terminate_on_job_failure(std::exception_ptr error) noexcept {
  const char* what = "an exception not derived from std::exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr, "spindle: job_system job threw: %s\n", what);
  std::fflush(stderr);
  std::terminate();
}

job_system::job_system(const options& opts)
    : options_(normalized(opts)), state_(options_.queue_capacity) {
  fibers_.reserve(options_.fibers);
  for (std::size_t i = 0; i < options_.fibers; ++i) {
    fibers_.push_back(std::make_unique<detail::pool_fiber>(*this, i, options_.stack_size));
  }
  // Pushed last-first, so fiber 0 is on top: the first jobs use the first fibers.
  for (std::size_t i = fibers_.size(); i > 0; --i) state_.free.push(*fibers_[i - 1]);
  workers_.reserve(options_.workers);
  try {
    for (std::size_t i = 0; i < options_.workers; ++i) {
      workers_.emplace_back([this, i] { worker_loop(i); });
    }
  } catch (...) {
    stop();
    state_.free.clear();
    throw;
  }
}

job_system::~job_system() {
  stop();
  state_.free.clear();  // unlinks the fibers (all idle and free once stopped)
  fibers_.clear();
}

job_system* job_system::current() noexcept {
  detail::pool_fiber* f = detail::pool_fiber::current();
  return f == nullptr ? nullptr : &f->pool();
}

void job_system::run_jobs(std::span<const job> jobs, job_counter& done) { enqueue(jobs, &done); }

void job_system::submit(const job& work, job_counter* done) {
  enqueue(std::span<const job>(&work, 1), done);
}

void job_system::enqueue(std::span<const job> jobs, job_counter* done) {
  std::array<std::size_t, num_priorities> per_level{};
  for (const job& j : jobs) {
    SPINDLE_VERIFY(j.entry != nullptr, "job_system: a job without an entry function");
    const auto level = static_cast<std::size_t>(j.level);
    SPINDLE_VERIFY(level < num_priorities, "job_system: a job with an invalid priority");
    ++per_level[level];
  }
  if (jobs.empty()) return;
  SPINDLE_VERIFY(jobs.size() <= 0xffffffffu, "job_system: a batch of more than 2^32 - 1 jobs");
  bool woke;
  {
    const core::spinlock_guard guard(lock_);
    SPINDLE_VERIFY(!state_.closed, "job_system: submit after stop() (the workers have exited)");
    for (std::size_t p = 0; p < num_priorities; ++p) state_.jobs[p].reserve_more(per_level[p]);
    // Counted before the jobs become visible (they can end only after the unlock below).
    if (done != nullptr) done->add(static_cast<std::uint32_t>(jobs.size()));
    for (const job& j : jobs) state_.jobs[static_cast<std::size_t>(j.level)].push({j, done});
    woke = notify_locked(jobs.size());
  }
  if (woke) wake_workers(jobs.size());
}

void job_system::stop() {
  SPINDLE_VERIFY(current() != this,
                 "job_system: stop() from one of its own jobs (it would wait for itself)");
  if (joined_) return;
  bool woke;
  {
    const core::spinlock_guard guard(lock_);
    state_.stopping = true;
    woke = notify_locked(all_workers);
  }
  if (woke) wake_workers(all_workers);
  for (twist::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  joined_ = true;
}

void job_system::worker_loop(std::size_t index) {
  exec::pool_options placement;
  placement.name = options_.name;
  placement.pin = options_.pin;
  placement.cpus = options_.cpus;
  exec::detail::place_current_thread(placement, index);

  lock_.lock();
  while (true) {
    // Step 1.
    if (detail::pool_fiber* f = pick_locked()) {
      lock_.unlock();
      run(*f);  // steps 2 and 3
      lock_.lock();
      continue;
    }
    if (state_.stopping && drained_locked()) {
      state_.closed = true;
      const bool woke = notify_locked(all_workers);
      lock_.unlock();
      if (woke) wake_workers(all_workers);
      return;
    }
    ++state_.sleeping;
    // relaxed: read under the lock; a publisher bumps it under the lock after we release it,
    // so the futex sees the new value or is woken after the bump (JS.POOL1).
    const std::uint32_t epoch = wake_epoch_.load(std::memory_order_relaxed);
    lock_.unlock();
    // relaxed: what the publisher published is read under the lock.
    twist::futex::wait(wake_epoch_, epoch, std::memory_order_relaxed);
    lock_.lock();
    --state_.sleeping;
  }
}

detail::pool_fiber* job_system::pick_locked() noexcept {
  for (std::size_t p = 0; p < num_priorities; ++p) {
    if (detail::pool_fiber* f = state_.ready[p].pop_front()) {
      ++state_.running;
      return f;
    }
    if (!state_.jobs[p].empty() && !state_.free.empty()) {
      detail::pool_fiber* f = state_.free.pop();
      const detail::job_queue::entry e = state_.jobs[p].pop();
      f->assign(e.work, e.counter);
      ++state_.running;
      return f;
    }
  }
  return nullptr;
}

void job_system::run(detail::pool_fiber& f) {
  while (true) {
    detail::wait_node* node = f.resume();  // step 2
    if (node == nullptr) {
      finished(f);
      return;
    }
    {
      const core::spinlock_guard guard(lock_);
      if (node->try_park()) {  // wait_node.hpp step 2
        --state_.running;
        ++state_.waiting;
        if (state_.waiting == fibers_.size()) report_deadlock_locked();
        return;  // f may be readied and resumed elsewhere once we unlock: not touched again
      }
    }
    // The counter reached zero before the fiber parked (JN.NODE1): continue it at once.
  }
}

void job_system::finished(detail::pool_fiber& f) noexcept {
  // Before the fiber counts as free: the waiters this readies are counted as waiting until
  // make_ready, and f as running until here, so "all fibers waiting" never holds while a
  // wakeup is in flight.
  if (job_counter* done = f.finished_counter()) done->done();
  const core::spinlock_guard guard(lock_);
  --state_.running;
  state_.free.push(f);
  // No notify: this worker loops back to step 1 and takes the queued work itself.
}

void job_system::make_ready(detail::pool_fiber& f) noexcept {
  bool woke;
  {
    const core::spinlock_guard guard(lock_);
    --state_.waiting;
    state_.ready[static_cast<std::size_t>(f.level())].push_back(f);
    woke = notify_locked(1);
  }
  if (woke) wake_workers(1);
}

bool job_system::drained_locked() const noexcept {
  if (state_.running != 0 || state_.waiting != 0) return false;
  for (std::size_t p = 0; p < num_priorities; ++p) {
    if (!state_.jobs[p].empty() || !state_.ready[p].empty()) return false;
  }
  return true;
}

bool job_system::notify_locked(std::size_t /*n*/) noexcept {
  if (state_.sleeping == 0) return false;
  // relaxed: the futex compares the value; what it announces is read under the lock (JS.POOL1).
  wake_epoch_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void job_system::wake_workers(std::size_t n) noexcept {
  // The pool outlives its workers: the word stays valid (no wake-rule hazard).
  const twist::futex::wake_key key = twist::futex::prepare_wake(wake_epoch_);
  if (n == 1) {
    twist::futex::wake_one(key);
  } else {
    twist::futex::wake_all(key);
  }
}

void job_system::report_deadlock_locked() noexcept {
  std::size_t queued = 0;
  for (const detail::job_queue& q : state_.jobs) queued += q.size();
  char text[320];
  std::snprintf(text, sizeof text,
                "job_system '%s': all %zu fibers are waiting on job counters and %zu jobs are "
                "queued: deadlock (no job can end, so no counter can fall). Give the pool more "
                "fibers (options::fibers) or wait less deeply",
                options_.name.c_str(), fibers_.size(), queued);
  ::spindle::detail::assertion_failed("waiting fibers < options::fibers", text, __FILE__,
                                      __LINE__);
}

}  // namespace spindle::fiber::jobs
