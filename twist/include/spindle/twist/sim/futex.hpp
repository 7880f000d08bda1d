// sim backend of twist/futex.hpp: waiting and waking are simulator steps. The simulator keeps
// the wait queues; which waiter a wake_one wakes, whether a wait returns spuriously, and when
// a timed wait times out (virtual time) are all scheduler choices, explored like interleavings.
// A thread blocked forever shows up in the deadlock report with the location of its wait.
//
// The wake rule is the threads backend's (threads/futex.hpp): wake_one/wake_all use only the address
// in the key and never touch the word.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/detail/os_futex.hpp>
#include <spindle/twist/sim/atomic.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::futex {

namespace detail {
inline std::uint32_t* address_of(atomic<std::uint32_t>& word) noexcept {
  return const_cast<std::uint32_t*>(sim_backend::futex_access::value(word));
}
}  // namespace detail

// Sleeps while `word` holds `old`; may return spuriously (a scheduler choice). Returns
// word.load(order) read after waking.
inline std::uint32_t wait(atomic<std::uint32_t>& word, std::uint32_t old,
                          std::memory_order order = std::memory_order_seq_cst,
                          source_location where = source_location::current()) noexcept {
  if (!sim::trap::in_simulation()) return word.load(order, where);
  return sim::trap::futex_wait(detail::address_of(word), sim_backend::futex_access::tag(word),
                                 detail::address_of(word), old, order, where);
}

// Like wait(), for at most `timeout` of virtual time. Returns false if the wait timed out.
inline bool wait_for(atomic<std::uint32_t>& word, std::uint32_t old,
                     std::chrono::nanoseconds timeout,
                     source_location where = source_location::current()) noexcept {
  if (timeout.count() <= 0) return false;
  if (!sim::trap::in_simulation()) return word.load(std::memory_order_relaxed) != old;
  return sim::trap::futex_wait_for(detail::address_of(word),
                                     sim_backend::futex_access::tag(word),
                                     detail::address_of(word), old, timeout, where);
}

// Step 1 of a wake: remember where to wake, before the store that may free the word.
inline wake_key prepare_wake(atomic<std::uint32_t>& word,
                             source_location where = source_location::current()) noexcept {
  wake_key key{detail::address_of(word)};
  if (sim::trap::in_simulation()) sim::trap::futex_prepare_wake(key.address, where);
  return key;
}

// Step 2: wake one waiter (which one: a scheduler choice) / every waiter.
inline void wake_one(wake_key key, source_location where = source_location::current()) noexcept {
  if (sim::trap::in_simulation()) sim::trap::futex_wake(key.address, /*all=*/false, where);
}
inline void wake_all(wake_key key, source_location where = source_location::current()) noexcept {
  if (sim::trap::in_simulation()) sim::trap::futex_wake(key.address, /*all=*/true, where);
}

}  // namespace spindle::twist::futex
