// worker_pool: threads, parking, idle detection and shutdown for any scheduling_policy.
//
// The parking protocol follows Tokio's multi-threaded scheduler (runtime/scheduler/
// multi_thread/idle.rs) and Go's "spinning M" rules (D. Vyukov, "Scalable Go Scheduler
// Design", 2012): at most about half the awake workers search for work at once, a searcher
// that finds work wakes the next one (so a burst wakes just enough workers), and every worker
// re-checks the queues after announcing that it parks. One departure: a searcher that comes
// back with a surplus (WP.SEARCH3) wakes up to kSurplusWakes more workers, so a burst of work
// wakes the pool in a logarithmic number of wake-up latencies instead of one per worker.
//
// State: IDLE_STATE = (wake epoch << 32) | (unparked << 16) | searching; sleepers (guarded by sleep_mu_); per worker
// a futex word wake_word (0: asleep or going to sleep, 1: woken).
//
//   PUSH (submit)  1. policy.push(t).  2. If t is stealable (SP.POL1): NOTIFY — for an external
//                  submit always; from a worker only when a relaxed look at IDLE_STATE shows
//                  sleepers and no searcher (see WP.LIVE2 for why a stale look is harmless).
//   NOTIFY         1. fence(seq_cst).  2. Load IDLE_STATE; if nobody is parked, or the rule
//                  forbids (none_searching: searching > 0; below_search_cap: 2 * searching >=
//                  unparked), return.  3. Under sleep_mu_: re-check; pop a sleeper j;
//                  IDLE_STATE += (1 wake epoch, 1 unparked, 1 searching).  4. prepare_wake;
//                  wake_word[j] = 1 (release); futex wake j.
//   SEARCH         1. A worker with no own work may become a searcher if 2 * searching <
//                  unparked (IDLE_STATE += 1 searching; fence(seq_cst)), then steals, spinning
//                  through twist::spin_wait a few rounds.  2. A searcher that finds a task
//                  stops searching (IDLE_STATE -= 1 searching); if it was the last searcher it
//                  runs NOTIFY (there may be more work: wake the next worker).  3. If it also
//                  holds a surplus (SP.POL4: it stole a batch, or took a share of the injection
//                  queue), it runs NOTIFY with below_search_cap up to kSurplusWakes times: the
//                  surplus is work those workers can steal, and waking them now, while other
//                  searchers are still out, doubles the awake workers per wake-up latency
//                  instead of adding one (Go and Tokio wake one at a time: WP.SEARCH2 alone).
//   PARK           1. Under sleep_mu_: if shutting down, return; wake_word = 0; push self on
//                  sleepers; IDLE_STATE -= (1 unparked, 1 searching if searching).
//                  2. fence(seq_cst).  3. If policy.has_work(): NOTIFY (it may pick this very
//                  worker); else if unparked became 0: signal IDLE.  4. futex-wait while
//                  wake_word == 0 (spurious wakeups re-check).  5. Woken: the waker counted us
//                  as unparked and searching.
//   IDLE           wait_idle: set bit 0 of idle_word (CAS), fence(seq_cst), return if unparked
//                  == 0 and !has_work(), else futex-wait on idle_word. signal: if bit 0 is set,
//                  CAS idle_word to the next epoch (bit 0 clear) and wake all.
//   STOP           1. gate |= closed; wait (spin_wait) until no external submit is in flight.
//                  2. wait_idle.  3. Under sleep_mu_: shutdown = true, wake every sleeper.
//                  4. Join.
//
// Correctness:
//   WP.LIVE1  No task is stranded with every worker asleep. Let S push t and then fence
//             (WP.NOTIFY1). Any worker whose WP.PARK1 RMW of IDLE_STATE comes after S's load of
//             IDLE_STATE (in its modification order) re-checks has_work after its own fence
//             (WP.PARK2) and sees t (the fences are ordered S-before-it because S's load reads a
//             value before its RMW). So t can be missed only by workers that were parked when S
//             looked — and then S saw unparked < N: it wakes one unless searching > 0, and a
//             searcher is a worker that will still park (and re-check) or, having found work, runs
//             NOTIFY as the last searcher, or leaves another searcher behind that will. By
//             induction on the finite number of searchers, someone wakes or re-checks after t is
//             visible.
//   WP.LIVE2  A worker's own push of a stealable task may skip NOTIFY on a stale relaxed look:
//             that worker is running (it is executing the pushing task), and PARK requires its
//             own pop() to come back empty first, so t is run — by it, at worst. Only
//             parallelism is lost, never progress.
//   WP.LIVE3  WP.SEARCH3 only adds wake-ups, and each one keeps the IDLE_STATE accounting of
//             WP.NOTIFY3 (the woken worker is counted unparked and searching), so WP.LIVE1,
//             WP.IDLE1 and WP.STOP2 are untouched; below_search_cap keeps searchers at most about
//             half the awake workers, the cap WP.SEARCH1 already keeps.
//   WP.IDLE1  wait_idle returns only after reading IDLE_STATE twice, equal, with unparked == 0, and
//             has_work() false in between: every NOTIFY bumps the wake epoch, so no worker was
//             awake during that interval — no task ran (tasks run only on unparked workers) and
//             none was queued (SP.POL3; a LIFO slot belongs to an unparked worker). One read is not
//             enough: a parker that finds work (WP.PARK3) makes unparked 0 for a moment and then
//             wakes itself and pops the task, so "unparked == 0" and "queues empty" could come from
//             different moments (found by the strand storage test under faulty mode). The
//             signaller's WP.PARK2 fence and the waiter's fence order "unparked became 0 / bit 0
//             set" (Dekker): either the waiter sees the idle state or the signaller sees bit 0 and
//             bumps the epoch the waiter sleeps on.
//   WP.STOP1  No task is dropped by stop(): an external submit either incremented the gate before
//             the closed bit (then stop waits for it to finish pushing, and wait_idle for the
//             task to run) or after (then it throws). After the gate drains and the pool is idle
//             no task runs, so none can submit: shutdown finds every queue empty.
//   WP.STOP2  No worker sleeps through shutdown: shutdown is set under sleep_mu_, and WP.PARK1
//             checks it under the same lock before joining the sleepers.
#include <spindle/exec/worker_pool.hpp>

#include <spindle/base/config.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/spin_wait.hpp>

#include "thread_placement.hpp"

namespace spindle::exec {

namespace {

// IDLE_STATE layout: bits 0..15 searching, 16..31 unparked, 32..63 wake epoch (bumped by every
// NOTIFY, so two equal reads with unparked == 0 prove nobody woke in between: WP.IDLE1).
constexpr std::uint64_t kOneSearching = 1;
constexpr std::uint64_t kOneUnparked = std::uint64_t{1} << 16;
constexpr std::uint64_t kOneWakeEpoch = std::uint64_t{1} << 32;
constexpr std::size_t kMaxWorkers = (std::size_t{1} << 15) - 1;  // counts fit in 16 bits
constexpr std::uint64_t searching_of(std::uint64_t state) noexcept { return state & 0xffffu; }
constexpr std::uint64_t unparked_of(std::uint64_t state) noexcept {
  return (state >> 16) & 0xffffu;
}

// WP.NOTIFY2's rule: none_searching (false) or below_search_cap (true).
bool wake_allowed(std::uint64_t state, bool below_search_cap) noexcept {
  return below_search_cap ? 2 * searching_of(state) < unparked_of(state)
                          : searching_of(state) == 0;
}

// WP.SEARCH3: parked workers a searcher with a surplus may wake. Empirical (2: the awake workers
// about double per wake-up latency, bounded by the searcher cap).
constexpr int kSurplusWakes = 2;

constexpr std::uint64_t kGateClosed = std::uint64_t{1} << 63;
constexpr std::uint64_t kGateInFlight = kGateClosed - 1;

constexpr std::uint32_t kIdleWaiters = 1;

// wake_word values.
constexpr std::uint32_t kAsleep = 0;
constexpr std::uint32_t kWoken = 1;
constexpr std::uint32_t kWokenForShutdown = 2;

}  // namespace

struct alignas(64) worker_pool::worker {
  twist::thread thread;
  detail::worker_identity identity{nullptr, 0};
  // kAsleep: asleep or about to be (reset by the owner under sleep_mu_); kWoken /
  // kWokenForShutdown: set by a waker after taking the worker off the sleepers.
  twist::atomic<std::uint32_t> wake_word{kAsleep};
  std::uint32_t inline_depth = 0;  // owner only
};

std::size_t worker_pool::resolved_worker_count(const pool_options& options) noexcept {
  if (options.workers != 0) return options.workers;
  const unsigned hw = twist::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

worker_pool::worker_pool(std::unique_ptr<scheduling_policy> policy, pool_options options)
    : options_(std::move(options)),
      num_workers_(resolved_worker_count(options_)),
      policy_(std::move(policy)),
      workers_(new worker[num_workers_]),
      idle_state_(num_workers_ * kOneUnparked) {
  SPINDLE_VERIFY(policy_ != nullptr, "worker_pool needs a scheduling policy");
  SPINDLE_VERIFY(num_workers_ <= kMaxWorkers, "too many workers (at most 32767)");
  guarded_.sleepers.reserve(num_workers_);  // PARK never allocates
  for (std::size_t i = 0; i < num_workers_; ++i) workers_[i].identity = {this, i};
  for (std::size_t i = 0; i < num_workers_; ++i) {
    workers_[i].thread = twist::thread([this, i] { worker_main(i); });
  }
}

worker_pool::~worker_pool() { stop(); }

void worker_pool::submit(task& t, hint h) {
  const detail::worker_identity* me = detail::current_worker_ptr::get();
  if (me != nullptr && me->pool == this) {
    worker& w = workers_[me->index];
    if (h == hint::inline_allowed && w.inline_depth < kMaxInlineDepth) {
      ++w.inline_depth;
      detail::run_task(t, *this, options_.on_task_failure);
      --w.inline_depth;
      return;
    }
    if (policy_->push(t, h, me->index)) notify_parked_if_none_searching();  // WP.LIVE2
    return;
  }
  // acquire: nothing to pair with but the closed bit's fetch_or (an RMW: always the latest).
  const std::uint64_t gate = gate_.fetch_add(1, std::memory_order_acquire);
  if ((gate & kGateClosed) != 0) {
    gate_.fetch_sub(1, std::memory_order_release);
    throw executor_stopped(name());
  }
  policy_->push(t, h == hint::inline_allowed ? hint::any : h, not_a_worker);
  notify_parked();  // WP.LIVE1
  // release: pairs with stop()'s acquire load: our push happens-before its idle check (WP.STOP1).
  gate_.fetch_sub(1, std::memory_order_release);
}

void worker_pool::worker_main(std::size_t index) {
  detail::place_current_thread(options_, index);
  worker& self = workers_[index];
  detail::current_worker_ptr::set(&self.identity);
  detail::current_executor_ptr::set(this);
  bool searching = false;
  for (;;) {
    task* t = policy_->pop(index);
    if (t == nullptr) {
      if (!searching) searching = try_begin_searching();
      if (searching) t = search(index);
    }
    if (t != nullptr) {
      if (searching) {
        searching = false;
        end_searching(policy_->has_surplus(index));
      }
      detail::run_task(*t, *this, options_.on_task_failure);
      continue;
    }
    // WP.PARK1 subtracts our searching count too.
    if (!park(index, searching)) break;
    searching = true;  // WP.PARK5
  }
  detail::current_executor_ptr::set(nullptr);
  detail::current_worker_ptr::set(nullptr);
}

// WP.SEARCH1 (the stealing part): a few rounds of stealing with backoff before giving up.
task* worker_pool::search(std::size_t index) {
  twist::spin_wait spin;
  for (;;) {
    if (task* t = policy_->steal(index)) return t;
    if (spin.should_park()) return nullptr;
    spin();
  }
}

bool worker_pool::try_begin_searching() noexcept {
  const std::uint64_t state = idle_state_.load(std::memory_order_seq_cst);
  if (2 * searching_of(state) >= unparked_of(state)) return false;  // enough searchers
  idle_state_.fetch_add(kOneSearching, std::memory_order_seq_cst);
  // seq_cst fence: this searcher's steals see every push whose NOTIFY read IDLE_STATE before
  // our increment (WP.LIVE1).
  twist::atomic_thread_fence(std::memory_order_seq_cst);
  return true;
}

void worker_pool::end_searching(bool surplus) noexcept {
  const std::uint64_t prev = idle_state_.fetch_sub(kOneSearching, std::memory_order_seq_cst);
  SPINDLE_ASSERT(searching_of(prev) >= 1, "worker_pool: IDLE_STATE underflow in end_searching");
  if (searching_of(prev) == 1) notify_parked();  // WP.SEARCH2: the last searcher hands over
  if (!surplus) return;
  for (int i = 0; i < kSurplusWakes; ++i) {  // WP.SEARCH3
    if (!notify_parked(wake_rule::below_search_cap)) return;
  }
}

void worker_pool::notify_parked_if_none_searching() noexcept {
  // relaxed: a stale look costs only parallelism (WP.LIVE2); NOTIFY re-checks with a fence.
  const std::uint64_t state = idle_state_.load(std::memory_order_relaxed);
  if (searching_of(state) != 0 || unparked_of(state) == num_workers_) return;
  notify_parked();
}

bool worker_pool::notify_parked(wake_rule rule) noexcept {
  const bool below_search_cap = rule == wake_rule::below_search_cap;
  // WP.NOTIFY1. seq_cst fence: pairs with the fences of WP.PARK2 and WP.SEARCH1 (WP.LIVE1):
  // either they see the task just pushed or we see their change of IDLE_STATE.
  twist::atomic_thread_fence(std::memory_order_seq_cst);
  std::uint64_t state = idle_state_.load(std::memory_order_relaxed);  // ordered by the fence
  if (!wake_allowed(state, below_search_cap) || unparked_of(state) == num_workers_) return false;
  std::size_t chosen = 0;
  {
    detail::futex_lock lock(sleep_mu_);
    state = idle_state_.load(std::memory_order_relaxed);  // unparked changes only under the lock
    if (!wake_allowed(state, below_search_cap) || guarded_.sleepers.empty() ||
        guarded_.shutdown) {
      return false;
    }
    chosen = guarded_.sleepers.back();
    guarded_.sleepers.pop_back();
    idle_state_.fetch_add(kOneWakeEpoch + kOneUnparked + kOneSearching, std::memory_order_seq_cst);
  }
  worker& w = workers_[chosen];
  auto key = twist::futex::prepare_wake(w.wake_word);
  // release: pairs with the acquire load in WP.PARK4, so the woken worker sees our IDLE_STATE
  // update and the pushed task's publication.
  w.wake_word.store(kWoken, std::memory_order_release);
  twist::futex::wake_one(key);
  return true;
}

bool worker_pool::park(std::size_t index, bool searching) noexcept {
  worker& self = workers_[index];
  std::uint64_t prev = 0;
  {
    detail::futex_lock lock(sleep_mu_);
    if (guarded_.shutdown) return false;  // WP.STOP2
    // relaxed: wakers set it only after popping us from sleepers, under the lock we hold.
    self.wake_word.store(kAsleep, std::memory_order_relaxed);
    guarded_.sleepers.push_back(index);  // capacity reserved: no allocation
    prev = idle_state_.fetch_sub(kOneUnparked + (searching ? kOneSearching : 0),
                                 std::memory_order_seq_cst);
  }
  SPINDLE_ASSERT(unparked_of(prev) >= 1 && (!searching || searching_of(prev) >= 1),
                 "worker_pool: IDLE_STATE underflow in park");
  // WP.PARK2. seq_cst fence: pairs with WP.NOTIFY1 (WP.LIVE1) and with wait_idle's fence
  // (WP.IDLE1).
  twist::atomic_thread_fence(std::memory_order_seq_cst);
  if (policy_->has_work()) {
    notify_parked();  // WP.PARK3: may wake this very worker, which then searches
  } else if (unparked_of(prev) == 1) {
    signal_idle();
  }
  // WP.PARK4. acquire: pairs with the release store in WP.NOTIFY4 / shutdown.
  while (self.wake_word.load(std::memory_order_acquire) == kAsleep) {
    twist::futex::wait(self.wake_word, kAsleep, std::memory_order_acquire);
  }
  // acquire: as above.
  return self.wake_word.load(std::memory_order_acquire) != kWokenForShutdown;
}

void worker_pool::signal_idle() noexcept {
  // relaxed: ordered after WP.PARK2's fence, which is what WP.IDLE1 needs.
  std::uint32_t word = idle_word_.load(std::memory_order_relaxed);
  while ((word & kIdleWaiters) != 0) {
    auto key = twist::futex::prepare_wake(idle_word_);
    // (word | 1) + 1: next epoch, waiters bit clear. release: pairs with wait_idle's acquire.
    if (idle_word_.compare_exchange_weak(word, word + 1, std::memory_order_release,
                                         std::memory_order_relaxed)) {
      twist::futex::wake_all(key);
      return;
    }
  }
}

bool worker_pool::is_idle() const noexcept {
  // acquire: pairs with the seq_cst (so release) WP.PARK1 decrements of every worker (RMWs extend
  // the release sequence), so all tasks run before the pool went idle happen-before wait_idle's
  // return, and has_work() below sees every push and pop they made. Its place in the order
  // against WP.PARK2 comes from the caller's seq_cst fence (WP.IDLE1).
  const std::uint64_t before = idle_state_.load(std::memory_order_acquire);
  if (unparked_of(before) != 0 || policy_->has_work()) return false;
  // WP.IDLE1: the two reads are one snapshot only if no worker woke in between (a parker that
  // re-checks and wakes itself makes unparked 0 for a moment, then pops a task): the wake epoch
  // would have changed. seq_cst fence: has_work()'s loads stay before the second read.
  twist::atomic_thread_fence(std::memory_order_seq_cst);
  return idle_state_.load(std::memory_order_relaxed) == before;
}

void worker_pool::wait_idle() {
  const detail::worker_identity* me = detail::current_worker_ptr::get();
  SPINDLE_VERIFY(me == nullptr || me->pool != this,
                 "wait_idle() called from one of the pool's own workers would wait for itself");
  for (;;) {
    // acquire: pairs with signal_idle's release CAS.
    std::uint32_t word = idle_word_.load(std::memory_order_acquire);
    if ((word & kIdleWaiters) == 0) {
      if (!idle_word_.compare_exchange_weak(word, word | kIdleWaiters,
                                            std::memory_order_acquire,
                                            std::memory_order_relaxed)) {
        continue;
      }
      word |= kIdleWaiters;
    }
    // seq_cst fence: pairs with WP.PARK2 (WP.IDLE1).
    twist::atomic_thread_fence(std::memory_order_seq_cst);
    if (is_idle()) return;
    twist::futex::wait(idle_word_, word, std::memory_order_acquire);
  }
}

void worker_pool::stop() {
  if (stopped_) return;
  const detail::worker_identity* me = detail::current_worker_ptr::get();
  SPINDLE_VERIFY(me == nullptr || me->pool != this,
                 "stop() called from one of the pool's own workers would wait for itself");
  gate_.fetch_or(kGateClosed, std::memory_order_acq_rel);  // WP.STOP1
  twist::spin_wait spin;
  // acquire: pairs with the release decrement at the end of an external submit().
  while ((gate_.load(std::memory_order_acquire) & kGateInFlight) != 0) spin();
  wait_idle();
  wake_all_for_shutdown();
  for (std::size_t i = 0; i < num_workers_; ++i) workers_[i].thread.join();
  stopped_ = true;
}

void worker_pool::wake_all_for_shutdown() noexcept {
  detail::futex_lock lock(sleep_mu_);
  guarded_.shutdown = true;  // WP.STOP2
  for (std::size_t index : guarded_.sleepers) {
    worker& w = workers_[index];
    auto key = twist::futex::prepare_wake(w.wake_word);
    // release: pairs with WP.PARK4. Workers are joined before they are destroyed.
    w.wake_word.store(kWokenForShutdown, std::memory_order_release);
    twist::futex::wake_one(key);
  }
  guarded_.sleepers.clear();
}

}  // namespace spindle::exec
