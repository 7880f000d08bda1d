// threads backend of twist/futex.hpp (std and faulty builds): the OS futex (Linux futex(2) on
// private mappings, Windows WaitOnAddress; futex::os), addressed through the 32-bit atomic word.
// In faulty builds the hooks (threads/inject.hpp) add faults a correct caller must already
// tolerate (in std builds they are nothing):
//   - wait / wait_for sometimes return at once without sleeping (a spurious wakeup), so a
//     caller that does not re-check its condition in a loop fails fast;
//   - wake_one sometimes wakes every waiter, so the kernel's FIFO order stops deciding which
//     waiter proceeds;
//   - an injection point before each call widens the windows around it (between prepare_wake
//     and the publishing store in particular).
// A spurious wakeup is decided before sleeping, never by a timed sleep: a timed sleep would
// also rescue a waiter whose wakeup was lost, and hide the very bug stress tests look for.
//
// The wake rule (docs/design.md, docs/facade.md): a waker that may let the waiter free the object
// calls prepare_wake(word) BEFORE the store that publishes, then wake_one/wake_all(key) after
// it, and never touches the object in between. The key holds only the address, which the
// kernel uses as a hash key and never dereferences, so waking a freed word is harmless.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spindle/twist/detail/os_futex.hpp>
#include <spindle/twist/source_location.hpp>
#include <spindle/twist/threads/atomic.hpp>
#include <spindle/twist/threads/inject.hpp>

namespace spindle::twist::futex {

namespace detail {
inline std::uint32_t* address_of(std::atomic<std::uint32_t>& word) noexcept {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
  return reinterpret_cast<std::uint32_t*>(&word);
}
#if !SPINDLE_TWIST_MODE_STD  // in std mode twist::atomic is std::atomic: the overload above
inline std::uint32_t* address_of(atomic<std::uint32_t>& word) noexcept {
  return address_of(threads::underlying(word));
}
#endif
}  // namespace detail

// Sleeps while `word` holds `old` (the check and the sleep are atomic with respect to
// wakes); may return spuriously (in faulty builds: now and then on purpose). Returns
// word.load(order) read after waking.
inline std::uint32_t wait(atomic<std::uint32_t>& word, std::uint32_t old,
                          std::memory_order order = std::memory_order_seq_cst,
                          source_location where = source_location::current()) noexcept {
  threads::inject(where);
  if (!threads::spurious(threads::fault_kind::spurious_futex_wakeup, where)) {
    os::wait(detail::address_of(word), old);
  }
  return threads::underlying(word).load(order);
}

// Like wait(), for at most `timeout`. Returns false if the wait timed out, true otherwise
// (woken, spurious, or `word` no longer held `old`). A non-positive timeout never sleeps and
// returns false, spurious wakeups or not.
inline bool wait_for(atomic<std::uint32_t>& word, std::uint32_t old,
                     std::chrono::nanoseconds timeout,
                     source_location where = source_location::current()) noexcept {
  if (timeout.count() <= 0) return false;
  threads::inject(where);
  if (threads::spurious(threads::fault_kind::spurious_futex_wakeup, where)) return true;
  return os::wait_for(detail::address_of(word), old, timeout);
}

// Step 1 of a wake: remember where to wake, before the store that may free the word. The
// injection point sits in the window between this and the publishing store.
inline wake_key prepare_wake(atomic<std::uint32_t>& word,
                             source_location where = source_location::current()) noexcept {
  wake_key key{detail::address_of(word)};
  threads::inject(where);
  return key;
}

// Step 2: wake at most one (in faulty builds: sometimes every) thread waiting on the key's word.
inline void wake_one(wake_key key,
                     source_location where = source_location::current()) noexcept {
  threads::inject(where);
  os::wake(key.address, /*all=*/threads::wake_all_instead_of_one(where));
}

// Step 2: wake every thread waiting on the key's word.
inline void wake_all(wake_key key,
                     source_location where = source_location::current()) noexcept {
  threads::inject(where);
  os::wake(key.address, /*all=*/true);
}

}  // namespace spindle::twist::futex
