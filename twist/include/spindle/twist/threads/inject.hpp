// The injection hooks of the real-threads runtime (the std and faulty backends are one runtime,
// twist/threads/*.hpp). Every threads-backend operation calls these hooks; in std builds they
// are empty inline functions and constant `false`s, so the operation compiles to the plain OS /
// std::atomic call (tests/core/zero_cost/ checks it), and in faulty builds they call the
// calling thread's fault injector (twist/faulty/detail/injector.hpp, twist/src/faulty/).
//
//   void wait(...) {
//     threads::inject(where);                                       // maybe yield / sleep
//     if (!threads::spurious(fault_kind::spurious_futex_wakeup, where)) os::wait(...);
//   }
//
// The faults are the one vocabulary in spindle/base/fault_kind.hpp.
#pragma once

#include <cstddef>

#include <spindle/base/fault_kind.hpp>
#include <spindle/twist/mode.hpp>
#include <spindle/twist/source_location.hpp>

#if SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/detail/injector.hpp>
#endif

namespace spindle::twist::threads {

using base::fault_kind;

#if SPINDLE_TWIST_MODE_FAULTY

// One injection point: sometimes yields, rarely sleeps briefly.
using faulty::detail::inject;
// Whether an operation that may fail or wake spuriously does so now (a fault of `kind`).
using faulty::detail::spurious;
// Whether a wake_one wakes every waiter instead.
using faulty::detail::wake_all_instead_of_one;
// Which of `choices` waiters a notify_one wakes.
using faulty::detail::choose_waiter;
// Injects around one operation (before and/or after it, as the placement setting says).
using faulty::detail::operation_scope;

#else  // std: every hook is nothing

inline void inject(source_location) noexcept {}
constexpr bool spurious(fault_kind, source_location) noexcept { return false; }
constexpr bool wake_all_instead_of_one(source_location) noexcept { return false; }
constexpr std::size_t choose_waiter(std::size_t, source_location) noexcept { return 0; }
class operation_scope {
 public:
  constexpr explicit operation_scope(source_location) noexcept {}
};

#endif  // SPINDLE_TWIST_MODE_FAULTY

}  // namespace spindle::twist::threads
