// Happens-before for the simulated program, and data races on twist::shared<T> cells.
//
// The interleavings the simulator runs are sequentially consistent, but the program is not
// allowed to rely on that: happens-before edges come only from the memory orders the program
// declared (C++20 [intro.races], [atomics.order], [atomics.fences]):
//   - a release store (or RMW) publishes the thread's clock in the location; an acquire load
//     (or RMW) that reads it joins that clock. Relaxed loads join nothing (but an acquire fence
//     later joins what they read); relaxed stores publish nothing (but after a release fence
//     they publish the fence's clock); any RMW continues the release sequence it reads from.
//   - spawn orders the parent's past before the child; join orders the child before the joiner.
//   - seq_cst adds no edge beyond acquire/release: it orders operations in the interleaving,
//     which the simulator always does.
//   - futex wake/wait adds none: a waiter must re-read the word (acquire) to learn anything.
// Two accesses to one shared cell race when at least one writes and neither happens-before
// the other (a FastTrack-style check: Flanagan & Freund, PLDI 2009, with full read clocks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <spindle/sim/trap.hpp>

#include "vector_clock.hpp"

namespace spindle::sim::detail {

// The simulator's internals speak the trap interface's vocabulary (steps, operations, accesses).
using namespace ::spindle::sim::trap;

struct race_report {
  std::uint32_t first_thread;
  bool first_is_write;
  source_location first_where;
  std::uint64_t first_step;
  std::uint32_t second_thread;
  bool second_is_write;
  source_location second_where;
  std::uint64_t second_step;
  std::uint32_t location;
};

class race_detector {
 public:
  // Forgets everything; a run with `threads` thread slots so far.
  void reset();

  void on_spawn(std::uint32_t parent, std::uint32_t child);
  void on_join(std::uint32_t joiner, std::uint32_t joined);
  // An atomic access to location `loc` (numbered per run) by `thread`, as committed.
  void on_atomic(std::uint32_t thread, std::uint32_t loc, operation op, std::memory_order order);
  void on_fence(std::uint32_t thread, std::memory_order order);
  // A plain access; returns true and fills `report` if it races with an earlier one.
  bool on_plain(std::uint32_t thread, std::uint32_t loc, bool write, const source_location& where,
                std::uint64_t step, race_report& report);

 private:
  struct thread_clocks {
    vector_clock now;             // what this thread has seen
    vector_clock released_fence;  // `now` at its last release fence
    bool has_released_fence = false;
    vector_clock acquirable;      // release clocks its relaxed loads read (for acquire fences)
  };
  struct access_mark {
    std::uint32_t tick = 0;  // 0: no access
    source_location where;
    std::uint64_t step = 0;
  };
  struct location_state {
    vector_clock released;              // atomics: the clock of the release sequence
    std::uint32_t writer = 0;           // plain cells: the last write ...
    access_mark write;
    std::vector<access_mark> reads;     // ... and the last read of each thread since
  };

  thread_clocks& thread(std::uint32_t id);
  location_state& location(std::uint32_t loc);
  static bool is_acquire(std::memory_order order) noexcept;
  static bool is_release(std::memory_order order) noexcept;

  std::vector<thread_clocks> threads_;
  std::vector<location_state> locations_;
  std::size_t threads_used_ = 0;
  std::size_t locations_used_ = 0;
};

}  // namespace spindle::sim::detail
