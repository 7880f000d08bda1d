// The one list of faults spindle's testing modes inject: every liberty the standard and the OS
// allow a correct program to meet (being preempted anywhere, a spurious failure, a spurious
// wakeup, an arbitrary wake order), named once. Both fault-injecting backends map onto it, in
// code: twist::faulty::one_in(rates, kind) (twist/faulty/config.hpp) gives the faulty rate of a
// kind, sim::injects(fault_options, kind) (sim/options.hpp) whether the simulator explores it.
//
//   kind                       faulty backend                 simulator (fault_options)
//   yield                      yield_one_in                   always: every step may switch
//   sleep                      sleep_one_in, max_sleep        always: every step may switch
//   spurious_cas_failure       spurious_one_in                spurious_cas
//   spurious_try_lock_failure  spurious_one_in                spurious_cas (a weak CAS)
//   spurious_futex_wakeup      spurious_one_in                spurious_wakeups
//   spurious_condvar_wakeup    spurious_one_in                spurious_wakeups (a futex wait)
//   wake_all_instead_of_one    wake_all_one_in                never: wake_order picks the waiter
//   random_waiter              always (1 in 1)                wake_order
//   early_timeout              never: real time decides       timeouts
//   allocation_failure         never                          allocation_failure
//
// The enumerators' values are part of the faulty backend's observable fault log
// (twist::faulty::fault_event); append, never reorder.
#pragma once

#include <cstdint>
#include <string_view>

namespace spindle::base {

enum class fault_kind : std::uint8_t {
  yield,                       // the thread is preempted (an OS yield) at an injection point
  sleep,                       // a short delay at an injection point; value: microseconds
  spurious_cas_failure,        // compare_exchange_weak failed without comparing
  spurious_try_lock_failure,   // mutex::try_lock failed although the mutex may have been free
  spurious_futex_wakeup,       // futex::wait / wait_for returned without a wake
  spurious_condvar_wakeup,     // condition_variable wait returned without a notification
  wake_all_instead_of_one,     // futex::wake_one / mutex::unlock woke every waiter
  random_waiter,               // condition_variable::notify_one chose waiter #value of `choices`
  early_timeout,               // a timed wait or sleep expired while other threads could still run
  allocation_failure,          // operator new threw std::bad_alloc
};

// The enumerator's name, for logs and traces.
constexpr std::string_view name(fault_kind kind) noexcept {
  switch (kind) {
    case fault_kind::yield: return "yield";
    case fault_kind::sleep: return "sleep";
    case fault_kind::spurious_cas_failure: return "spurious_cas_failure";
    case fault_kind::spurious_try_lock_failure: return "spurious_try_lock_failure";
    case fault_kind::spurious_futex_wakeup: return "spurious_futex_wakeup";
    case fault_kind::spurious_condvar_wakeup: return "spurious_condvar_wakeup";
    case fault_kind::wake_all_instead_of_one: return "wake_all_instead_of_one";
    case fault_kind::random_waiter: return "random_waiter";
    case fault_kind::early_timeout: return "early_timeout";
    case fault_kind::allocation_failure: return "allocation_failure";
  }
  return "unknown";
}

}  // namespace spindle::base
