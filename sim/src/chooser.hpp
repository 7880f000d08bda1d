// The one interface between the simulated world and a scheduling strategy: every
// nondeterministic decision of a run (which thread steps next, whether a fault fires, which
// waiter a wake_one wakes) is one call to chooser::choose(). A run is therefore fully described
// by the sequence of answers, which is what replay tokens encode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <spindle/sim/trap.hpp>

namespace spindle::sim::detail {

// The simulator's internals speak the trap interface's vocabulary (steps, operations, accesses).
using namespace ::spindle::sim::trap;

enum class choice_kind : std::uint8_t {
  thread,             // which candidate steps next
  spurious_cas,       // 1: compare_exchange_weak fails spuriously
  spurious_wakeup,    // 1: a futex wait returns at once
  wake_target,        // index among the waiters, FIFO order (0: the longest waiting)
  allocation_failure, // 1: operator new throws bad_alloc
};

// The pseudo-thread of a thread choice that lets virtual time jump to the next deadline.
inline constexpr std::uint32_t timer_candidate = ~std::uint32_t{0};

struct candidate {
  std::uint32_t thread;  // simulated thread id, or timer_candidate
  // The step the thread is stopped before (null for the timer, and for a thread that has not
  // started or was just woken: its next step is unknown).
  const step* pending;
};

struct choice {
  choice_kind kind;
  std::size_t count;  // alternatives, >= 2
  // thread choices only: the candidates, the default first. The default is the running thread
  // if it can go on (no preemption); after a yield, a block or an exit, the next runnable
  // thread in id order after it. The timer candidate, if any, is last.
  std::span<const candidate> candidates;
  // thread choices only: candidates[0] is the thread that was running (picking another one is
  // a preemption).
  bool running_can_continue = false;
  std::uint32_t running_thread = 0;
  // Who decides and which of its decisions this is: the thread that was running (it blocked,
  // yielded, finished, or is about to step) and the count of decisions it made before. The
  // pair names a decision point in a way that survives edits elsewhere in the schedule.
  std::uint32_t decider = 0;
  std::uint32_t decision = 0;
};

class chooser {
 public:
  virtual ~chooser() = default;
  // An index in [0, c.count); 0 is the default (no preemption, no fault, FIFO).
  virtual std::size_t choose(const choice& c) = 0;
};

// One decision of a run, as recorded for tokens and shrinking. `value` is what was chosen in
// a form that survives edits of the schedule: the thread id for thread choices (or
// timer_candidate), the index otherwise.
struct recorded_choice {
  choice_kind kind;
  bool is_default;
  std::uint32_t value;
  std::uint32_t decider;   // as in choice
  std::uint32_t decision;
};

}  // namespace spindle::sim::detail
