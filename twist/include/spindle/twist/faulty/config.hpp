// Configuration of faulty mode: the seed every injector derives from, how often each fault
// fires, where around an atomic operation the injector runs, and single-core pinning.
//
// Every knob has an environment variable, read once at start-up, and a setter for tests:
//
//   SPINDLE_FAULTY_SEED=12345           the global seed (default: random, time-based)
//   SPINDLE_FAULTY_PLACEMENT=both       before | after | both   (default: before)
//   SPINDLE_FAULTY_YIELD_ONE_IN=16      yield at 1 in N injection points      (0: never)
//   SPINDLE_FAULTY_SLEEP_ONE_IN=1024    sleep at 1 in N injection points      (0: never)
//   SPINDLE_FAULTY_MAX_SLEEP_US=50      longest injected sleep, microseconds
//   SPINDLE_FAULTY_SPURIOUS_ONE_IN=16   spurious CAS-weak / try_lock failure, spurious wakeup
//   SPINDLE_FAULTY_WAKE_ALL_ONE_IN=8    futex wake_one wakes every waiter instead
//   SPINDLE_FAULTY_ONE_CORE=1           pin main and every twist::thread to one core
//
// Reproducing a run needs the same seed, the same settings and the same program: each thread's
// injector is seeded from (seed, the thread's creation index), so a thread's fault sequence is
// fixed once the threads are created in the same order and make the same operations.
//
//   faulty::fault_rates rates = faulty::current_rates();
//   rates.spurious_one_in = 2;           // make spurious failures common for this test
//   faulty::set_rates(rates);
#pragma once

#include <chrono>
#include <cstdint>

#include <spindle/base/fault_kind.hpp>

namespace spindle::twist::faulty {

// Where the injector runs relative to each atomic operation: `before` widens the window in
// which other threads act before this operation, `after` the window before its result is
// used; `both` does both (and doubles the injection points).
enum class placement : std::uint8_t { before, after, both };

// How often each fault fires, as "1 in N" (0 turns the fault off).
struct fault_rates {
  // Empirical defaults: frequent enough to perturb every short critical section in a stress
  // test, rare enough that a test's threads still make progress at full speed in between.
  static constexpr std::uint32_t kDefaultYieldOneIn = 16;
  static constexpr std::uint32_t kDefaultSleepOneIn = 1024;
  static constexpr std::uint32_t kDefaultSpuriousOneIn = 16;
  static constexpr std::uint32_t kDefaultWakeAllOneIn = 8;
  static constexpr std::chrono::microseconds kDefaultMaxSleep{50};

  std::uint32_t yield_one_in = kDefaultYieldOneIn;
  std::uint32_t sleep_one_in = kDefaultSleepOneIn;
  // A spurious compare_exchange_weak or try_lock failure, or a spurious futex / condition
  // variable wakeup (a wait that returns without sleeping).
  std::uint32_t spurious_one_in = kDefaultSpuriousOneIn;
  // futex::wake_one (and mutex unlock) waking every waiter, so the kernel's FIFO order no longer
  // decides which waiter proceeds.
  std::uint32_t wake_all_one_in = kDefaultWakeAllOneIn;
  // An injected sleep lasts a random 1 .. max_sleep microseconds.
  std::chrono::microseconds max_sleep = kDefaultMaxSleep;
};

// How often faults of `kind` fire under `rates`, as "1 in N" (0: never): the faulty backend's
// map from its rates onto the fault vocabulary (spindle/base/fault_kind.hpp). notify_one always
// picks its waiter at random (1 in 1); the simulator-only kinds never fire here.
constexpr std::uint32_t one_in(const fault_rates& rates, base::fault_kind kind) noexcept {
  switch (kind) {
    case base::fault_kind::yield: return rates.yield_one_in;
    case base::fault_kind::sleep: return rates.sleep_one_in;
    case base::fault_kind::spurious_cas_failure:
    case base::fault_kind::spurious_try_lock_failure:
    case base::fault_kind::spurious_futex_wakeup:
    case base::fault_kind::spurious_condvar_wakeup: return rates.spurious_one_in;
    case base::fault_kind::wake_all_instead_of_one: return rates.wake_all_one_in;
    case base::fault_kind::random_waiter: return 1;
    case base::fault_kind::early_timeout:
    case base::fault_kind::allocation_failure: return 0;
  }
  return 0;
}

// The global seed (SPINDLE_FAULTY_SEED, or chosen at random at start-up).
std::uint64_t seed() noexcept;

// Replaces the global seed and restarts the calling thread's injector and random generator as
// if the thread had just started under `new_seed`. Threads started later derive from it too;
// threads already running keep their generators.
void set_seed(std::uint64_t new_seed) noexcept;

// The fault rates in force (SPINDLE_FAULTY_*_ONE_IN, SPINDLE_FAULTY_MAX_SLEEP_US).
fault_rates current_rates() noexcept;

// Replaces the fault rates for every thread, from its next injection point on.
void set_rates(const fault_rates& rates) noexcept;

// Where the injector runs around atomic operations (SPINDLE_FAULTY_PLACEMENT).
placement injection_placement() noexcept;
void set_injection_placement(placement where) noexcept;

// True when SPINDLE_FAULTY_ONE_CORE=1 pinned main and every twist::thread to one core (Linux
// only; elsewhere the setting is reported once on stderr and ignored).
bool one_core() noexcept;

}  // namespace spindle::twist::faulty
