// The simulator's trap interface — its system calls: the one boundary between the facade's sim
// backend (twist/sim/*.hpp) and the simulator (sim/src). Each trap is declared here once, in
// namespace sim::trap, and defined in sim/src/runtime.cpp. User code never includes this; it
// uses the facade, and sim::explore (spindle/sim/explore.hpp).
//
// Every facade operation made by a simulated thread is one *step*: the backend calls a trap
// here before the operation, the scheduler decides which simulated thread runs next (maybe
// another one: a context switch), and when this thread is picked again the operation runs, as
// one indivisible action (all simulated threads share one OS thread). Atomic operations then
// report what they did through commit(), the one path every atomic access takes (operation
// kind, location, memory order, value), so a weak-memory model can later be added there
// without touching the backend.
//
// Outside a simulation (static initialisation, a test that never calls explore) the traps are
// not called: in_simulation() is false and the backend performs operations directly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

// Base vocabulary shared with the facade.
#include <spindle/base/source_location.hpp>

namespace spindle::sim::detail {
class world;
}  // namespace spindle::sim::trap

namespace spindle::sim::trap {

using base::source_location;

// What a step does. The names appear in traces.
enum class operation : std::uint8_t {
  atomic_load,
  atomic_store,
  atomic_rmw,          // exchange, fetch_*, successful compare_exchange
  atomic_cas_failed,   // a compare_exchange that failed (a load with the failure order)
  fence,
  futex_wait,
  futex_wait_for,
  futex_prepare_wake,
  futex_wake_one,
  futex_wake_all,
  thread_spawn,
  thread_join,
  thread_exit,
  yield,               // this_thread::yield, spin_wait, cpu_relax
  sleep,
  clock_read,
  random,
  mutex_lock,
  mutex_try_lock,
  mutex_unlock,
  condvar_wait,
  condvar_notify,
  shared_read,         // twist::shared<T> accesses: checked for races, never a switch
  shared_write,
  allocate,
  deallocate,
};

// Which operations read and which write a location; steps that touch no shared location
// (yield, sleep, clock) have neither.
constexpr bool writes(operation op) noexcept {
  return op == operation::atomic_store || op == operation::atomic_rmw ||
         op == operation::shared_write;
}

// Per-location bookkeeping stored inside every simulated atomic and shared cell: the
// location's number in the run that last touched it. A number from an older run is stale, so a
// cell that outlives a run (a static) or is reused at the same address is renumbered on first
// touch. Numbers, not addresses, identify locations in traces and digests, so a run's record
// does not depend on where the heap put things.
struct location_tag {
  std::uint32_t run = 0;
  std::uint32_t index = 0;
};

// A step about to happen, described before it runs (the scheduler may look at it: partial-
// order reduction asks which pending steps touch the same location).
struct step {
  operation op;
  const void* address = nullptr;    // the location, or null
  location_tag* tag = nullptr;      // the location's tag, or null (futex keys have none)
  std::memory_order order = std::memory_order_seq_cst;
  source_location where;
};

// An atomic access that has happened: commit() records it (trace, digest, race detector).
struct access {
  operation op;                     // may differ from the step's (atomic_cas_failed)
  std::memory_order order;          // the order that applied (the failure order of a failed CAS)
  std::uint64_t value = 0;          // the value read or written, as bits (see value_bits)
  bool value_is_address = false;    // a pointer: left out of the determinism digest
};

// The world of the simulation running on this OS thread, or null. One OS thread runs at most
// one simulation at a time; simulated threads all run on it.
extern thread_local detail::world* current_world;

inline bool in_simulation() noexcept { return current_world != nullptr; }

// ---- traps (each is a step: the scheduler may switch threads inside) --------------------------

// Before an atomic access or fence. After it returns, perform the access, then commit().
void before(const step& s);
// After the access: records it. Never switches.
void commit(const step& s, const access& a) noexcept;

// Fault choices, made at the current step: true means "inject this fault".
bool spurious_cas_failure(const source_location& where);
bool spurious_try_lock_failure(const source_location& where);

// The futex: see twist/futex.hpp for the contract.
std::uint32_t futex_wait(const void* word, location_tag* tag, const std::uint32_t* value,
                         std::uint32_t old, std::memory_order order, source_location where);
bool futex_wait_for(const void* word, location_tag* tag, const std::uint32_t* value,
                    std::uint32_t old, std::chrono::nanoseconds timeout,
                    source_location where);
void futex_prepare_wake(const void* word, source_location where);
void futex_wake(const void* word, bool all, source_location where);

// Threads. The entry runs on a simulated thread; arg is the entry's own (it frees it).
using thread_entry = void (*)(void* arg);
struct thread_handle {
  std::uint32_t run = 0;
  std::uint32_t id = 0;
};
thread_handle spawn(thread_entry entry, void* arg, source_location where);
void join(thread_handle thread, source_location where);
void detach(thread_handle thread) noexcept;
std::uint32_t current_thread_id() noexcept;

void yield(operation op, source_location where);
void sleep_for(std::chrono::nanoseconds duration, source_location where);
// Virtual time, in nanoseconds since the simulated clock's epoch.
std::int64_t now(source_location where);
std::uint64_t random_u64(source_location where);

// twist::shared<T>: checked for races (no switch: a race-free program's plain accesses need
// no interleaving of their own; the race detector sees any that race).
void shared_access(const void* address, location_tag* tag, bool write,
                   const source_location& where);

// The slot of a twist::thread_local_ptr for the current simulated thread.
void*& thread_local_slot(std::size_t slot_index) noexcept;
std::size_t register_thread_local() noexcept;

// A per-run static (twist::static_var): constructed on first use in a run, destroyed when the
// run ends.
void* run_static(const void* key, std::size_t size, void (*construct)(void*),
                 void (*destroy)(void*));

// Ends the run with a failure report (an assertion failed in a simulated thread). Never returns.
[[noreturn]] void fail_assertion(const char* message);
// Records a failure found by a test framework (which may hold its own locks while reporting):
// the run ends with it at the failing thread's next step, or when the thread finishes.
void report_failure(const char* message);

// The value bits of an atomic's T, for traces and digests.
template <class T>
std::uint64_t value_bits(const T& value) noexcept {
  if constexpr (std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uint64_t)) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    return bits;
  } else {
    return 0;
  }
}

}  // namespace spindle::sim::trap
