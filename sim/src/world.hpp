// One simulation: the simulated threads of a run, the scheduler's view of them, virtual time,
// futex wait queues, and the per-run checks. world::run() executes one schedule from start to
// end on the calling OS thread; sim::explore (explorer.cpp) runs many.
//
// How a run executes:
//   1. The host (the OS thread's own context) sets up simulated thread 0 with the test body and
//      switches to it. From then on only simulated threads run; each switches directly to the
//      next one the chooser picks (one switch per preemption, no scheduler context in between).
//   2. Spawning a thread runs it at once up to its first step, then returns to the spawner:
//      a candidate's next step is always known (it is stopped right before it).
//   3. Every facade operation traps here (spindle/sim/trap.hpp): one *step*. The world builds
//      the list of candidates (runnable threads, default first, and the timer if a deadline is
//      pending), asks the chooser when there is a real choice, and switches.
//   4. A thread that waits (futex, join, sleep) is blocked; wakes, exits and timers make threads
//      runnable again. When none can run and a deadline is pending, virtual time jumps to it.
//   5. The run ends when every thread has finished (then the leak check runs), or at the first
//      failure: the failing thread records the report and switches to the host, abandoning
//      every simulated stack as it is (nothing on them runs again; their stacks are reused).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spindle/base/xoshiro256.hpp>
#include <spindle/context/exception_state.hpp>
#include <spindle/context/execution_context.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/sim/trap.hpp>
#include <spindle/sim/options.hpp>
#include <spindle/sim/result.hpp>

#include "chooser.hpp"
#include "race_detector.hpp"
#include "trace.hpp"

namespace spindle::sim::detail {

// The simulator's internals speak the trap interface's vocabulary (steps, operations, accesses).
using namespace ::spindle::sim::trap;

// How a run ended.
struct run_outcome {
  sim::outcome outcome = sim::outcome::ok;
  std::string message;          // what failed, with the threads and locations involved
  std::uint32_t thread = 0;     // the thread that failed (or found the failure)
  std::uint64_t steps = 0;
  std::size_t threads = 0;      // threads the run created
  std::uint64_t digest = 0;     // hash of the run's observable behaviour (determinism check)
  bool pruned = false;          // the chooser gave up on the run (dfs: equivalent to one run)
};

// Per-run settings, from the options.
struct run_config {
  fault_options faults;
  detector_options detect;
  std::size_t max_steps = 100'000;
  std::size_t stack_size = 256 * 1024;
  std::uint64_t random_seed = 0;     // twist::random's stream in this run
  unsigned char stack_fill = 0;      // nonzero: fill fresh stacks with it (determinism check)
  bool keep_full_trace = false;      // record every step (the final replay), not just the tail
};

class world {
 public:
  world();
  ~world();

  world(const world&) = delete;
  world& operator=(const world&) = delete;

  // Runs `body` as thread 0 under `chooser`'s decisions, to the end of the run.
  run_outcome run(const run_config& config, const std::function<void()>& body, chooser& chooser);

  // What the last run decided, in order (for tokens and shrinking) and what it did (trace).
  const std::vector<recorded_choice>& choices() const noexcept { return choices_; }
  const trace_log& trace() const noexcept { return trace_; }

  // Lets a chooser end the run early without a failure (dfs: the rest is equivalent to a run
  // already explored). Called from inside choose().
  void prune() noexcept { prune_requested_ = true; }

  // ---- traps (spindle/sim/trap.hpp), called on simulated threads --------------------------
  void before(const step& s);
  void commit(const step& s, const access& a) noexcept;
  bool fault(choice_kind kind);
  std::uint32_t futex_wait(const void* word, location_tag* tag, const std::uint32_t* value,
                           std::uint32_t old, std::memory_order order, source_location where);
  bool futex_wait_for(const void* word, location_tag* tag, const std::uint32_t* value,
                      std::uint32_t old, std::chrono::nanoseconds timeout, source_location where);
  void futex_prepare_wake(const void* word, source_location where);
  void futex_wake(const void* word, bool all, source_location where);
  thread_handle spawn(thread_entry entry, void* arg, source_location where);
  void join(thread_handle handle, source_location where);
  void detach(thread_handle handle) noexcept;
  std::uint32_t current_thread_id() const noexcept { return current_->id; }
  void yield(operation op, source_location where);
  void sleep_for(std::chrono::nanoseconds duration, source_location where);
  std::int64_t now(source_location where);
  std::uint64_t random_u64(source_location where);
  void shared_access(const void* address, location_tag* tag, bool write,
                     const source_location& where);
  void*& thread_local_slot(std::size_t index) noexcept;
  void* run_static(const void* key, std::size_t size, void (*construct)(void*),
                   void (*destroy)(void*));
  [[noreturn]] void fail(sim::outcome outcome, std::string message);
  // A failure to end the run with at the next step (see spindle/sim/trap.hpp, report_failure).
  void defer_failure(std::string message);

  // True while a simulated thread runs user code (not inside a trap): the memory checker
  // tracks only these allocations.
  bool user_code_running() const noexcept { return running_ && !in_trap_; }
  // From here on, the current thread runs simulator code (until it returns to the program).
  void enter_trap() noexcept { in_trap_ = true; }
  std::uint64_t step_count() const noexcept { return steps_; }
  // True if `address` lies in the guard page below the running simulated thread's stack.
  bool in_current_guard(const void* address) const noexcept;
  const run_config& config() const noexcept { return config_; }
  // Makes the next allocation-failure decision (memory checker).
  bool allocation_fails();

 private:
  enum class status : std::uint8_t { runnable, blocked, done };
  enum class waiting_for : std::uint8_t { nothing, futex, join, sleep };

  struct thread {
    std::uint32_t id = 0;
    status state = status::done;
    waiting_for blocked_on = waiting_for::nothing;
    const void* futex_key = nullptr;
    std::uint64_t wait_ticket = 0;      // FIFO order among waiters
    std::uint32_t join_target = 0;
    std::int64_t deadline = -1;         // virtual ns, -1: none
    bool timed_out = false;
    bool yielded = false;               // its last step was a yield: not the default next
    bool detached = false;
    bool joined = false;
    std::uint32_t joiner = ~std::uint32_t{0};
    bool has_pending = false;
    step pending{};                     // the step it is stopped before
    thread_entry entry = nullptr;
    void* arg = nullptr;
    context::execution_context context;
    context::stack stack;
    context::exception_state exceptions;
    std::vector<void*> locals;          // twist::thread_local_ptr slots
    std::uint32_t decisions = 0;        // decisions made while it was the running thread
    // Set from spawn until the thread reaches its first step: spawn runs the new thread's
    // prologue at once (it touches nothing shared: that would be a step), so every candidate
    // the scheduler sees has a known next step and no decision is spent on starting a thread.
    bool starting = false;
    std::uint32_t spawner = 0;
  };
  struct run_static_object {
    const void* key;
    void* object;
    void (*destroy)(void*);
  };

  static void thread_main(void* self) noexcept;
  thread& new_thread(thread_entry entry, void* arg);
  std::uint32_t location_of(location_tag* tag) noexcept;
  void record(const step& s, std::uint64_t value);
  // Asks the chooser (the current thread decides) and records the answer.
  std::size_t decide(choice c);

  // Picks the next thread to step (maybe the current one) and switches to it. When the
  // current thread is blocked or done, it is not a candidate.
  void reschedule();
  void switch_to(thread& next);
  void block_current();
  void wake(thread& t);
  bool fire_timers();
  [[noreturn]] void finish_current();
  [[noreturn]] void report_deadlock();
  std::string describe_block(const thread& t) const;
  std::string describe(const source_location& where) const;

  run_config config_;
  chooser* chooser_ = nullptr;
  std::vector<std::unique_ptr<thread>> threads_;  // slots reused across runs
  std::size_t threads_used_ = 0;
  thread* current_ = nullptr;
  context::execution_context host_;
  context::exception_state host_exceptions_;
  void* exception_slot_ = nullptr;

  std::uint32_t run_id_ = 0;
  std::uint32_t next_location_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t next_ticket_ = 0;
  std::int64_t clock_ns_ = 0;
  base::xoshiro256 random_{0};  // twist::random's stream, reseeded per run
  std::uint64_t digest_ = 0;
  bool running_ = false;
  bool in_trap_ = false;
  bool prune_requested_ = false;
  bool has_deferred_failure_ = false;
  std::string deferred_failure_;
  run_outcome outcome_;
  std::vector<candidate> candidates_;
  std::vector<recorded_choice> choices_;
  std::vector<run_static_object> statics_;
  trace_log trace_;
  race_detector races_;
  const std::function<void()>* body_ = nullptr;
};

// The world of the OS thread's running simulation (trap::current_world, typed).
inline world& active_world() noexcept { return *current_world; }

}  // namespace spindle::sim::detail
