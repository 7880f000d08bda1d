// A pool of worker threads running the tasks a scheduling_policy hands them: the part of every
// pool that owns threads — parking and waking, wait_idle(), stop(), placement, errors.
// compute_pool and fast_pool are worker_pools with a policy chosen; build your own from any
// scheduling_policy.
//
//   exec::worker_pool pool(std::make_unique<my_policy>(n), options);
//   exec::submit(pool, [] { work(); });
//   pool.wait_idle();   // every task submitted so far (and what they submitted) has run
//   pool.stop();        // drains, then joins the workers
//
// Lifecycle (docs/exec.md):
//   - Workers start in the constructor and park (futex) when they find no work: an idle pool
//     burns no CPU.
//   - stop() closes the pool: from then on submit() from any thread that is not one of its
//     workers throws executor_stopped. Tasks already queued still run, and so do tasks those
//     tasks submit (from the workers) — a tree of work finishes; then the workers are joined.
//     stop() is idempotent; calling it from one of the pool's own workers is an error
//     (SPINDLE_VERIFY: it would wait for itself).
//   - The destructor calls stop(): destroying a pool with queued tasks runs them all first.
//   - An exception escaping a task goes to options.on_task_failure; the worker carries on.
//
// Hints (the pool handles inline_allowed; the policy the rest): inline_allowed from one of the
// pool's own workers runs the task inside submit() (up to kMaxInlineDepth nested), otherwise
// it is `any`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spindle/exec/detail/futex_mutex.hpp>
#include <spindle/exec/detail/thread_state.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/pool_options.hpp>
#include <spindle/exec/scheduling_policy.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle::exec {

class worker_pool : public executor {
 public:
  // Starts options.workers threads (hardware concurrency if 0) running `policy`'s tasks.
  // `policy` must have been built for that many workers (see resolved_worker_count()).
  worker_pool(std::unique_ptr<scheduling_policy> policy, pool_options options);

  // stop(): runs every queued task, then joins the workers.
  ~worker_pool() override;

  // Queues `t` (EX.TASK1). Throws executor_stopped once stop() has begun, unless called from one
  // of this pool's workers (whose submissions are part of the work being drained).
  void submit(task& t, hint h = hint::any) override;

  // Blocks until no task is queued or running. Tasks submitted concurrently may or may not be
  // waited for. Must not be called from one of the pool's workers.
  void wait_idle();

  // Closes, drains and joins (see above). Idempotent; not to be called concurrently with itself.
  void stop();

  std::size_t worker_count() const noexcept { return num_workers_; }
  std::string_view name() const noexcept override { return options_.name; }
  bool allows_direct_handoff() const noexcept override { return true; }

  // The number of workers `options` asks for (0 -> hardware concurrency, at least 1).
  static std::size_t resolved_worker_count(const pool_options& options) noexcept;

  // How deeply hint::inline_allowed may nest runs inside submit() on one worker.
  static constexpr std::uint32_t kMaxInlineDepth = 16;

 private:
  struct worker;

  // When NOTIFY may wake a parked worker (worker_pool.cpp): none_searching for pushes and the
  // last searcher's hand-over (WP.NOTIFY2), below_search_cap for a searcher's surplus (WP.SEARCH3).
  enum class wake_rule : unsigned char { none_searching, below_search_cap };

  void worker_main(std::size_t index);
  task* search(std::size_t index);
  bool try_begin_searching() noexcept;
  void end_searching(bool surplus) noexcept;
  bool park(std::size_t index, bool searching) noexcept;
  bool notify_parked(wake_rule rule = wake_rule::none_searching) noexcept;
  void notify_parked_if_none_searching() noexcept;
  void signal_idle() noexcept;
  bool is_idle() const noexcept;
  void wake_all_for_shutdown() noexcept;

  pool_options options_;
  std::size_t num_workers_;
  std::unique_ptr<scheduling_policy> policy_;
  std::unique_ptr<worker[]> workers_;

  // IDLE_STATE: (wake epoch << 32) | (unparked workers << 16) | searching workers. Unparked
  // changes only under sleep_mu_ (park, notify); searching also outside it (CAS/fetch_sub).
  alignas(64) twist::atomic<std::uint64_t> idle_state_;

  detail::futex_mutex sleep_mu_;
  struct {
    std::vector<std::size_t> sleepers;  // parked workers' indices; capacity reserved up front
    bool shutdown = false;              // set by stop() once idle and closed
  } guarded_ SPINDLE_GUARDED_BY(sleep_mu_);

  // GATE: bit 63 "closed", low bits: external submit() calls in flight.
  alignas(64) twist::atomic<std::uint64_t> gate_{0};
  // Bit 0: a wait_idle() caller may be sleeping; bits 1..: idle epoch, bumped by signal_idle().
  alignas(64) twist::atomic<std::uint32_t> idle_word_{0};
  bool stopped_ = false;  // only the thread calling stop() / the destructor touches it
};

}  // namespace spindle::exec
